"""The citation checker, ALCE citation metrics, and generated answers through an OpenAI-style API.

The LLM side talks to a protocol stand-in on 127.0.0.1 (see `chat_server`) that replies with a
fixed completion; the checker, the model and the index are the real ones.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from vidensbank.index.answers.citation_check import (
    LEXICAL,
    NO_SOURCE_ANSWER,
    SupportScorer,
    check_answer,
    claims,
    quote_found,
    scorer_for,
)
from vidensbank.index.answers.generated import api_base, generate, make_llm
from vidensbank.index.config import Config
from vidensbank.index.evaluation.citations import (
    best_threshold,
    citation_metrics,
    evaluate_citations,
)
from vidensbank.index.evaluation.runs import load_questions
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import Hit, search

from tests.test_cli import run
from vidensbank.errors import ConfigError

QUESTION = "Hvordan kobler andre til kernedriften?"


@dataclass(frozen=True)
class Passage:
    title: str
    text: str


@pytest.mark.parametrize("answer,markers", [
    ("A er godt [1]. B er skidt [2].", [[1], [2]]),
    ("A er godt. [1] B er skidt [2][3].", [[1], [2, 3]]),
    ("A er godt [1, 2]. Her er ingen kilde.", [[1, 2], []]),
    ("Kilderne peger på to ting:\n- Den første ting [1].\n- Den anden ting [2].", [[1], [2]]),
    ("Ifølge [1] er det sådan, og det virker [2].", [[1, 2]]),
    ("Fx. kl. 8 mødes de [3]. Det hjælper [1]", [[3], [1]]),
    ("- Titel: «Det går. Vi kører videre.» [4]\n- Titel: «Kort.» [1]", [[4], [1]]),
    (NO_SOURCE_ANSWER, []),
])
def test_claims_split_sentences_and_markers(answer: str, markers: list[list[int]]) -> None:
    assert [c.markers for c in claims(answer)] == markers
    assert all(answer[c.start:c.end] == c.text for c in claims(answer))


@pytest.mark.parametrize("quote,found", [
    ("bare lykken", True),
    ("At have så mange samarbejdspartnere er bare lykken", True),
    ("At have så mange … er bare lykken", True),
    ("At have få samarbejdspartnere er bare lykken", False),
])
def test_quotes_must_be_verbatim(quote: str, found: bool) -> None:
    passage = Passage("", "Det er et fedt job. At have så mange\nsamarbejdspartnere er "
                          "bare lykken.")
    assert quote_found(quote, [passage]) is found


@pytest.mark.parametrize("scores,labels,threshold,f1", [
    ([0.9, 0.8, 0.4, 0.3], [True, True, False, False], 0.8, 1.0),
    ([0.9, 0.5, 0.6, 0.3], [True, True, False, False], 0.5, 0.8),
    ([0.2, 0.1], [False, False], 0.1, 0.0),
])
def test_best_threshold_maximises_f1(scores: list[float], labels: list[bool], threshold: float,
                                     f1: float) -> None:
    best = best_threshold(scores, labels)
    assert best["threshold"] == threshold and best["f1"] == pytest.approx(f1)


def faulty_answer(hits: list[Hit]) -> tuple[str, dict[str, int]]:
    """A completion with one sentence of each kind; returns it and the passage number it cites.

    Only the passage with the gold answer to QUESTION must be among the hits; the wrongly cited
    sentence comes from another article (Varde), whether or not that one was retrieved.
    """
    found = [i for i, h in enumerate(hits, start=1) if "supplere kernedriften" in h.text]
    assert found, f"guldpassagen mangler blandt {[h.doc_id for h in hits]}"
    g = found[0]
    text = (
        "Helhedsplanen supplerer i højere grad kernedriften, for eksempel jobcenterindsatsen og "
        f"forældresamarbejdet i folkeskolen [{g}]. "
        f"Brihan Khalil har lært at klare sig selv og er blevet mere åben [{g}]. "
        "Det er altid en god idé at holde ugentlige møder med borgmesteren. "
        "Marlene Wullf har været i branchen i 13 år [9]. "
        f"Målet er at „supplere kernedriften i for eksempel jobcentret“ [{g}]. "
        f"Målet er at „supplere kernedriften i for eksempel jobcenterindsatsen“ [{g}]."
    )
    return text, {"gold": g}


def _assert_checked(sentences: list, n: dict[str, int]) -> None:
    """What the checker must say about each sentence of faulty_answer()."""
    assert [s["supported"] for s in sentences] == [True, False, False, False, False, True]
    paraphrase, wrong, uncited, beyond, misquote, quote = sentences
    assert paraphrase["recalled"] and paraphrase["problems"] == []
    assert wrong["citations"] == [n["gold"]] and not wrong["recalled"]
    assert wrong["problems"] == [f"kilde [{n['gold']}] understøtter ikke sætningen"]
    assert uncited["citations"] == [] and uncited["problems"] == ["mangler kildehenvisning"]
    assert beyond["problems"] == ["henvisningen [9] findes ikke: der er 5 kilder"]
    assert [v["in_range"] for v in beyond["verdicts"]] == [False]
    assert any("står ikke ordret" in p for p in misquote["problems"])
    assert quote["problems"] == []


def test_checker_on_real_passages(corpus_open_index: OpenIndex) -> None:
    hits = search(corpus_open_index, QUESTION, top_k=5)
    text, n = faulty_answer(hits)
    checked = check_answer(text, hits, scorer_for(corpus_open_index))
    _assert_checked([s.as_dict() for s in checked], n)
    metrics = citation_metrics(checked)
    # 6 sentences, 5 markers: those of the paraphrase, the quote and the misquote are precise.
    assert metrics["sentences"] == 6 and metrics["citations"] == 5
    assert metrics["precision"] == pytest.approx(3 / 5)
    assert metrics["recall"] == pytest.approx(3 / 6)


def test_unknown_model_falls_back_to_stem_overlap(corpus_open_index: OpenIndex) -> None:
    hits = search(corpus_open_index, QUESTION, top_k=5)
    lexical = SupportScorer(corpus_open_index.embedder, corpus_open_index.bm25, LEXICAL)
    text, _ = faulty_answer(hits)
    supported = [s.supported for s in check_answer(text, hits, lexical)]
    assert supported[1:5] == [False, False, False, False]


# -- generated answers against a protocol stand-in ---------------------------------------------


@contextlib.contextmanager
def chat_server(completion: str, *, reject_schema: int = 0
                ) -> Iterator[tuple[str, list[dict]]]:
    """A protocol stand-in for an OpenAI-compatible server, not a model: POST
    /v1/chat/completions answers every request with `completion`. Bound to 127.0.0.1 on a free
    port, serves at most 20 requests, and is shut down when the block ends. `reject_schema`: a
    request with `response_format` gets this status (a server without structured output: 400,
    or 500 naming the field, as llama-cpp-python's for the OpenAI form)."""
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append({"path": self.path, **body})
            if len(requests) > 20 or self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            if reject_schema and "response_format" in body:
                self.send_error(reject_schema, "response_format not supported")
                return
            reply = json.dumps({
                "id": "stand-in", "object": "chat.completion", "created": 0,
                "model": body.get("model", ""),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": completion}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_generate_checks_every_sentence(corpus_open_index: OpenIndex) -> None:
    hits = search(corpus_open_index, QUESTION)
    text, n = faulty_answer(hits)
    with chat_server(text) as (url, requests):
        llm = make_llm(replace(corpus_open_index.config, llm_url=url, llm_model="lokal"))
        result = generate(corpus_open_index, QUESTION, llm=llm, constrained=False)
    assert len(requests) == 1 and requests[0]["model"] == "lokal"
    assert "response_format" not in requests[0]
    system, user = (m["content"] for m in requests[0]["messages"])
    assert "Svar på dansk" in system and "[2]" in system and "1 til 5" in system
    assert all(f"[{i}] {h.citation}\n{h.text}" in user for i, h in enumerate(hits, start=1))
    assert result.answer == text and not result.all_supported
    data = result.as_dict()
    assert {"question", "mode", "output", "note", "answer", "citations", "sentences",
            "extractive"} == set(data)
    # 2 of 6 sentences supported: under half, so the extractive answer is shown instead
    assert data["mode"] == "fallback" and data["output"] == "free" and data["note"]
    assert data["extractive"]["citations"]
    _assert_checked(data["sentences"], n)
    assert [c["n"] for c in data["citations"]] == [n["gold"]]  # [9] is beyond the sources
    for c in result.citations:  # each cited passage is an exact slice of its document
        assert corpus_open_index.docs.get(c.doc_id).text[c.start_char:c.end_char] == c.text


def test_llm_citation_quality_in_eval(corpus_open_index: OpenIndex) -> None:
    questions = [q for q in load_questions() if q.question == QUESTION]
    text, _ = faulty_answer(search(corpus_open_index, QUESTION))
    with chat_server(text) as (url, _requests):
        llm = make_llm(replace(corpus_open_index.config, llm_url=url))
        result = evaluate_citations(corpus_open_index, questions,
                                    generate=lambda q: generate(corpus_open_index, q, llm=llm))
    assert result["llm"]["precision"] == pytest.approx(3 / 5)
    assert result["llm"]["recall"] == pytest.approx(3 / 6)
    assert result["extractive"]["sentences"] >= 1 and result["extractive"]["recall"] == 1.0


@pytest.mark.slow
def test_cli_ask_with_llm(corpus_index: Path) -> None:
    idx = OpenIndex.open(Config(index_dir=corpus_index))
    try:
        text, n = faulty_answer(search(idx, QUESTION))
    finally:
        idx.close()
    with chat_server(text) as (url, requests):
        out = run("ask", QUESTION, "--llm", url, "--json", index=corpus_index)
        plain = run("ask", QUESTION, index=corpus_index,
                    env={"VIDENSBANK_LLM_URL": url, "VIDENSBANK_LLM_MODEL": "lokal"})
    assert out.returncode == 0, out.stderr
    _assert_checked(json.loads(out.stdout)["sentences"], n)
    assert plain.returncode == 0 and plain.stdout.count("⚠") == 4 + 1  # 4 marked + the summary
    assert "mangler kildehenvisning" in plain.stdout and requests[-1]["model"] == "lokal"


def test_unreachable_llm_is_one_line(corpus_index: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = run("ask", QUESTION, "--llm", f"http://127.0.0.1:{port}", index=corpus_index)
    assert out.returncode == 1 and "sprogmodellen" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize("url,base", [
    ("http://localhost:8000", "http://localhost:8000/v1"),
    ("http://localhost:8000/v1/", "http://localhost:8000/v1"),
    ("https://llm.example/api/v1", "https://llm.example/api/v1"),
])
def test_api_base(url: str, base: str) -> None:
    assert api_base(url) == base


def test_bad_llm_url_is_config_error() -> None:
    with pytest.raises(ConfigError, match="ugyldig LLM-adresse"):
        make_llm(Config(llm_url="localhost:8000"))
