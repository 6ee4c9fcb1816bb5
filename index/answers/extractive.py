"""Extractive answers: whole sentences from the retrieved passages, each cited word for word.

No language model: the answer is made of quotes, so every claim is the source's own words. Each
quote is `document.text[start_char:end_char]`, a readable unit of a retrieved chunk (see
index.answers.quotes: candidates scored by meaning, words and rank). Another document is heard
where it answers as well as the best, and a question about how *others* do it hears every document
that answers nearly as well: a project leader asking that wants several places, and the answer names
each document's place. Chosen sentences that follow each other in one paragraph are quoted as
one. When the evidence is weak, or the question is about a place the library does not cover
(index.answers.refusal), the answer says the library has none instead of quoting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vidensbank.index.answers import places, refusal
from vidensbank.index.answers.quotes import Candidate, candidates, read
from vidensbank.index.answers.selection import join_neighbours, margins_for, select
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.citations import Citation, as_dicts, make_citation
from vidensbank.index.retrieval.search import Hit, normalize_query, search
from vidensbank.index.stores.base import Filters

__all__ = ["Answer", "AnswerGroup", "Candidate", "answer", "answer_text", "candidates", "compose",
           "quote_item"]

OTHERS_MIN_DOCS = 3  # ... and at least this many, where as many answer at all
ASKS_FOR_OTHERS = re.compile(r"\b(andre|andres|andet sted|steder|kommuner)\b", re.IGNORECASE)
SEARCH_DEPTH = 8  # passages the quotes are drawn from
NO_ANSWER = "Jeg fandt ingen passager i vidensbanken, der svarer på spørgsmålet."
REFUSAL = refusal.REFUSAL


@dataclass
class AnswerGroup:
    """One document's quotes in an answer, under the heading that names its place and title."""

    doc_id: str
    heading: str
    citations: list[Citation]


@dataclass
class Answer:
    question: str
    answer: str  # the text rendering (answer_text) of `lead` and `groups`, or a sentence alone
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    refused: bool = False  # the library holds no answer: the answer says so, no citations
    lead: str = ""  # "Fra 2 forskellige kilder:"; empty where the answer is one sentence
    groups: list[AnswerGroup] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "refused": self.refused,
                "citations": as_dicts(self.citations)}


def compose(question: str, chosen: list[Candidate], hits: list[Hit]) -> Answer:
    """Quotes grouped by document, each document headed by its place (when known) and title."""
    if not chosen:
        return Answer(question, NO_ANSWER, [], hits, refused=True)
    citations = [make_citation(n, c.hit, c.start, c.end) for n, c in enumerate(chosen, 1)]
    by_doc: dict[str, list[tuple[Candidate, Citation]]] = {}
    for c, citation in zip(chosen, citations, strict=True):
        by_doc.setdefault(c.hit.doc_id, []).append((c, citation))
    headings = [_heading(group[0][0].hit) for group in by_doc.values()]
    groups = []
    for heading, (doc_id, group) in zip(headings, by_doc.items(), strict=True):
        if headings.count(heading) > 1:  # two documents, one title: the id tells them apart
            heading = f"{heading} ({doc_id})"
        groups.append(AnswerGroup(doc_id, heading, [citation for _, citation in group]))
    lead = f"Fra {len(groups)} {'kilde' if len(groups) == 1 else 'forskellige kilder'}:"
    return Answer(question, answer_text(lead, groups), citations, hits, lead=lead,
                  groups=groups)


def answer_text(lead: str, groups: list[AnswerGroup]) -> str:
    """The answer as plain text (CLI, JSON): the lead, then each heading and its quotes."""
    lines = [lead]
    for group in groups:
        lines.append(f"{group.heading}:")
        lines += [item_text(citation) for citation in group.citations]
    return "\n".join(lines)


def item_text(citation: Citation) -> str:
    """One quote of the answer text, as a list item."""
    return f"- {quote_item(citation)}"


def quote_item(citation: Citation) -> str:
    """A quote as an answer lists it: the source's words in guillemets, then its number."""
    return f"«{citation.quote}» [{citation.n}]"


def _heading(hit: Hit) -> str:
    where = places.label(places.document_places(hit.metadata))
    return f"{where} – {hit.title}" if where else hit.title


def answer(idx: OpenIndex, question: str, *, top_k: int | None = None,
           filters: Filters | None = None) -> Answer:
    hits = search(idx, question, top_k=max(top_k or idx.config.top_k, SEARCH_DEPTH),
                  filters=filters)
    asked = question  # the answer names the question as typed; the work reads what search read
    question = normalize_query(question)
    cands = read(idx.reader, question, candidates(idx, question, hits))
    if hits and refusal.refuse(cands, question=question, hits=hits):
        return Answer(asked, REFUSAL, [], hits, refused=True)
    others = bool(ASKS_FOR_OTHERS.search(question))
    m = margins_for(cands)
    chosen = select(cands, margin=m.others if others else m.one,
                    min_docs=OTHERS_MIN_DOCS if others else 1, floor=m.floor)
    chosen = join_neighbours(chosen, cands)
    return compose(asked, chosen, hits)
