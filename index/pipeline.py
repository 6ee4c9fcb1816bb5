"""Ingest files into a knowledge base: read, chunk, embed, write; skip what is unchanged.

Per document the order is: embed (slow, may fail: nothing changed yet), delete the old chunks,
write the new ones, then record the document. The record is written last, so a document whose
ingest was interrupted is not present and is redone on the next run.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.schema import Document, TextNode

from index.chunking import chunk_document, window_spans
from index.kb import KnowledgeBase, sparse_document, write_lock
from index.store import ChunkPoint
from ingest import schema
from ingest.errors import IngestError, VidensbankError
from ingest.fetch import fetch_document, is_url
from ingest.readers import is_supported, read_path

log = logging.getLogger(__name__)

POINT_NAMESPACE = uuid.UUID("6f1b0c1e-4d0a-4c5e-9d55-2b7f4f0e9a10")
PAYLOAD_KEYS = (
    schema.DOC_ID, schema.TITLE, schema.SOURCE, schema.DOC_TYPE, schema.DATE, schema.YEAR,
    schema.AUTHORS, schema.URL, schema.CONTENT_HASH, schema.KOMMUNER, schema.BOLIGOMRAADER,
    schema.THEMES, "page", "section", "chunk_index", "parties", "period",
)


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "embed": 0.0,
                                                                "write": 0.0})

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "skipped": self.skipped,
                "failed": [{"path": p, "reason": r} for p, r in self.failed],
                "chunks": self.chunks, "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


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


def record_hash(doc: Document) -> str:
    """Hash of text and metadata: a changed sidecar (new date, source) counts as a change too."""
    meta = {k: v for k, v in doc.metadata.items() if k != schema.PATH}
    return schema.content_hash(doc.text + json.dumps(meta, sort_keys=True, ensure_ascii=False))


def point_id(doc_id: str, digest: str, start: int, end: int) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, f"{doc_id}:{digest}:{start}:{end}"))


def passage_text(title: str, text: str) -> str:
    # The title gives a window its context ("Varde", "kernedriften"); stored text stays exact.
    return f"{title}\n\n{text}" if title else text


def to_points(kb: KnowledgeBase, doc: Document, nodes: list[TextNode]) -> list[ChunkPoint]:
    """One point per window; every window carries its whole chunk (small-to-big retrieval).

    Small windows match a question precisely; the chunk around the best window is what a hit
    shows and what answers quote from.
    """
    digest = record_hash(doc)
    title = doc.metadata.get(schema.TITLE) or ""
    windows = [(node, w) for node in nodes
               for w in window_spans(doc.text, (node.start_char_idx or 0, node.end_char_idx or 0),
                                     kb.config.window_size)]
    texts = [passage_text(title, doc.text[a:b]) for _, (a, b) in windows]
    dense = kb.embedder.embed_passages(texts) if texts else []
    points = []
    for (node, (wa, wb)), text, vector in zip(windows, texts, dense, strict=True):
        a, b = node.start_char_idx or 0, node.end_char_idx or 0
        payload = {k: node.metadata.get(k) for k in PAYLOAD_KEYS}
        payload.update(start_char=a, end_char=b, text=node.text, record_hash=digest,
                       chunk_id=f"{doc.id_}:{a}-{b}", window_start=wa, window_end=wb)
        points.append(ChunkPoint(point_id(doc.id_, digest, wa, wb), vector,
                                 sparse_document(kb.bm25, text), payload))
    return points


def enrich(doc: Document) -> None:
    """Facets (kommuner, boligområder, themes) from the text, unless a sidecar set them."""
    try:
        from ingest.facets import extract_facets
    except ImportError:  # facets are optional: ingest works without them
        return
    for key, values in extract_facets(doc.text).items():
        if not doc.metadata.get(key):
            doc.metadata[key] = values


def ingest_document(kb: KnowledgeBase, doc: Document, report: IngestReport) -> None:
    clock = time.perf_counter()
    nodes = chunk_document(doc, budget=kb.config.chunk_size, minimum=kb.config.chunk_min)
    points = to_points(kb, doc, nodes)
    report.seconds["embed"] += time.perf_counter() - clock
    clock = time.perf_counter()
    kb.store.delete_doc(doc.id_)
    kb.store.upsert(points)
    kb.docs.put(doc.id_, record_hash(doc), doc.metadata, doc.text, len(nodes))
    report.seconds["write"] += time.perf_counter() - clock
    report.chunks += len(nodes)


def ingest_paths(
    kb: KnowledgeBase,
    paths: Iterable[Path | str],
    *,
    doc_type: str | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders; every failure is reported with its reason, the rest goes on.

    With several workers (default: config.workers) files are parsed and embedded in parallel
    processes (index/bulk.py); the result is the same.
    """
    report = IngestReport()
    workers = workers or kb.config.workers
    with write_lock(kb.index_dir):
        files = expand_paths(paths, report)
        # Worker processes read local files only; URLs are fetched in the loop below.
        if workers > 1 and len(files) > 1 and not any(is_url(f) for f in files):
            from index.bulk import ingest_parallel

            ingest_parallel(kb, files, report, doc_type=doc_type, workers=workers,
                            on_progress=on_progress)
        else:
            seen: dict[str, str] = {}
            for i, path in enumerate(files):
                if on_progress:
                    on_progress(i, len(files), Path(path).name)
                _ingest_file(kb, path, doc_type, seen, report)
        clock = time.perf_counter()
        kb.store.finish_writes()
        report.seconds["write"] += time.perf_counter() - clock
        if on_progress:
            on_progress(len(files), len(files), "")
    return report


def _ingest_file(kb: KnowledgeBase, path: Path | str, doc_type: str | None,
                 seen: dict[str, str], report: IngestReport) -> None:
    clock = time.perf_counter()
    try:
        doc = (fetch_document(path, doc_type=doc_type) if is_url(path)
               else read_path(Path(path), doc_type=doc_type))
        enrich(doc)
    except VidensbankError as exc:
        reason = exc.reason if isinstance(exc, IngestError) else str(exc)
        report.failed.append((str(path), reason))
        return
    except Exception as exc:  # a reader bug must not stop the batch; say what it was
        log.exception("uventet fejl i %s", path)
        report.failed.append((str(path), f"uventet fejl: {type(exc).__name__}: {exc}"))
        return
    finally:
        report.seconds["parse"] += time.perf_counter() - clock
    if doc.id_ in seen:
        report.failed.append((str(path), f"samme dokument-id '{doc.id_}' som {seen[doc.id_]}"))
        return
    seen[doc.id_] = str(path)
    doc.metadata[schema.PATH] = str(path)
    if kb.docs.hash_of(doc.id_) == record_hash(doc):
        report.skipped.append(str(path))
        return
    ingest_document(kb, doc, report)
    report.ingested.append(str(path))
