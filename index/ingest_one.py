"""One file into the index: read, enrich, chunk, embed, write; and the report of a whole run.

Per document the order is: embed (slow, may fail: nothing changed yet), delete the old chunks,
write the new ones, then record the document. The record is written last, so a document whose
ingest was interrupted is not present and is redone on the next run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.schema import Document
from vidensbank.index.chunking import chunk_document
from vidensbank.index.kb import KnowledgeBase
from vidensbank.index.points import record_hash, to_points
from vidensbank.ingest import schema
from vidensbank.ingest.fetch import fetch_document, is_url
from vidensbank.ingest.readers import is_supported, read_path

from vidensbank.errors import IngestError, VidensbankError

log = logging.getLogger(__name__)


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


def enrich(doc: Document) -> None:
    """Facets (kommuner, boligområder, themes) from the text, unless a sidecar set them."""
    try:
        from vidensbank.ingest.facets import extract_facets
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


def ingest_file(kb: KnowledgeBase, path: Path | str, doc_type: str | None,
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
