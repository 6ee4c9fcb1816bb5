"""Search: a question in, ranked hits out; data, not UI (the CLI, app and evaluation render it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from vidensbank.index.open_index import OpenIndex, sparse_query
from vidensbank.index.retrieval.citations import format_citation
from vidensbank.index.retrieval.fusion import bm25_query, fuse
from vidensbank.index.stores.base import Filters, ScoredChunk
from vidensbank.index.text.language import is_foreign
from vidensbank.ingest import schema

WINDOWS_PER_HIT = 6
# With a reader (index.reranking), the best fused chunks are read with the question and reordered
# by its score of their matched window, the fused rank breaking near-ties (tuned like the quotes).
RERANK_DEPTH = 20
W_RERANK_RANK = 0.1
RANK_KEYS = ("doc_id", "chunk_id", "record_hash")
MAX_QUERY_CHARS = 2000  # longer input is cut: e5 reads 512 tokens at most anyway


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    doc_id: str
    title: str
    source: str | None
    doc_type: str
    text: str
    start_char: int
    end_char: int
    page: str | None
    section: str | None
    date: str | None
    window_start: int
    window_end: int
    citation: str
    metadata: dict[str, Any]

    def span(self, start: int, end: int) -> str:
        """The text between two document offsets inside this hit's chunk."""
        return self.text[start - self.start_char:end - self.start_char]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("metadata")
        return out


def _to_hit(rank: int, chunk: ScoredChunk) -> Hit:
    """A hit labelled from its point alone: page and section where its window starts."""
    p = chunk.payload
    window_start = int(p.get("window_start", p["start_char"]))
    page = p.get("page")
    return Hit(
        rank=rank, score=round(chunk.score, 6), doc_id=p["doc_id"], title=p.get("title") or "",
        source=p.get("source"), doc_type=p.get("doc_type") or schema.ANDET, text=p["text"],
        start_char=int(p["start_char"]), end_char=int(p["end_char"]), page=page,
        section=p.get("section"), date=p.get("date"), window_start=window_start,
        window_end=int(p.get("window_end", p["end_char"])),
        citation=format_citation(p, page, p.get("section")), metadata=p,
    )


def normalize_query(text: str) -> str:
    """What search reads of a question: its words, single-spaced, at most MAX_QUERY_CHARS. The
    answers read the same (index.answers)."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def search(idx: OpenIndex, query: str, *, top_k: int | None = None, mode: str | None = None,
           filters: Filters | None = None) -> list[Hit]:
    """Hybrid (dense + BM25, weighted RRF), dense or BM25 search over chunks of present
    documents."""
    query = normalize_query(query)
    if not query:
        return []
    k = top_k or idx.config.top_k
    reader = idx.reader
    wanted = max(k, RERANK_DEPTH) if reader is not None else k
    mode = mode or idx.config.mode
    if mode == "hybrid" and is_foreign(query):
        # A question in another language shares no stem with the Danish texts: BM25 would fuse
        # noise into the ranking, while the multilingual embedding still reads it.
        mode = "dense"
    dense = idx.embedder.embed_query(query) if mode in ("hybrid", "dense") else None
    words = bm25_query(query) if mode == "hybrid" else query
    sparse = sparse_query(idx.bm25, words) if mode in ("hybrid", "bm25") else None
    # Points are windows: fetch several per wanted chunk, keep each chunk's best window. Ranking
    # reads three payload fields; the chunk text and layout are fetched for the hits kept alone.
    dense_arm, sparse_arm = idx.store.query_arms(dense=dense, sparse=sparse,
                                                limit=wanted * WINDOWS_PER_HIT, filters=filters,
                                                keys=RANK_KEYS)
    # Hybrid: each arm alone, fused here with the dense arm weighted (fusion.py).
    windows = fuse(dense_arm, sparse_arm) if mode == "hybrid" else dense_arm or sparse_arm
    present = idx.docs.hashes(sorted({w.payload["doc_id"] for w in windows}))
    best: dict[str, ScoredChunk] = {}
    for w in windows:
        # Hits of a half-written document (record not yet, or no longer, matching) are dropped.
        if present.get(w.payload["doc_id"]) == w.payload.get("record_hash"):
            best.setdefault(w.payload.get("chunk_id") or w.id, w)
    kept = list(best.values())[:wanted]
    whole = idx.store.payloads([w.id for w in kept])  # a point rewritten meanwhile is gone
    hits = [_to_hit(i + 1, replace(w, payload=whole[w.id]))
            for i, w in enumerate(w for w in kept if w.id in whole)]
    return rerank(reader, query, hits)[:k] if reader is not None else hits


def rerank(reader: Any, query: str, hits: list[Hit]) -> list[Hit]:
    """Hits ordered by the reader's score of their matched windows, ranks and scores anew."""
    scores = reader.rerank(query, [h.span(h.window_start, h.window_end) for h in hits])
    fused = [float(s) + W_RERANK_RANK / h.rank for s, h in zip(scores, hits, strict=True)]
    order = sorted(range(len(hits)), key=lambda i: -fused[i])
    return [replace(hits[i], rank=r, score=round(fused[i], 6)) for r, i in enumerate(order, 1)]
