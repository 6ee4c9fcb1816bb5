"""Search: a question in, ranked hits out; data, not UI (the CLI, app and evaluation render it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from index.kb import KnowledgeBase, sparse_query
from index.store import Filters, ScoredChunk
from ingest import schema

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
    citation: str
    metadata: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("metadata")
        return out


def format_citation(meta: dict[str, Any], page: str | None = None,
                    section: str | None = None) -> str:
    """Human reference: 'Titel (Kilde, 2023), kap. 3 Samarbejde, s. 23'."""
    origin = ", ".join(str(x) for x in (meta.get(schema.SOURCE), meta.get(schema.YEAR)) if x)
    parts = [f"{meta.get(schema.TITLE) or meta.get(schema.DOC_ID)}" + (f" ({origin})" if origin
                                                                        else "")]
    if section:
        parts.append(f"afsnit {section}")
    if page:
        parts.append(f"s. {page}")
    return ", ".join(parts)


def _to_hit(rank: int, chunk: ScoredChunk) -> Hit:
    p = chunk.payload
    return Hit(
        rank=rank, score=round(chunk.score, 6), doc_id=p["doc_id"], title=p.get("title") or "",
        source=p.get("source"), doc_type=p.get("doc_type") or schema.ANDET, text=p["text"],
        start_char=int(p["start_char"]), end_char=int(p["end_char"]), page=p.get("page"),
        section=p.get("section"), date=p.get("date"),
        citation=format_citation(p, p.get("page"), p.get("section")), metadata=p,
    )


def search(kb: KnowledgeBase, query: str, *, top_k: int | None = None, mode: str | None = None,
           filters: Filters | None = None) -> list[Hit]:
    """Hybrid (dense + BM25, RRF), dense or BM25 search over chunks of present documents."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not query:
        return []
    k = top_k or kb.config.top_k
    mode = mode or kb.config.mode
    dense = kb.embedder.embed_query(query) if mode in ("hybrid", "dense") else None
    sparse = sparse_query(kb.bm25, query) if mode in ("hybrid", "bm25") else None
    # Fetch a few extra: hits of half-written documents are dropped below.
    chunks = kb.store.query(dense=dense, sparse=sparse, limit=k + 5, filters=filters)
    present = kb.docs.hashes(sorted({c.payload["doc_id"] for c in chunks}))
    kept = [c for c in chunks if present.get(c.payload["doc_id"]) == c.payload.get("record_hash")]
    return [_to_hit(i + 1, c) for i, c in enumerate(kept[:k])]
