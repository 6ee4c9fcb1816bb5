"""Ingest files and folders into a knowledge base, one process or several; skip what is unchanged.

Per document the order is: embed (slow, may fail: nothing changed yet), delete the old chunks,
write the new ones, then record the document. The record is written last, so a document whose
ingest was interrupted is not present and is redone on the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from vidensbank.index.build.identity import Registry
from vidensbank.index.build.one_file import FileProgressFn, IngestReport, expand_paths, ingest_file
from vidensbank.index.build.parallel import ingest_parallel
from vidensbank.index.open_index import OpenIndex, write_lock
from vidensbank.ingest.fetch import is_url


def ingest_paths(
    idx: OpenIndex,
    paths: Iterable[Path | str],
    *,
    doc_type: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
    on_file: FileProgressFn | None = None,
) -> IngestReport:
    """Ingest files and folders; every failure is reported with its reason, the rest goes on.

    `on_progress(done, total, name)` follows the files; `on_file` follows one file inside: its
    pages as they are read, then its chunks as they are embedded and written (one process).

    With several workers (default: config.workers) files are parsed and embedded in parallel
    processes (index/build/parallel.py); the result is the same.
    """
    report = IngestReport()
    workers = workers or idx.config.workers
    with write_lock(idx.index_dir):
        files = expand_paths(paths, report)
        registry = Registry.load(idx.docs)  # which document each file is (index/build/identity.py)
        # Worker processes read local files only; URLs are fetched in the loop below.
        if workers > 1 and len(files) > 1 and not any(is_url(f) for f in files):
            ingest_parallel(idx, files, report, registry, doc_type=doc_type, workers=workers,
                            on_progress=on_progress, on_file=on_file)
        else:
            for i, path in enumerate(files):
                if on_progress:
                    on_progress(i, len(files), Path(path).name)
                ingest_file(idx, path, doc_type, registry, report, on_file)
        clock = time.perf_counter()
        idx.store.finish_writes()
        report.seconds["write"] += time.perf_counter() - clock
        if on_progress:
            on_progress(len(files), len(files), "")
    return report


