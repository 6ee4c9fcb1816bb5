# The two commands that matter: `make run` (set up, ingest corpus/, open the app) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= .vidensbank
PORT ?= 8501

.PHONY: setup setup-test run ingest test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install -q -e .

setup-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

ingest: setup
	$(BIN)/vidensbank ingest corpus/ --index $(INDEX)

run: ingest
	$(BIN)/vidensbank app --index $(INDEX) --port $(PORT)

lint: setup-test
	$(BIN)/ruff check .

test: setup-test lint
	$(BIN)/python -m pytest -q

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python evals/bench.py

clean:
	rm -rf $(INDEX) .pytest_cache test-output
