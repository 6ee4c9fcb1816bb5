"""Bulk ingest: worker processes read, chunk and embed; the parent alone writes.

Each worker loads the embedder once (pool initializer) and turns a file into ready points. The
parent takes results in file order, so duplicates and the report come out as in a sequential
run, and writes them in batches: old chunks deleted, new chunks upserted, and only then the
document records, so a document is present only once all its chunks are (as in pipeline).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document
from vidensbank.index.build.identity import EMBEDS, Decision, Registry, set_id, source_key
from vidensbank.index.build.one_file import (
    FileProgress,
    FileProgressFn,
    IngestReport,
    embed_document,
    ingest_file,
    note,
    read_source,
    write_record,
)
from vidensbank.index.config import Config
from vidensbank.index.embedders import load_embedder
from vidensbank.index.open_index import OpenIndex, bm25_model
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.ingest import schema

log = logging.getLogger(__name__)

WRITE_BATCH = 512  # points per upsert; the records follow each batch
_WORKER: dict[str, Any] = {}  # per worker process: its embedder, BM25 model and the registry


@dataclass
class WorkerIndex:
    """What `pipeline.to_points` needs from a knowledge base, without a store."""

    config: Config
    embedder: Any
    bm25: Any


@dataclass
class Prepared:
    path: str
    doc: Document | None = None
    base_id: str = ""  # the id from the file name, before the registry decided
    decision: Decision | None = None
    points: list[ChunkPoint] = field(default_factory=list)
    chunks: int = 0
    failure: str | None = None
    seconds: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "embed": 0.0})


def _init_worker(config: Config, known: Registry, threads: int) -> None:
    # Before the model loads: the C engine reads OMP_NUM_THREADS once, when it starts, and the
    # passage encoder takes as many threads (e5_onnx.encoder_threads).
    os.environ["OMP_NUM_THREADS"] = str(threads)
    _WORKER["idx"] = WorkerIndex(config, load_embedder(config.model, config.device), bm25_model())
    _WORKER["known"] = known


def prepare(path: str, doc_type: str | None) -> Prepared:
    """Read, chunk and embed one file in a worker; an unchanged document is not embedded.
    The id is decided on the index as it was at the start; the parent checks it in order."""
    out, clock = Prepared(path), time.perf_counter()
    doc = read_source(path, doc_type, _WORKER["idx"].config.ocr)
    out.seconds["parse"] = time.perf_counter() - clock
    if isinstance(doc, str):
        out.failure = doc
        return out
    out.doc, out.base_id = doc, doc.id_
    out.decision = _WORKER["known"].resolve(doc, source_key(path))
    if out.decision.action in EMBEDS:
        out.points, out.chunks, out.seconds["embed"] = embed_document(_WORKER["idx"], doc)
    return out


def _in_order(pool: ProcessPoolExecutor, files: list[Path], doc_type: str | None,
              window: int) -> Iterator[Prepared]:
    """Results in file order, with at most `window` files in flight (bounded memory)."""
    pending: deque[Future[Prepared]] = deque()
    queue = iter(files)
    for path in queue:
        pending.append(pool.submit(prepare, str(path), doc_type))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(queue, None)
        if nxt is not None:
            pending.append(pool.submit(prepare, str(nxt), doc_type))
        yield result


def ingest_parallel(idx: OpenIndex, files: list[Path], report: IngestReport,
                    registry: Registry, *, doc_type: str | None, workers: int,
                    on_progress: Callable[[int, int, str], None] | None,
                    on_file: FileProgressFn | None = None) -> None:
    """Fill `report` as the sequential loop in pipeline would. Files are followed whole (as
    their results arrive), not page by page: the workers do not report back while working."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    # spawn, not fork: the parent holds a Qdrant shard and model threads that must not be forked.
    context = multiprocessing.get_context("spawn")
    batch: list[Prepared] = []
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(idx.config, registry, threads)) as pool:
            for item in _in_order(pool, files, doc_type, window=2 * workers):
                if on_progress:
                    on_progress(done, len(files), Path(item.path).name)
                done += 1
                for key in ("parse", "embed"):
                    report.seconds[key] += item.seconds[key]
                if _accept(idx, item, registry, report):
                    batch.append(item)
                if on_file and item.doc is not None:
                    pages = len(item.doc.metadata.get(schema.PAGE_SPANS) or [])
                    on_file(FileProgress(Path(item.path).name, pages, pages, item.chunks,
                                         item.chunks, done=True))
                if sum(len(p.points) for p in batch) >= WRITE_BATCH:
                    write_batch(idx, batch, report)
                    batch = []
    except BrokenProcessPool:
        # A worker died (killed, out of memory): nothing is lost, the rest runs in this process.
        log.warning("en arbejdsproces stoppede; de resterende %d filer indlæses i én proces",
                    len(files) - done)
    write_batch(idx, batch, report)
    for path in files[done:]:
        ingest_file(idx, path, doc_type, registry, report, on_file)


def _accept(idx: OpenIndex, item: Prepared, registry: Registry,
            report: IngestReport) -> bool:
    """Decide again on the registry as it now is (files before this one in the run count); in
    the rare case the worker guessed another id (two new files with one name), embed here."""
    if item.failure is not None or item.doc is None or item.decision is None:
        report.failed.append((item.path, item.failure or "ukendt fejl"))
        return False
    doc, guess = item.doc, item.decision
    set_id(doc, item.base_id)
    item.decision = decision = registry.resolve(doc, source_key(item.path))
    if decision.action in EMBEDS and (guess.action not in EMBEDS or guess.doc_id != doc.id_):
        item.points, item.chunks, seconds = embed_document(idx, doc)
        report.seconds["embed"] += seconds
    elif decision.action not in EMBEDS:
        item.points, item.chunks = [], 0
    registry.commit(decision, doc.metadata[schema.CONTENT_HASH])
    return True


def write_batch(idx: OpenIndex, batch: list[Prepared], report: IngestReport) -> None:
    """Old chunks out, new chunks in, records last: a document is present only when whole."""
    if not batch:
        return
    clock = time.perf_counter()
    for item in batch:
        if item.decision is not None and item.decision.action in EMBEDS:
            idx.store.delete_doc(item.decision.doc_id)
    idx.write_points([p for item in batch for p in item.points])
    for item in batch:
        assert item.doc is not None and item.decision is not None
        write_record(idx, item.decision, item.doc, item.chunks)
        note(report, item.decision, item.path, item.chunks)
    report.seconds["write"] += time.perf_counter() - clock
