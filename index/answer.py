"""Extractive answers: whole sentences from the retrieved passages, each cited word for word.

No language model: the answer is made of quotes, so every claim is the source's own words. Each
quote is `document.text[start_char:end_char]`, a readable unit of a retrieved chunk (see
index.quotes: candidates scored by meaning, words and rank). Another document is heard where it
answers as well as the best, and a question about how *others* do it hears every document that
answers nearly as well: a project leader asking that wants several places, and the answer names
each document's place. Chosen sentences that follow each other in one paragraph are quoted as
one. When the evidence is weak, or the question is about a place the library does not cover
(index.refusal), the answer says the library has none instead of quoting.
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from vidensbank.index import places, refusal
from vidensbank.index.answer_eval import fragment_reason
from vidensbank.index.citations import Citation, as_dicts, make_citation
from vidensbank.index.kb import KnowledgeBase
from vidensbank.index.quotes import Candidate, candidates
from vidensbank.index.search import MAX_QUERY_CHARS, Hit, search
from vidensbank.index.stores.base import Filters

__all__ = ["Answer", "Candidate", "answer", "candidates", "compose", "item_line",
           "join_neighbours", "joined", "select"]

MAX_CITATIONS = 5
MARGIN = 0.0  # another document this close in own evidence to the best is heard next (tuned)
# "Hvordan kobler andre til kernedriften?": a question about other places hears every
# document this close (index.compare draws its rows with the same margin).
OTHERS_MARGIN = 0.04
OTHERS_MIN_DOCS = 3  # ... and at least this many, where as many answer at all
ASKS_FOR_OTHERS = re.compile(r"\b(andre|andres|andet sted|steder|kommuner)\b", re.IGNORECASE)
SEARCH_DEPTH = 8  # passages the quotes are drawn from
# Two chosen sentences that follow each other in one paragraph read as one quote up to this
# length ("For eksempel med det fremskudte jobcenter. De er i boligområdet ..."), and the place
# they free goes to the next best sentence.
JOINED_MAX_CHARS = 600
NO_ANSWER = "Jeg fandt ingen passager i vidensbanken, der svarer på spørgsmålet."
REFUSAL = refusal.REFUSAL


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    refused: bool = False  # the library holds no answer: the answer says so, no citations

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "refused": self.refused,
                "citations": as_dicts(self.citations)}


def select(cands: list[Candidate], limit: int = MAX_CITATIONS, margin: float = MARGIN,
           min_docs: int = 1) -> list[Candidate]:
    """The best quote, then the best of each other document whose own evidence lies within
    `margin` of the strongest, then the next best: other places are heard where they answer
    nearly as well. Documents are compared by their units' own evidence, not by the score: the
    passage's rank and a matching interview question before a reply favour one document's
    every unit, and would crowd out the others. With `min_docs`, that many documents are heard
    if that many have a unit above the refusal threshold, however close the margin."""
    if not cands:
        return []
    top = max(c.own for c in cands)
    strong = {c.hit.doc_id for c in cands if c.own >= top - margin}
    best_of: dict[str, float] = {}
    for c in cands:
        best_of[c.hit.doc_id] = max(best_of.get(c.hit.doc_id, c.own), c.own)
    for doc_id in sorted(best_of, key=lambda d: -best_of[d]):
        if len(strong) >= min_docs:
            break
        if best_of[doc_id] >= refusal.THRESHOLD:
            strong.add(doc_id)
    firsts: dict[str, Candidate] = {}
    for c in cands:
        if c.hit.doc_id in strong:
            firsts.setdefault(c.hit.doc_id, c)
    chosen = [cands[0], *[c for c in firsts.values() if c is not cands[0]]][:limit]
    chosen += [c for c in cands if c not in chosen][: limit - len(chosen)]
    return sorted(chosen, key=lambda c: -c.score)


def joined(first: Candidate, second: Candidate) -> Candidate | None:
    """`first` and `second` as one quote, where they are neighbours in one paragraph."""
    if first.hit is not second.hit or not first.end <= second.start:
        return None
    hit = first.hit
    gap = hit.text[first.end - hit.start_char:second.start - hit.start_char]
    whole = hit.text[first.start - hit.start_char:second.end - hit.start_char]
    if gap.strip() or "\n\n" in gap or len(whole) > JOINED_MAX_CHARS or fragment_reason(whole):
        return None
    return dataclasses.replace(first, end=second.end, score=max(first.score, second.score),
                               own=max(first.own, second.own))


def join_neighbours(chosen: list[Candidate], cands: list[Candidate],
                    limit: int = MAX_CITATIONS) -> list[Candidate]:
    """`chosen` with neighbouring sentences joined into one quote, topped up from `cands` (best
    first) while quotes join and places are free."""
    rest = [c for c in cands if c not in chosen]
    while True:
        out: list[Candidate] = []
        for c in sorted(chosen, key=lambda c: (c.hit.doc_id, c.start)):
            both = joined(out[-1], c) if out else None
            out[-1:] = [both] if both else [*out[-1:], c]
        if len(out) == len(chosen) or not rest:
            return sorted(out, key=lambda c: -c.score)
        chosen = out + rest[: limit - len(out)]
        rest = rest[limit - len(out):]


_doc_places: OrderedDict[tuple[str, str], list[places.Place]] = OrderedDict()


def document_places(kb: KnowledgeBase | None, hit: Hit) -> list[places.Place]:
    """The places `hit`'s document is about (cached per document version)."""
    key = (hit.doc_id, str(hit.metadata.get("record_hash") or ""))
    if key not in _doc_places:
        doc = kb.docs.get(hit.doc_id) if kb is not None else None
        _doc_places[key] = places.document_places(hit.metadata, doc.text if doc else hit.text)
        while len(_doc_places) > 1024:
            _doc_places.popitem(last=False)
    return _doc_places[key]


def compose(question: str, chosen: list[Candidate], hits: list[Hit],
            kb: KnowledgeBase | None = None) -> Answer:
    """Quotes grouped by document, each document headed by its place (when known) and title."""
    if not chosen:
        return Answer(question, NO_ANSWER, [], hits, refused=True)
    citations = [make_citation(n, c.hit, c.start, c.end) for n, c in enumerate(chosen, 1)]
    groups: dict[str, list[tuple[Candidate, Citation]]] = {}
    for c, citation in zip(chosen, citations, strict=True):
        groups.setdefault(c.hit.doc_id, []).append((c, citation))
    n_docs = len(groups)
    lines = [f"Fra {n_docs} {'kilde' if n_docs == 1 else 'forskellige kilder'}:"]
    headings = [_heading(kb, group[0][0].hit) for group in groups.values()]
    for heading, group in zip(headings, groups.values(), strict=True):
        if headings.count(heading) > 1:  # two documents, one title: the id tells them apart
            heading = f"{heading} ({group[0][0].hit.doc_id})"
        lines.append(f"{heading}:")
        lines += [item_line(citation) for _, citation in group]
    return Answer(question, "\n".join(lines), citations, hits)


def item_line(citation: Citation) -> str:
    """One quote of the answer text, as a list item (app.html_view finds the items by it)."""
    return f"- «{citation.quote}» [{citation.n}]"


def _heading(kb: KnowledgeBase | None, hit: Hit) -> str:
    where = places.label(document_places(kb, hit))
    return f"{where} – {hit.title}" if where else hit.title


def answer(kb: KnowledgeBase, question: str, *, top_k: int | None = None,
           filters: Filters | None = None) -> Answer:
    hits = search(kb, question, top_k=max(top_k or kb.config.top_k, SEARCH_DEPTH),
                  filters=filters)
    asked = question  # the answer names the question as typed; the work reads what search read
    question = " ".join(question.split())[:MAX_QUERY_CHARS]
    cands = candidates(kb, question, hits)
    if hits and refusal.refuse(cands, question=question, hits=hits):
        return Answer(asked, REFUSAL, [], hits, refused=True)
    others = bool(ASKS_FOR_OTHERS.search(question))
    chosen = select(cands, margin=OTHERS_MARGIN if others else MARGIN,
                    min_docs=OTHERS_MIN_DOCS if others else 1)
    chosen = join_neighbours(chosen, cands)
    return compose(asked, chosen, hits, kb)
