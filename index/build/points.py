"""Documents to Qdrant points: one point per window, each carrying its whole chunk and layout.

Small windows match a question precisely; the chunk around the best window is what a hit shows
and what answers quote from. Every point is labelled with the page and section where its window
starts and carries the layout spans clipped to its chunk (ingest.layout), so nothing at query
time needs the document.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import numpy as np
from llama_index.core.schema import Document, TextNode
from vidensbank.index.open_index import OpenIndex, sparse_document
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.index.text.chunking import chunk_id, window_spans
from vidensbank.index.text.quote_units import units
from vidensbank.ingest import schema
from vidensbank.ingest.layout import chunk_layout, location

POINT_NAMESPACE = uuid.UUID("6f1b0c1e-4d0a-4c5e-9d55-2b7f4f0e9a10")
PAYLOAD_KEYS = (
    schema.DOC_ID, schema.TITLE, schema.SOURCE, schema.DOC_TYPE, schema.DATE, schema.YEAR,
    schema.AUTHORS, schema.URL, schema.CONTENT_HASH, schema.KOMMUNER, schema.BOLIGOMRAADER,
    schema.THEMES, "page", "section", "chunk_index", "parties", "period",
)


def record_hash(doc: Document) -> str:
    """Hash of text and metadata: a changed sidecar (new date, source) counts as a change too;
    where the file lies (path, sources) does not."""
    meta = {k: v for k, v in doc.metadata.items() if k not in (schema.PATH, schema.SOURCES)}
    return schema.content_hash(doc.text + json.dumps(meta, sort_keys=True, ensure_ascii=False))


def point_id(doc_id: str, digest: str, start: int, end: int) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, f"{doc_id}:{digest}:{start}:{end}"))


def passage_text(title: str, text: str) -> str:
    # The title gives a window its context ("Varde", "kernedriften"); stored text stays exact.
    return f"{title}\n\n{text}" if title else text


def embed_with_units(embedder: Any, windows: list[list[str]], units_of: list[list[str]]
                     ) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
    """Each chunk's window texts and quote unit texts embedded in one call, split back per chunk;
    a text that occurs twice is embedded once.

    Ingest and reindex (index.build.reembed) both embed through here: the int8 graph quantises
    activations per batch, so the same batches give the same vectors."""
    flat = [t for texts in windows for t in texts] + [t for texts in units_of for t in texts]
    distinct = list(dict.fromkeys(flat))  # a repeated text (a recurring line) is embedded once
    made = dict(zip(distinct, embedder.embed_passages(distinct) if distinct else [], strict=True))
    vectors = iter([made[t] for t in flat])
    return ([[next(vectors) for _ in texts] for texts in windows],
            [[next(vectors) for _ in texts] for texts in units_of])


def to_points(idx: OpenIndex, doc: Document, nodes: list[TextNode]) -> list[ChunkPoint]:
    """One point per window; every window carries its whole chunk (small-to-big retrieval).

    Small windows match a question precisely; the chunk around the best window is what a hit
    shows and what answers quote from. The chunk's quote units are embedded in the same batch
    and ride on its first window point (answers read them: index.answers.quotes).
    """
    digest = record_hash(doc)
    title = doc.metadata.get(schema.TITLE) or ""
    windows = [window_spans(doc.text, (node.start_char_idx or 0, node.end_char_idx or 0),
                            idx.config.window_size) for node in nodes]
    texts = [[passage_text(title, doc.text[a:b]) for a, b in spans] for spans in windows]
    unit_spans = [[((node.start_char_idx or 0) + ua, (node.start_char_idx or 0) + ub)
                   for ua, ub, _ in units(node.text)] for node in nodes]
    dense, unit_vectors = embed_with_units(
        idx.embedder, texts, [[doc.text[a:b] for a, b in spans] for spans in unit_spans])
    points = []
    for node, spans, node_texts, vectors, uspans, uvectors in zip(
            nodes, windows, texts, dense, unit_spans, unit_vectors, strict=True):
        a, b = node.start_char_idx or 0, node.end_char_idx or 0
        chunk_units = tuple((ua, ub, v) for (ua, ub), v in zip(uspans, uvectors, strict=True))
        for i, ((wa, wb), text, vector) in enumerate(zip(spans, node_texts, vectors,
                                                           strict=True)):
            # Labelled where the window starts (the chunk's own label is where it starts), with
            # the chunk's own layout for quotes inside it.
            where = location(doc.metadata, wa)
            labels = {"page": where.page, "section": where.section}
            payload = {k: labels[k] if k in labels else node.metadata.get(k) for k in PAYLOAD_KEYS}
            payload.update(start_char=a, end_char=b, text=node.text, record_hash=digest,
                           chunk_id=chunk_id(doc.id_, a, b), window_start=wa, window_end=wb,
                           **chunk_layout(doc.metadata, a, b))
            points.append(ChunkPoint(point_id(doc.id_, digest, wa, wb), vector,
                                     sparse_document(idx.bm25, text), payload,
                                     chunk_units if i == 0 else ()))
    return points
