"""Documents to Qdrant points: one point per window, each carrying its whole chunk and layout.

Small windows match a question precisely; the chunk around the best window is what a hit shows
and what answers quote from. Every point is labelled with the page and section where its window
starts and carries the layout spans clipped to its chunk (ingest.layout), so nothing at query
time needs the document.
"""

from __future__ import annotations

import json
import uuid

from llama_index.core.schema import Document, TextNode
from vidensbank.index.chunking import window_spans
from vidensbank.index.kb import KnowledgeBase, sparse_document
from vidensbank.index.quote_units import units
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.ingest import schema
from vidensbank.ingest.layout import chunk_layout, place

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
    # Each chunk's quote units, embedded in the same batches: answers read them (index.quotes).
    spans = {id(node): [((node.start_char_idx or 0) + ua, (node.start_char_idx or 0) + ub)
                        for ua, ub, _ in units(node.text)] for node in nodes}
    unit_texts = [doc.text[a:b] for node in nodes for a, b in spans[id(node)]]
    vectors = kb.embedder.embed_passages(texts + unit_texts) if texts else []
    dense, unit_vectors = vectors[:len(texts)], iter(vectors[len(texts):])
    chunk_units = {id(node): tuple((a, b, next(unit_vectors)) for a, b in spans[id(node)])
                   for node in nodes}
    points = []
    for (node, (wa, wb)), text, vector in zip(windows, texts, dense, strict=True):
        a, b = node.start_char_idx or 0, node.end_char_idx or 0
        payload = {k: node.metadata.get(k) for k in PAYLOAD_KEYS}
        # Labelled where the window starts, with the chunk's own layout for quotes inside it.
        where = place(doc.metadata, wa)
        payload.update(start_char=a, end_char=b, text=node.text, record_hash=digest,
                       chunk_id=f"{doc.id_}:{a}-{b}", window_start=wa, window_end=wb,
                       page=where.page, section=where.section, **chunk_layout(doc.metadata, a, b))
        points.append(ChunkPoint(point_id(doc.id_, digest, wa, wb), vector,
                                 sparse_document(kb.bm25, text), payload,
                                 chunk_units.pop(id(node), ())))
    return points
