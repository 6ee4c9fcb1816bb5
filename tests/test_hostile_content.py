"""Hostile content and odd queries: text stays data, never markup, and never a traceback.

Documents with <script>, javascript: links, markdown that tries to become HTML and a terminal
escape are ingested through the CLI. Search and ask return that text verbatim (an offset is only
worth something if nothing was stripped), the terminal shows it as plain text, and the app's
rendering helpers escape it. Queries of any length and content get results, no results or a
one-line refusal: they go through the CLI's `main` in-process (NUL bytes and a 1 MB query cannot
travel in argv at all: the kernel refuses them), and a slow test runs a few as real processes.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from fixtures.figures import record
from fixtures.index_check import clean_env
from vidensbank.app import html_view, labels
from vidensbank.app.cli import main
from vidensbank.index.answers.extractive import answer
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import search
from vidensbank.index.stores.docstore import DocStore

from tests.test_interrupted_ingest import _cli

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

SCRIPT = "<script>alert('xss')</script>"
MARKDOWN_LINK = "[vejledningen](javascript:alert(1))"
IMG = '<img src=x onerror="alert(1)">'
ANCHOR = '<a href="javascript:alert(2)">Klik her</a>'
HOSTILE_MD = (
    "# Referat fra beboermødet <script>alert('titel')</script>\n\n"
    f"Beboerrådgiveren skrev {SCRIPT} i referatet om Vejleåparken.\n\n"
    f"Se {MARKDOWN_LINK} og {IMG} om helhedsplanen og lektiecaféen.\n\n"
    f"{ANCHOR} for **fed** og _kursiv_ tekst, `kode` og "
    '<iframe src="https://example.invalid"></iframe> i beboerhuset.\n\n'
    "Farvekoden \x1b[31m hører ikke hjemme i en terminal, siger bestyrelsen."
)
ESCAPED_SCRIPT = "Koden <script>alert(1)</script> blev vist som tekst på skærmen."
HOSTILE_HTML = (
    "<html><head><title>Lektiecafé | Side</title><script>document.cookie='stjålet'</script>"
    "</head><body><article><h1>Lektiecaféen i Åparken</h1>"
    "<p>Koden &lt;script&gt;alert(1)&lt;/script&gt; blev vist som tekst på skærmen.</p>"
    '<p><a href="javascript:alert(3)">Læs mere om lektiecaféen</a> og '
    '<b onclick="alert(4)">frivillige</b>.</p><script>alert("body")</script>'
    "</article></body></html>"
)
QUESTION = "Hvad skrev beboerrådgiveren i referatet om Vejleåparken?"


def cli(*args: str | bytes, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*_cli(), *args, "--index", str(index)], capture_output=True,
                          cwd=ROOT, env=clean_env(), timeout=600)


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fjendtlig")
    (folder / "fjendtlig.md").write_text(HOSTILE_MD, encoding="utf-8")
    (folder / "lektiecafe.html").write_text(HOSTILE_HTML, encoding="utf-8")
    index = folder / "index"
    out = cli("ingest", str(folder), "--json", index=index)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["ingested"]) == 2
    return index


@pytest.fixture(scope="module")
def stored(hostile_index: Path) -> dict[str, str]:
    docs = DocStore(hostile_index / "documents.sqlite")
    texts = {d.doc_id: docs.get(d.doc_id).text for d in docs.list()}  # type: ignore[union-attr]
    docs.close()
    return texts


def test_readers_keep_markup_as_text_and_drop_only_what_is_not_text(
        stored: dict[str, str]) -> None:
    md, page = stored["fjendtlig"], stored["lektiecafe"]
    for fragment in (SCRIPT, MARKDOWN_LINK, IMG, ANCHOR, "**fed**", "`kode`"):
        assert fragment in md  # a text file's markup is its text, kept as written
    assert "\x1b" not in md  # a terminal escape never reaches a terminal
    assert ESCAPED_SCRIPT in page and "Læs mere om lektiecaféen og frivillige." in page
    for gone in ("document.cookie", 'alert("body")', "javascript:", "onclick"):
        assert gone not in page  # scripts and attributes of a web page are not its text


def test_ask_json_carries_the_text_verbatim(hostile_index: Path, stored: dict[str, str]) -> None:
    asked = cli("ask", QUESTION, "--json", index=hostile_index)
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    assert any(SCRIPT in c["quote"] for c in result["citations"])
    for c in result["citations"]:
        assert stored[c["doc_id"]][c["start_char"]:c["end_char"]] == c["quote"]
        assert c["quote"] in result["answer"]


def test_search_json_and_terminal_show_the_text_verbatim(
        hostile_index: Path, stored: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    query = "beboerrådgiveren skrev script alert xss"
    assert main(["search", query, "--json", "--index", str(hostile_index)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any(SCRIPT in h["text"] for h in hits)
    for h in hits:
        assert stored[h["doc_id"]][h["start_char"]:h["end_char"]] == h["text"]
    assert main(["search", query, "--index", str(hostile_index)]) == 0
    plain = capsys.readouterr().out
    assert SCRIPT in plain and "\x1b" not in plain  # plain text; nothing for a terminal to run


def test_rendering_helpers_escape_document_text(hostile_index: Path,
                                                stored: dict[str, str]) -> None:
    idx = OpenIndex.open(Config(index_dir=hostile_index))
    try:
        hits = search(idx, "beboerrådgiveren skrev script alert xss")
        result = answer(idx, QUESTION)
    finally:
        idx.close()
    hit = next(h for h in hits if SCRIPT in h.text)
    start = hit.start_char + hit.text.index(SCRIPT)
    end = start + len(SCRIPT)
    text = stored[hit.doc_id]
    rendered = {
        "passage": html_view.passage_html(hit, [(start, end, "[1]")]),
        "context": html_view.context_html(text, start, end),
        "highlight": html_view.highlight(text, start, end),
        "answer": html_view.answer_html(result),
    }
    for name, markup in rendered.items():
        assert not re.search(r"<(script|img|iframe|a)\b", markup), name  # no live element
        assert "&lt;script&gt;" in markup, name
    marked = re.search(r"<mark[^>]*>(.*?)</mark>", rendered["context"], re.DOTALL)
    assert marked and html.unescape(marked.group(1)) == text[start:end] == SCRIPT
    assert labels.plain(MARKDOWN_LINK) == r"\[vejledningen\]\(javascript\:alert\(1\)\)"
    assert labels.plain(SCRIPT).startswith(r"\<script\>")


ODD_QUERIES = {
    "tom": "",
    "mellemrum": " \t\n ",
    "nul-bytes": "kommune\x00\x00beboere",
    "1 MB": "boligsocial helhedsplan " * 43_000,
    "kun tegnsætning": "?!.,;:-–…()[]{}",
    "SQL": "'; DROP TABLE documents; --",
    "JSON": '{"$where": "1", "query": [null, true]}',
    "emoji": "🏠🤝🏢 lektiecafé 👍🏽",
    "RTL": "مرحبا بكم שלום \u202ebeboere\u202c",
    "styretegn": "\x1b[2J\x07 referat",
    "latin-1-terminal": "kr\udce6ft i Vejle\udce5parken",  # bytes E6, E5 as argv gives them
}


# Every query through search; the ones that stress other code (empty, NUL, size, scripts,
# undecodable bytes) through ask as well.
ODD_CASES = [("search", name) for name in ODD_QUERIES] + [
    ("ask", name) for name in ("tom", "nul-bytes", "1 MB", "RTL", "latin-1-terminal")]


@pytest.mark.parametrize("command,name", ODD_CASES)
def test_odd_queries_get_results_or_one_line(name: str, command: str, hostile_index: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main([command, ODD_QUERIES[name], "--json", "--index", str(hostile_index)])
    out, err = capsys.readouterr()
    if code == 0:
        data = json.loads(out)
        assert isinstance(data, list) if command == "search" else "answer" in data
    else:
        assert code == 1 and len(err.strip().splitlines()) == 1


SUBPROCESS_QUERIES = [
    ("search", b""),
    ("ask", b"boligsocial helhedsplan " * 4_000),  # 96 KB: under the kernel's 128 KB per arg
    ("search", "kr\xe6ft i Vejle\xe5parken".encode("latin-1")),
    ("ask", "مرحبا 🏠 '; DROP TABLE documents; --".encode()),
]


@pytest.mark.slow
def test_odd_queries_in_a_real_process(hostile_index: Path) -> None:
    outcomes = []
    for command, query in SUBPROCESS_QUERIES:
        out = cli(command, query, "--json", index=hostile_index)
        assert b"Traceback" not in out.stderr, out.stderr.decode(errors="replace")
        assert out.returncode == 0 or (out.returncode == 1 and out.stderr.count(b"\n") == 1)
        if out.returncode == 0:
            json.loads(out.stdout)
        outcomes.append(out.returncode)
    record("odd_queries", in_process=len(ODD_CASES),
           subprocesses=len(SUBPROCESS_QUERIES), refused=outcomes.count(1))
