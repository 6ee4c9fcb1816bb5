"""A long document killed twice mid-ingest resumes from its written batches (index/build/resume.py)
and ends with exactly the points of a clean run, without embedding anything twice."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from fixtures.index_check import clean_env
from fpdf import FPDF
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

pytestmark = pytest.mark.slow

WORDS = ("beboerne", "kommunen", "boligorganisationen", "helhedsplanen", "indsatsen", "trivsel",
         "beskæftigelse", "uddannelse", "fællesskab", "området", "samarbejdet", "frivillige",
         "unge", "familier", "økonomi", "tryghed", "lektiecaféen", "jobcentret", "skolen")


def _long_pdf(path: Path, pages: int = 14) -> Path:
    rng = random.Random(16)
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for _ in range(5):
            sentences = [" ".join(rng.choices(WORDS, k=rng.randint(6, 12))).capitalize() + "."
                         for _ in range(6)]
            pdf.multi_cell(0, 6, " ".join(sentences))
            pdf.ln(3)
    pdf.output(str(path))
    return path


def _run(pdf: Path, index: Path, log: Path, kill_after: int | None) -> tuple[int, int]:
    """(exit code, points upserted by this run)."""
    log.write_text("")
    env = {**clean_env(), "UPSERT_LOG": str(log), "KILL_AFTER": str(kill_after or ""),
           "PYTHONPATH": str(ROOT / "tests")}
    proc = subprocess.run([sys.executable, "-m", "fixtures.kill_after_writes", "ingest",
                           str(pdf), "--json", "--index", str(index)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    return proc.returncode, sum(int(n) for n in log.read_text().split())


def _points(index: Path) -> dict[str, tuple]:
    idx = OpenIndex.open(Config(index_dir=index))
    try:
        assert idx.docs.count() == 1
        return {c.id: (c.payload, c.dense) for batch in idx.store.all_chunks() for c in batch}
    finally:
        idx.close()


def test_long_document_killed_twice_resumes_with_the_same_points(tmp_path: Path) -> None:
    pdf, log = _long_pdf(tmp_path / "lang-rapport.pdf"), tmp_path / "upserts.log"
    code, clean_total = _run(pdf, tmp_path / "clean", log, None)
    assert code == 0
    index = tmp_path / "resumed"
    work = []
    for kill_after in (3, 3, None):  # killed after 3 batches, twice; then left to finish
        code, upserted = _run(pdf, index, log, kill_after)
        assert code == (-signal.SIGKILL if kill_after else 0)
        work.append(upserted)
    assert sum(work) == clean_total  # no window embedded twice
    assert work[1] + work[2] < clean_total  # each rerun picked up where the last one stopped
    clean, resumed = _points(tmp_path / "clean"), _points(index)
    assert clean.keys() == resumed.keys() and len(clean) == clean_total
    for pid, (payload, dense) in clean.items():
        assert resumed[pid][0] == payload
        assert np.allclose(resumed[pid][1], dense, atol=1e-5)
