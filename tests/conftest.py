"""Shared fixtures: the real corpus, the real embedding model, real Qdrant Edge shards on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.config import Config
from index.kb import KnowledgeBase
from index.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLES = CORPUS / "artikler"
TEST_OUTPUT = ROOT / "test-output"

# Tests never reach a model hub: everything they load ships in an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus ingested once per session; tests copy it before writing to it."""
    index_dir = tmp_path_factory.mktemp("corpus-index") / "index"
    kb = KnowledgeBase.open(Config(index_dir=index_dir), create=True)
    try:
        report = ingest_paths(kb, [CORPUS])
    finally:
        kb.close()
    assert report.ok, report.failed
    assert len(report.ingested) >= 5
    return index_dir


@pytest.fixture
def corpus_kb(corpus_index: Path):
    """A read-only handle on the session's corpus index."""
    kb = KnowledgeBase.open(Config(index_dir=corpus_index))
    yield kb
    kb.close()


@pytest.fixture
def index_copy(corpus_index: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus index, for tests that write."""
    target = tmp_path / "index"
    shutil.copytree(corpus_index, target, ignore=shutil.ignore_patterns("write.lock"))
    return target


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
