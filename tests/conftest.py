"""Shared fixtures: the real corpus, the real embedding model, real Qdrant Edge shards on disk."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from vidensbank.app.cli import main
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLES = CORPUS / "artikler"
TEST_OUTPUT = ROOT / "test-output"

# Tests never reach a model hub: everything they load ships in an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# Fixtures that ingest the corpus with the real model: a test that uses one is an integration
# test (`make test-fast` leaves them out; `make test` runs them all).
INDEX_FIXTURES = {"corpus_index"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INDEX_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus ingested once per session; tests copy it before writing to it."""
    index_dir = tmp_path_factory.mktemp("corpus-index") / "index"
    idx = OpenIndex.open(Config(index_dir=index_dir), create=True)
    try:
        report = ingest_paths(idx, [CORPUS])
    finally:
        idx.close()
    assert report.ok, report.failed
    assert len(report.ingested) >= 5
    return index_dir


@pytest.fixture
def corpus_open_index(corpus_index: Path):
    """A read-only handle on the session's corpus index."""
    idx = OpenIndex.open(Config(index_dir=corpus_index))
    yield idx
    idx.close()


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


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, index: Path | None = None, env: dict | None = None) -> CliResult:
    """`vidensbank ARGS` in this process, as the console script runs it: the model loads once
    per test session instead of once per call. Subprocess runs stay where processes matter."""
    argv = [*args, *(["--index", str(index)] if index is not None else [])]
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors exit 2
            code = exc.code if isinstance(exc.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())
