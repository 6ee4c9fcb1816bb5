"""Ingests killed with SIGKILL: the index still opens, every document is whole or invisible,
a rerun completes the work, and nothing ends up twice.

Two kinds of kill: at seeded random moments (after a random delay, or at a random burst of writes
to the index folder) while `vidensbank ingest corpus/ REPORTS` runs; and at each named write step
(tests/fixtures/killpoints.py), where half-written state is most likely.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from fixtures.figures import record
from fixtures.index_check import check_index, clean_env, expected_docs
from fixtures.killpoints import POINTS
from fixtures.make_report import make_report
from vidensbank.index.config import Config
from vidensbank.ingest.readers import doc_id_for

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

SEED = 20261123
KILLS = 6
LATEST_KILL_S = 8.0  # timed kills fall in the first this many seconds (a run takes longer)
MAX_BURST = 6  # write kills fall on one of the first this many bursts of writes
RUN_TIMEOUT_S = 900


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("vidensbank")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vidensbank"]


def start_ingest(paths: list[Path], index: Path, prefix: list[str] | None = None
                 ) -> subprocess.Popen:
    cmd = [*(prefix or _cli()), "ingest", *map(str, paths), "--json", "--index", str(index)]
    return subprocess.Popen(cmd, cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file; the ingest renames and removes files while we walk."""
    out = {}
    for root, _dirs, names in os.walk(folder):  # os.walk skips folders that vanish mid-walk
        for name in names:
            try:
                stat = os.stat(os.path.join(root, name))
            except FileNotFoundError:
                continue
            out[os.path.join(root, name)] = (stat.st_size, stat.st_mtime_ns)
    return out


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL after `seconds`; False when the run finished first."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def kill_at_write(proc: subprocess.Popen, index: Path, burst: int) -> bool:
    """SIGKILL as the `burst`-th change to the index folder is seen; False if it finished."""
    seen, before = 0, _files(index) if index.exists() else {}
    while proc.poll() is None:
        now = _files(index) if index.exists() else {}
        if now != before:
            seen, before = seen + 1, now
            if seen >= burst:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return True
        time.sleep(0.005)
    return False


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rapporter")
    make_report(folder / "fremskudte-indsatser.pdf")
    return folder


@pytest.mark.slow
def test_random_kills_lose_no_document(tmp_path: Path, reports: Path, corpus_index: Path) -> None:
    index, inputs = tmp_path / "index", [CORPUS, reports]
    expected = expected_docs(inputs, Config())
    rng = random.Random(SEED)
    kills, timed, ever_present, lost = 0, 0, set(), set()
    for _ in range(KILLS):
        proc = start_ingest(inputs, index)
        if rng.random() < 0.5:
            killed = kill_after(proc, rng.uniform(1.0, LATEST_KILL_S))
            timed += killed
        else:
            killed = kill_at_write(proc, index, rng.randint(1, MAX_BURST))
        kills += killed
        state = check_index(index, expected)
        assert not state.problems, state.problems
        lost |= ever_present - state.present  # once whole, a document must stay whole
        ever_present |= state.present
    proc = start_ingest(inputs, index)
    out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0 and "Traceback" not in err, err
    report = json.loads(out)
    assert {doc_id_for(Path(p)) for p in report["skipped"]} == ever_present  # no work redone
    final = check_index(index, expected)
    lost |= set(expected) - final.present
    record("interrupted_ingest", ingests_killed=kills, killed_at_random_time=timed,
           killed_at_a_write=kills - timed, documents=len(expected),
           documents_lost=len(lost), points=final.points)
    assert kills >= KILLS - 2  # most runs were really cut off
    assert not final.problems and not lost, (final.problems, lost)
    assert final.points == sum(len(d.point_ids) for d in expected.values())
    report_id = doc_id_for(reports / "fremskudte-indsatser.pdf")
    # The corpus part equals the session's clean ingest of corpus/, point for point.
    clean = check_index(corpus_index, {k: v for k, v in expected.items() if k != report_id})
    assert not clean.problems and clean.present == set(expected) - {report_id}
    assert final.points - clean.points == len(expected[report_id].point_ids)


SMALL_DOCS = {
    "varde.txt": "Fleksibilitet i Varde\n\nHelhedsplanen i Varde samler kommunen og "
                 "boligorganisationen om beskæftigelse.\n\nStyregruppen mødes hver måned.",
    "silkeborg.txt": "Samspil i Silkeborg\n\nBorgmesteren roser samspillet mellem "
                     "beboerrådgiverne og jobcentret.\n\nUnge får hjælp til fritidsjob.",
    "vejle.txt": "Bestyrelser i Vejleåparken\n\nFire webfilm viser, hvordan boligsociale "
                 "bestyrelser arbejder.\n\nFilmene bruges på temadage for nye medlemmer.",
}


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_kill_at_each_write_step_then_rerun(point: str, tmp_path: Path) -> None:
    folder, index = tmp_path / "docs", tmp_path / "index"
    folder.mkdir()
    for name, text in SMALL_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    expected = expected_docs([folder], Config())
    proc = start_ingest([folder], index, [sys.executable, "-m", "tests.fixtures.killpoints",
                                          point])
    proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == -signal.SIGKILL
    state = check_index(index, expected)
    assert not state.problems, state.problems
    rerun = start_ingest([folder], index)
    out, err = rerun.communicate(timeout=RUN_TIMEOUT_S)
    assert rerun.returncode == 0, err
    assert {doc_id_for(Path(p)) for p in json.loads(out)["skipped"]} == state.present
    final = check_index(index, expected)
    record(f"kill_at_{point}", faults_injected=1, documents=len(expected),
           whole_after_kill=len(state.present), documents_lost=len(set(expected) - final.present))
    assert not final.problems and final.present == set(expected)
    assert final.points == sum(len(d.point_ids) for d in expected.values())
    stats = subprocess.run([*_cli(), "stats", "--json", "--index", str(index)], cwd=ROOT,
                           env=clean_env(), capture_output=True, text=True, timeout=300)
    assert stats.returncode == 0, stats.stderr  # facets need every payload index
    assert json.loads(stats.stdout)["documents"] == len(SMALL_DOCS)
