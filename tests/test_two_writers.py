"""Two `vidensbank ingest` processes on one index: one is refused with a message, never mixed in.

The refusal comes from the index itself (Qdrant Edge's WAL lock, then the write lock in
index/open_index.py), so it holds between any two processes, not only two threads of one.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ARTICLES, ROOT
from fixtures.figures import record
from fixtures.index_check import check_index, expected_docs
from vidensbank.index.config import Config

from tests.test_interrupted_ingest import RUN_TIMEOUT_S, SMALL_DOCS, start_ingest

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

# Long enough that the first ingest still holds the index when the second process has started
# and loaded its model: the five articles and twenty distractor documents (about 15 s here).
LONG_RUN = [*sorted(ARTICLES.glob("*.txt")),
            *sorted((ROOT / "evals" / "distractors").glob("*.txt"))[:20]]


def _small_docs(folder: Path) -> Path:
    folder.mkdir()
    for name, text in SMALL_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _outcome(proc: subprocess.Popen) -> dict | None:
    """The ingest report, or None when the process was refused (with one line saying why)."""
    out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    if proc.returncode == 0:
        return json.loads(out)
    assert proc.returncode == 1 and not out, (out, err)
    assert len(err.strip().splitlines()) == 1 and "i gang" in err, err
    return None


def _holds_write_lock(index: Path) -> bool:
    try:
        with open(index / "write.lock") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fh, fcntl.LOCK_UN)
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True
    return False


@pytest.mark.slow
def test_two_ingests_started_together_one_is_refused(tmp_path: Path) -> None:
    folder, index = _small_docs(tmp_path / "docs"), tmp_path / "index"
    first, second = start_ingest([folder], index), start_ingest([folder], index)
    reports = [_outcome(first), _outcome(second)]
    ran = [r for r in reports if r is not None]
    # One ingests everything; the other is refused, or (started late) finds nothing left to do.
    assert sorted(len(r["ingested"]) for r in ran) in ([len(SMALL_DOCS)], [0, len(SMALL_DOCS)])
    assert all(r["ingested"] or len(r["skipped"]) == len(SMALL_DOCS) for r in ran)
    state = check_index(index, expected_docs([folder], Config()))
    assert not state.problems and state.present == {p.stem for p in folder.iterdir()}
    record("two_writers_together", processes=2, refused=2 - len(ran),
           problems=len(state.problems))


@pytest.mark.slow
def test_ingest_while_another_runs_is_refused_then_works(tmp_path: Path) -> None:
    long_run, index = tmp_path / "artikler", tmp_path / "index"
    long_run.mkdir()
    for source in LONG_RUN:
        (long_run / source.name).write_bytes(source.read_bytes())
    first = start_ingest([long_run], index)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while not _holds_write_lock(index) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    small = _small_docs(tmp_path / "docs")
    assert _outcome(start_ingest([small], index)) is None
    assert first.poll() is None, "the first ingest ended before the second was refused"
    assert _outcome(first) is not None
    expected = expected_docs([long_run], Config())
    state = check_index(index, expected)
    assert not state.problems and state.present == set(expected)  # nothing of the second
    assert state.points == sum(len(d.point_ids) for d in expected.values())
    after = start_ingest([small], index)  # the lock is released with the first process
    out, _ = after.communicate(timeout=RUN_TIMEOUT_S)
    assert after.returncode == 0 and len(json.loads(out)["ingested"]) == len(SMALL_DOCS)
