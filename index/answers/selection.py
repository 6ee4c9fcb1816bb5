"""Which quote candidates an answer cites: the one choice that `ask` (index.answers.extractive)
and each row of `compare` (index.answers.compare) make.

Candidates come best first (index.answers.quotes). Documents are compared by their units' own
evidence, not by the score: the passage's rank and a matching interview question before a reply
favour one document's every unit. Chosen sentences that follow each other in one paragraph are
quoted as one, and the place they free goes to the next best sentence.
"""

from __future__ import annotations

import dataclasses

from vidensbank.index.answers import refusal
from vidensbank.index.answers.quotes import Candidate
from vidensbank.index.text.fragments import fragment_reason

MAX_CITATIONS = 5
MARGIN = 0.0  # another document this close in own evidence to the best is heard next (tuned)
# "Hvordan kobler andre til kernedriften?": a question about other places hears every
# document this close (index.answers.compare draws its rows with the same margin).
OTHERS_MARGIN = 0.04
# Two chosen sentences that follow each other in one paragraph read as one quote up to this
# length ("For eksempel med det fremskudte jobcenter. De er i boligområdet ..."), and the place
# they free goes to the next best sentence.
JOINED_MAX_CHARS = 600


@dataclasses.dataclass(frozen=True)
class Margins:
    """How close in own evidence another document must come to be heard, on one scale: e5's
    fused evidence, or the reader's score where a reader read the candidates."""

    one: float  # a question about one thing
    others: float  # a question about other places; compare draws its rows with it
    floor: float  # min_docs hears documents at or above this
    row_floor: float = float("-inf")  # compare draws no row under this, however close


E5_MARGINS = Margins(MARGIN, OTHERS_MARGIN, refusal.THRESHOLD)
# With a reader, own evidence is e5's with the reader's score added (quotes.read); these margins
# were set for its raw logits and are not tuned on the fused scale (the reader is off by default).
READER_MARGINS = Margins(0.0, 2.0, refusal.READER_THRESHOLD, refusal.READER_THRESHOLD)


def margins_for(cands: list[Candidate]) -> Margins:
    return READER_MARGINS if cands and cands[0].reader is not None else E5_MARGINS


def select(cands: list[Candidate], limit: int = MAX_CITATIONS, margin: float = MARGIN,
           min_docs: int = 1, floor: float = refusal.THRESHOLD) -> list[Candidate]:
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
        if best_of[doc_id] >= floor:
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
    gap, whole = hit.span(first.end, second.start), hit.span(first.start, second.end)
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


def within_document(mine: list[Candidate], gate: float, limit: int) -> list[Candidate]:
    """One document's quotes: its best candidate by score first (an interview question passes
    its match on to the reply, so "Hvordan kobler I til kernedriften?" gives its answer, not the
    introduction), then candidates strong in their own evidence (`gate`) or the sentence that
    continues it; neighbours are quoted as one."""
    if not mine:
        return []
    first = mine[0]
    rest = [c for c in mine[1:] if c.own >= gate or joined(first, c) or joined(c, first)]
    return join_neighbours([first, *rest[:limit - 1]], [first, *rest], limit)
