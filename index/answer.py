"""Extractive answers: sentences from the retrieved passages, each cited word for word.

No language model: the answer is made of quotes, so every claim is the source's own words. Each
quote is `document.text[start_char:end_char]`, cut at sentence boundaries inside a retrieved chunk.
Sentences are scored by the question's stemmed BM25 terms they contain, weighted by how rare the
term is among the retrieved passages, plus the passage's retrieval rank; questions and very short
fragments are passed over. Several documents are preferred to several quotes from one: a project
leader asking how others did it wants to hear from several places.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from index.chunking import label_at
from index.kb import KnowledgeBase, sparse_document, sparse_query
from index.search import Hit, Layout, format_citation, layout_of, search
from index.sentences import sentence_spans
from index.store import Filters
from ingest import schema

MIN_QUOTE_CHARS = 40  # shorter sentences are joined with the next one
MAX_QUOTE_CHARS = 400
MAX_CITATIONS = 4
WINDOW_BONUS = 0.5
RELATIVE_FLOOR = 0.3  # a quote scoring under this share of the best one is left out
NO_ANSWER = "Jeg fandt ingen passager i vidensbanken, der svarer på spørgsmålet."


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str | None
    doc_type: str
    quote: str
    start_char: int
    end_char: int
    page: str | None
    section: str | None
    citation: str
    passage: Hit


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "citations": citations_as_dicts(self.citations)}


def citations_as_dicts(citations: list[Citation]) -> list[dict[str, Any]]:
    """The JSON form of citations: everything but the passage object itself."""
    out = []
    for c in citations:
        d = asdict(c)
        d.pop("passage")
        out.append(d)
    return out


@dataclass(frozen=True)
class Candidate:
    score: float
    hit: Hit
    start: int  # offsets in the document
    end: int


def _quote_spans(hit: Hit) -> list[tuple[int, int]]:
    """Sentence spans of a hit in document offsets, short ones joined with the next."""
    local = sentence_spans(hit.text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(local):
        a, b = local[i]
        while b - a < MIN_QUOTE_CHARS and i + 1 < len(local) and hit.text[b:local[i + 1][0]].find(
                "\n") < 0:
            i += 1
            b = local[i][1]
        if b - a <= MAX_QUOTE_CHARS:
            spans.append((hit.start_char + a, hit.start_char + b))
        i += 1
    return spans


def _term_weights(kb: KnowledgeBase, question: str, hits: list[Hit]) -> dict[int, float]:
    """Query terms weighted by rarity among the retrieved passages (a local idf)."""
    terms = set(sparse_query(kb.bm25, question).indices)
    docs = [set(sparse_document(kb.bm25, h.text).indices) for h in hits]
    n = len(docs) or 1
    return {t: math.log(1 + n / (1 + sum(t in d for d in docs))) for t in terms}


def candidates(kb: KnowledgeBase, question: str, hits: list[Hit]) -> list[Candidate]:
    weights = _term_weights(kb, question, hits)
    out = []
    for hit in hits:
        carried = 0.0  # an interview question passes its match on to the reply after it
        for a, b in _quote_spans(hit):
            text = hit.text[a - hit.start_char:b - hit.start_char]
            terms = set(sparse_document(kb.bm25, text).indices)
            lexical = sum(w for t, w in weights.items() if t in terms)
            closing = text.rstrip("”\"’»)] ")[-1:]
            if closing == "?":
                carried = lexical
                continue  # a question answers nothing itself
            if closing in ".!:" and len(text) >= MIN_QUOTE_CHARS // 2:  # headings are skipped
                # The window that matched the question marks where in the chunk the answer is.
                in_window = a < hit.window_end and hit.window_start < b
                score = max(lexical, carried) + 1.0 / hit.rank + WINDOW_BONUS * in_window
                out.append(Candidate(score, hit, a, b))
            carried *= 0.5
    return sorted(out, key=lambda c: -c.score)


def select(cands: list[Candidate], limit: int = MAX_CITATIONS) -> list[Candidate]:
    """The best quote of each document first, then second-best ones; weak quotes are dropped."""
    if not cands:
        return []
    strong = [c for c in cands if c.score >= RELATIVE_FLOOR * cands[0].score]
    firsts: dict[str, Candidate] = {}
    for c in strong:
        firsts.setdefault(c.hit.doc_id, c)
    chosen = list(firsts.values())[:limit]
    chosen += [c for c in strong if c not in chosen][: limit - len(chosen)]
    return sorted(chosen, key=lambda c: -c.score)


def place(c: Candidate, layout: Layout | None) -> tuple[str | None, str | None]:
    """Page and section where the quote starts; a chunk may begin on an earlier page."""
    spans = layout(c.hit.doc_id) if layout else {}
    pages, sections = spans.get(schema.PAGE_SPANS), spans.get(schema.SECTION_SPANS)
    return (label_at(pages, c.start) if pages else c.hit.page,
            label_at(sections, c.start) if sections else c.hit.section)


def compose(question: str, chosen: list[Candidate], hits: list[Hit],
            layout: Layout | None = None) -> Answer:
    if not chosen:
        return Answer(question, NO_ANSWER, [], hits)
    citations, lines = [], []
    for n, c in enumerate(chosen, start=1):
        quote = c.hit.text[c.start - c.hit.start_char:c.end - c.hit.start_char]
        page, section = place(c, layout)
        citations.append(Citation(n, c.hit.doc_id, c.hit.title, c.hit.source, c.hit.doc_type,
                                  quote, c.start, c.end, page, section,
                                  format_citation(c.hit.metadata, page, section), c.hit))
        lines.append(f"- {c.hit.title}: «{quote}» [{n}]")
    places = len({c.hit.doc_id for c in chosen})
    head = f"Fra {places} {'kilde' if places == 1 else 'forskellige kilder'}:"
    return Answer(question, "\n".join([head, *lines]), citations, hits)


def answer(kb: KnowledgeBase, question: str, *, top_k: int | None = None,
           filters: Filters | None = None) -> Answer:
    hits = search(kb, question, top_k=max(top_k or kb.config.top_k, 8), filters=filters)
    return compose(question, select(candidates(kb, question, hits)), hits, layout_of(kb))
