"""One file into the index: read (ingest.document), chunk, embed, write; and a run's report.

Per document the order is: embed (slow, may fail: nothing changed yet), delete the old chunks,
write the new ones, then record the document. The record is written last, so a document whose
ingest was interrupted is not present and is redone on the next run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document, TextNode
from vidensbank.index.build.identity import (
    EMBEDS,
    LINKED,
    NEW,
    UPDATED,
    Decision,
    Registry,
    source_key,
)
from vidensbank.index.build.points import to_points
from vidensbank.index.build.resume import embed_and_write
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.index.text.chunking import chunk_document
from vidensbank.ingest import schema
from vidensbank.ingest.document import read_document
from vidensbank.ingest.fetch import is_url
from vidensbank.ingest.pdf import PAGE_PROGRESS
from vidensbank.ingest.readers import is_supported

from vidensbank.errors import IngestError, VidensbankError

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)  # new documents
    updated: list[str] = field(default_factory=list)  # changed files: "opdateret"
    skipped: list[str] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)  # (path, doc_id) same text
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "embed": 0.0,
                                                                "write": 0.0})

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "updated": self.updated, "skipped": self.skipped,
                "linked": [{"path": p, "doc_id": d} for p, d in self.linked],
                "failed": [{"path": p, "reason": r} for p, r in self.failed],
                "chunks": self.chunks, "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


@dataclass
class FileProgress:
    """Where the ingest of one file stands: pages read (PDFs), then chunks embedded and written.
    `pages` is 0 for files without pages; `chunks` is 0 until the file is chunked."""

    name: str
    pages_read: int = 0
    pages: int = 0
    chunks_written: int = 0
    chunks: int = 0
    done: bool = False


FileProgressFn = Callable[[FileProgress], None]


def expand_paths(paths: Iterable[Path | str], report: IngestReport) -> list[Path | str]:
    """Files to read: folders recursively (supported types only), in a stable order; http(s)
    URLs (given as str) are kept as they are, to be fetched."""
    files: list[Path | str] = []
    for path in paths:
        if is_url(path):
            files.append(path)
        elif (path := Path(path)).is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_supported(p)
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            files.append(path)
        else:
            report.failed.append((str(path), "filen eller mappen findes ikke"))
    return files


def read_source(path: Path | str, doc_type: str | None, ocr: str) -> Document | str:
    """The finished Document (ingest.document), or the one-line reason it could not be read:
    one file's failure is reported and the batch goes on. Single-file and parallel ingest both
    read through here."""
    try:
        return read_document(path, doc_type=doc_type, ocr=ocr)
    except VidensbankError as exc:
        return exc.reason if isinstance(exc, IngestError) else str(exc)
    except Exception as exc:  # a reader bug must not stop the batch; say what it was
        log.exception("uventet fejl i %s", path)
        return f"uventet fejl: {type(exc).__name__}: {exc}"


def chunks_of(config: Config, doc: Document) -> list[TextNode]:
    return chunk_document(doc, budget=config.chunk_size, minimum=config.chunk_min)


def embed_document(idx: OpenIndex | Any, doc: Document) -> tuple[list[ChunkPoint], int, float]:
    """The document's points, its number of chunks and the seconds it took (one batch: the
    parallel workers; `idx` needs config, embedder and bm25)."""
    clock = time.perf_counter()
    nodes = chunks_of(idx.config, doc)
    return to_points(idx, doc, nodes), len(nodes), time.perf_counter() - clock


def write_record(idx: OpenIndex, decision: Decision, doc: Document, chunks: int) -> None:
    """The record (written after the document's chunks), and the sources of the others."""
    for other, sources in decision.released.items():
        _set_sources(idx, other, sources)
    if decision.action in EMBEDS:
        doc.metadata[schema.SOURCES] = list(decision.sources)
        idx.docs.put(decision.doc_id, decision.digest, doc.metadata, doc.text, chunks)
    elif decision.action == LINKED:
        _set_sources(idx, decision.doc_id, decision.sources)


def _set_sources(idx: OpenIndex, doc_id: str, sources: tuple[str, ...]) -> None:
    stored = idx.docs.get(doc_id)
    if stored is not None:
        metadata = {**stored.metadata, schema.SOURCES: list(sources)}
        idx.docs.put(doc_id, stored.content_hash, metadata, stored.text, stored.chunks)


def note(report: IngestReport, decision: Decision, path: str, chunks: int) -> None:
    if decision.action == NEW:
        report.ingested.append(path)
    elif decision.action == UPDATED:
        report.updated.append(path)
    elif decision.action == LINKED:
        report.linked.append((path, decision.doc_id))
    else:
        report.skipped.append(path)
    report.chunks += chunks


def ingest_file(idx: OpenIndex, path: Path | str, doc_type: str | None,
                registry: Registry, report: IngestReport,
                on_file: FileProgressFn | None = None) -> None:
    clock = time.perf_counter()
    state = FileProgress(Path(str(path)).name)
    tell = on_file or (lambda _: None)
    token = PAGE_PROGRESS.set(lambda read, pages: tell(_pages(state, read, pages)))
    try:
        doc = read_source(path, doc_type, idx.config.ocr)
    finally:
        PAGE_PROGRESS.reset(token)
        report.seconds["parse"] += time.perf_counter() - clock
    if isinstance(doc, str):
        report.failed.append((str(path), doc))
        tell(_done(state))
        return
    decision = registry.resolve(doc, source_key(path))
    clock, chunks = time.perf_counter(), 0
    if decision.action in EMBEDS:
        nodes = chunks_of(idx.config, doc)
        embedded: list[float] = []
        state.chunks = len(nodes)
        embed_and_write(idx, doc, decision.digest, nodes, embedded.append,
                        lambda written: tell(_chunks(state, written)))
        report.seconds["embed"] += sum(embedded)
        clock += sum(embedded)  # the rest of the time was writing
        chunks = len(nodes)
    write_record(idx, decision, doc, chunks)
    registry.commit(decision, doc.metadata[schema.CONTENT_HASH])
    report.seconds["write"] += time.perf_counter() - clock
    note(report, decision, str(path), chunks)
    tell(_done(state))


def _pages(state: FileProgress, read: int, pages: int) -> FileProgress:
    state.pages_read, state.pages = read, pages
    return state


def _chunks(state: FileProgress, written: int) -> FileProgress:
    state.chunks_written = written
    return state


def _done(state: FileProgress) -> FileProgress:
    state.done = True
    return state
