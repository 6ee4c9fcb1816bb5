"""The points and quote unit vectors of stored chunks, made again with the current recipe.

Reindexing parses nothing: each chunk's text, offsets and payload come from the old index and
its document from the copied document store. Windows are cut and labelled, and quote units found,
by the very functions ingest uses (index.build.points, index.text.quote_units), so a rebuilt
index holds what a fresh ingest with today's recipe would. A chunk whose document is missing
or no longer matches keeps its stored windows and is only embedded again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vidensbank.index.build.points import embed_with_units, passage_text, point_id
from vidensbank.index.build.resume import WRITE_EVERY
from vidensbank.index.open_index import bm25_model, sparse_document, unit_rows
from vidensbank.index.stores.base import ChunkPoint, Store
from vidensbank.index.stores.docstore import DocStore
from vidensbank.index.stores.unit_store import UnitStore
from vidensbank.index.text.chunking import window_spans
from vidensbank.index.text.quote_units import units
from vidensbank.ingest.layout import location


@dataclass(frozen=True)
class Window:
    id: str
    text: str  # what is embedded: title plus the window
    payload: dict[str, Any]


@dataclass(frozen=True)
class Chunk:
    windows: list[Window]
    units: list[tuple[int, int, str]]  # (start, end, text) in document offsets


def embedded_text(payload: dict[str, Any]) -> str:
    """What the pipeline embedded for a stored point: title plus its window of the chunk text."""
    text, start = payload.get("text") or "", int(payload.get("start_char") or 0)
    a = int(payload.get("window_start", start)) - start
    b = int(payload.get("window_end", start + len(text))) - start
    return passage_text(payload.get("title") or "", text[a:b])


def _windows(doc: Any, points: list[ChunkPoint], window_size: int) -> list[Window]:
    """Windows cut as ingest cuts them (index.build.points.to_points); the stored ones where the
    document is gone or its text no longer holds the chunk."""
    first = points[0].payload
    a, b = int(first.get("start_char") or 0), int(first.get("end_char") or 0)
    text = first.get("text") or ""
    if doc is None or doc.text[a:b] != text:
        return [Window(p.id, embedded_text(p.payload), p.payload) for p in points]
    title = first.get("title") or ""
    digest = str(first.get("record_hash") or "")
    out = []
    for wa, wb in window_spans(doc.text, (a, b), window_size):
        where = location(doc.metadata, wa)
        payload = {**first, "window_start": wa, "window_end": wb, "page": where.page,
                   "section": where.section}
        out.append(Window(point_id(str(first.get("doc_id")), digest, wa, wb),
                          passage_text(title, doc.text[wa:wb]), payload))
    return out


def chunks_of(doc: Any, points: list[ChunkPoint], window_size: int) -> Iterator[Chunk]:
    by_chunk: dict[str, list[ChunkPoint]] = {}
    for p in points:
        by_chunk.setdefault(str(p.payload.get("chunk_id") or p.id), []).append(p)
    for group in by_chunk.values():
        group.sort(key=lambda p: (p.payload.get("window_start", 0), p.payload.get("window_end", 0)))
        first = group[0].payload
        text, start = first.get("text") or "", int(first.get("start_char") or 0)
        spans = [(start + ua, start + ub, text[ua:ub]) for ua, ub, _ in units(text)]
        yield Chunk(_windows(doc, group, window_size), spans)


def rebuild_points(old: Store, new: Store, docs: DocStore, unit_store: UnitStore, embedder: Any,
                   model_name: str, window_size: int, on_batch: Any = None) -> int:
    """Every chunk of `old` into `new` and its units into `unit_store`; returns windows written.
    `on_batch(done)` after each batch.

    Embedded as ingest embeds (index.build.resume): a document's chunks WRITE_EVERY at a time,
    windows and units in one call. The int8 passage graph quantises activations per batch, so
    the same batches give the same vectors a fresh ingest gives."""
    bm25 = bm25_model()
    total = old.count()
    doc_ids = [str(v) for v, _ in old.facet("doc_id", limit=max(total, 1))]
    done = 0

    def flush(pending: list[Chunk]) -> None:
        nonlocal done
        dense, unit_vectors = embed_with_units(
            embedder, [[w.text for w in c.windows] for c in pending],
            [[t for _, _, t in c.units] for c in pending])
        points = []
        for chunk, vectors, uvectors in zip(pending, dense, unit_vectors, strict=True):
            spans = tuple((a, b, v) for (a, b, _), v in zip(chunk.units, uvectors, strict=True))
            for i, (w, vector) in enumerate(zip(chunk.windows, vectors, strict=True)):
                # The units ride on one window per chunk: unit_rows would repeat them otherwise.
                points.append(ChunkPoint(w.id, vector, sparse_document(bm25, w.text),
                                         w.payload, spans if i == 0 else ()))
        new.upsert(points)
        unit_store.put_many(unit_rows(model_name, points))
        done += len(points)
        if on_batch:
            on_batch(done)

    for doc_id in doc_ids:
        points = old.chunks_of(doc_id, with_vectors=False)
        chunks = list(chunks_of(docs.get(doc_id), points, window_size)) if points else []
        for start in range(0, len(chunks), WRITE_EVERY):
            flush(chunks[start:start + WRITE_EVERY])
    return done
