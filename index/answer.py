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
from dataclasses import dataclass, field
from typing import Any

from vidensbank.index.citations import Citation, as_dicts, make_citation
from vidensbank.index.kb import KnowledgeBase, sparse_document, sparse_query
from vidensbank.index.search import Hit, search
from vidensbank.index.sentences import sentence_spans
from vidensbank.index.stores.base import Filters

MIN_QUOTE_CHARS = 40  # shorter sentences are joined with the next one
MAX_QUOTE_CHARS = 400
MAX_CITATIONS = 4
WINDOW_BONUS = 0.5
RELATIVE_FLOOR = 0.3  # a quote scoring under this share of the best one is left out
NO_ANSWER = "Jeg fandt ingen passager i vidensbanken, der svarer på spørgsmålet."


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "citations": as_dicts(self.citations)}


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


def compose(question: str, chosen: list[Candidate], hits: list[Hit]) -> Answer:
    if not chosen:
        return Answer(question, NO_ANSWER, [], hits)
    citations, lines = [], []
    for n, c in enumerate(chosen, start=1):
        citation = make_citation(n, c.hit, c.start, c.end)
        citations.append(citation)
        lines.append(f"- {c.hit.title}: «{citation.quote}» [{n}]")
    places = len({c.hit.doc_id for c in chosen})
    head = f"Fra {places} {'kilde' if places == 1 else 'forskellige kilder'}:"
    return Answer(question, "\n".join([head, *lines]), citations, hits)


def answer(kb: KnowledgeBase, question: str, *, top_k: int | None = None,
           filters: Filters | None = None) -> Answer:
    hits = search(kb, question, top_k=max(top_k or kb.config.top_k, 8), filters=filters)
    return compose(question, select(candidates(kb, question, hits)), hits)
