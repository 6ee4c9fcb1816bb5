"""Ingest with 1 and 2 worker processes: on corpus/ and on its articles copied 8 times.

Prints wall-clock seconds per run (fresh index each time; worker start-up and model loading
included, since a user waits for them too). Usage: python -m evals.benchmarks.workers [--copies 8]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "corpus" / "artikler"


def copies(target: Path, n: int) -> Path:
    """The seed articles n times under new names (new doc ids), sidecars included."""
    target.mkdir(parents=True)
    for i in range(n):
        for src in ARTICLES.iterdir():
            stem, _, rest = src.name.partition(".")
            shutil.copy(src, target / f"{stem}-kopi{i}.{rest}")
    return target


def run(paths: list[Path], workers: int, scratch: Path) -> tuple[float, int, int]:
    index_dir = Path(tempfile.mkdtemp(dir=scratch))
    idx = OpenIndex.open(Config(index_dir=index_dir, workers=workers), create=True)
    clock = time.perf_counter()
    report = ingest_paths(idx, paths)
    seconds = time.perf_counter() - clock
    idx.close()
    assert report.ok, report.failed
    return seconds, len(report.ingested), report.chunks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    try:
        sets = {"corpus/": [ROOT / "corpus"],
                f"artikler x{args.copies}": [copies(scratch / "kopier", args.copies)]}
        print(f"cpu: {os.cpu_count()}, load average før: {os.getloadavg()[0]:.1f}")
        print(f"{'sæt':<16}{'workers':>8}{'dok.':>6}{'bidder':>8}{'sek.':>9}{'dok./s':>8}")
        for name, paths in sets.items():
            for workers in args.workers:
                seconds, docs, chunks = run(paths, workers, scratch)
                print(f"{name:<16}{workers:>8}{docs:>6}{chunks:>8}{seconds:>9.1f}"
                      f"{docs / seconds:>8.2f}", flush=True)
        print(f"load average efter: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
