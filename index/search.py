"""Search: a question in, ranked hits out; data, not UI (the CLI, app and evaluation render it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from index.chunking import label_at
from index.kb import KnowledgeBase, sparse_query
from index.store import Filters, ScoredChunk
from ingest import schema

WINDOWS_PER_HIT = 6
MAX_QUERY_CHARS = 2000  # longer input is cut: e5 reads 512 tokens at most anyway
# Report headings as citations name them: "3 Samarbejde" is a chapter, "3.2 Jobcenter" a section.
CHAPTER_HEADING = re.compile(r"(\d{1,2})\.?\s+(\S.*)")
NUMBERED_SECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+\S.*")


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
        parts.append(section_label(section))
    if page:
        parts.append(f"s. {page}")
    return ", ".join(parts)


def section_label(section: str) -> str:
    """'3 Samarbejde' -> 'kap. 3 Samarbejde', '3.2 Jobcenter' -> 'afsnit 3.2 Jobcenter'; other
    headings ('§ 4 Økonomi', 'Forord', 'Bilag 2 Skema') are named as they are."""
    if chapter := CHAPTER_HEADING.fullmatch(section):
        return f"kap. {chapter[1]} {chapter[2]}"
    if NUMBERED_SECTION.fullmatch(section):
        return f"afsnit {section}"
    return section


# doc_id -> the document's layout spans ({PAGE_SPANS: [...], SECTION_SPANS: [...]}).
Layout = Callable[[str], dict[str, list]]


def layout_of(kb: KnowledgeBase) -> Layout:
    """Page and section spans per document, read once per search or answer."""
    cache: dict[str, dict[str, list]] = {}

    def spans(doc_id: str) -> dict[str, list]:
        if doc_id not in cache:
            doc = kb.docs.get(doc_id)
            meta = doc.metadata if doc else {}
            cache[doc_id] = {key: meta.get(key) or [] for key in schema.LAYOUT_KEYS}
        return cache[doc_id]

    return spans


def _to_hit(rank: int, chunk: ScoredChunk, layout: Layout) -> Hit:
    p = chunk.payload
    window_start = int(p.get("window_start", p["start_char"]))
    page = p.get("page")
    if page is not None:
        # The page where the matching window starts: a chunk may begin a page or more earlier.
        page = label_at(layout(p["doc_id"])[schema.PAGE_SPANS], window_start) or page
    return Hit(
        rank=rank, score=round(chunk.score, 6), doc_id=p["doc_id"], title=p.get("title") or "",
        source=p.get("source"), doc_type=p.get("doc_type") or schema.ANDET, text=p["text"],
        start_char=int(p["start_char"]), end_char=int(p["end_char"]), page=page,
        section=p.get("section"), date=p.get("date"), window_start=window_start,
        window_end=int(p.get("window_end", p["end_char"])),
        citation=format_citation(p, page, p.get("section")), metadata=p,
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
    # Points are windows: fetch several per wanted chunk, keep each chunk's best window.
    windows = kb.store.query(dense=dense, sparse=sparse, limit=k * WINDOWS_PER_HIT,
                             filters=filters)
    present = kb.docs.hashes(sorted({w.payload["doc_id"] for w in windows}))
    best: dict[str, ScoredChunk] = {}
    for w in windows:
        # Hits of a half-written document (record not yet, or no longer, matching) are dropped.
        if present.get(w.payload["doc_id"]) == w.payload.get("record_hash"):
            best.setdefault(w.payload.get("chunk_id") or w.id, w)
    layout = layout_of(kb)  # read only for documents with printed pages
    return [_to_hit(i + 1, c, layout) for i, c in enumerate(list(best.values())[:k])]
