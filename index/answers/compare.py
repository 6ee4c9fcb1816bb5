"""Comparison across places: one row per place that the library says something about.

The question is answered as `ask` does (the same quote candidates and the same refusal), then the
strong candidates are sorted into places: a quote belongs to the places it names itself (among
the kommuner and boligområder its document names); a quote that names none belongs to the main
place its document is about (index.answers.places). A document about several places thus gives a
row per place only where its text names that place. Rows are ranked by their strongest candidate's
own
evidence (fair between documents); each row quotes what `ask` would quote from that document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidensbank.index.answers import places, refusal
from vidensbank.index.answers.extractive import SEARCH_DEPTH
from vidensbank.index.answers.quotes import Candidate, candidates, read
from vidensbank.index.answers.selection import margins_for, within_document
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.citations import Citation, make_citation
from vidensbank.index.retrieval.search import normalize_query, search
from vidensbank.index.stores.base import Filters

MAX_ROWS = 8
QUOTES_PER_ROW = 2
# Rows are drawn and ranked by their candidates' own evidence (Candidate.own), not by the
# score: the score's rank bonus and an interview question's carried match favour every unit of
# one document. Within a row, quotes follow the score, as in `ask` (_row_quotes). Candidates
# further under the strongest one than a question about others hears (selection.Margins.others)
# say too little for a row; with a reader, so do those it reads as not answering.
DEPTH = 2 * SEARCH_DEPTH  # a comparison looks further than one answer: more places
FEW_PLACES = ("Kun ét sted i vidensbanken svarer på det: {place}. Der er ikke andre steder at "
              "sammenligne med.")
NO_PLACES = "Ingen steder i vidensbanken svarer på det spørgsmål."
NO_PLACE_NAMED = "Kilderne svarer, men nævner ikke hvilket sted de handler om."


@dataclass
class PlaceRow:
    place: str
    kommune: str | None
    boligomraade: str | None
    doc_id: str
    title: str
    citations: list[Citation] = field(default_factory=list)
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"place": self.place, "kommune": self.kommune, "boligomraade": self.boligomraade,
                "doc_id": self.doc_id, "title": self.title,
                "quotes": [{"n": c.n, "quote": c.quote, "start_char": c.start_char,
                            "end_char": c.end_char, "page": c.page, "section": c.section,
                            "citation": c.citation} for c in self.citations]}


@dataclass
class Comparison:
    question: str
    rows: list[PlaceRow]
    note: str | None = None  # said plainly when fewer than two places were found
    refused: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "rows": [r.as_dict() for r in self.rows],
                "note": self.note, "refused": self.refused}


def _row_places(c: Candidate) -> list[places.Place]:
    quote = c.text
    named = places.quote_places(c.hit.metadata, quote)
    if named:
        # An area named with its kommune gives one row, for the area.
        areas = [p for p in named if p.is_area]
        return areas or named
    main = places.document_places(c.hit.metadata)
    return main[:1]


def _row_quotes(mine: list[Candidate], gate: float) -> list[Citation]:
    """A row's quotes as `ask` would choose them within the document (selection)."""
    return [make_citation(0, c.hit, c.start, c.end)
            for c in within_document(mine, gate, QUOTES_PER_ROW)]


def compare(idx: OpenIndex, question: str, *, filters: Filters | None = None,
            max_rows: int = MAX_ROWS) -> Comparison:
    hits = search(idx, question, top_k=DEPTH, filters=filters)
    question = normalize_query(question)  # what search read
    cands = read(idx.reader, question, candidates(idx, question, hits))
    if not hits or refusal.refuse(cands, question=question, hits=hits):
        return Comparison(question, [], NO_PLACES, refused=True)
    rows: dict[tuple[str, str], PlaceRow] = {}
    unplaced = 0
    m = margins_for(cands)
    top = max(c.own for c in cands)
    gate = max(top - m.others, m.row_floor)
    placed = [(c, _row_places(c)) for c in cands]
    for c, found in placed:  # rows: the places the strong candidates are about
        if c.own < gate:
            continue
        unplaced += not found
        for place in found:
            key = (place.name, c.hit.doc_id)
            if key not in rows:
                doc_main = places.document_places(c.hit.metadata)
                rows[key] = PlaceRow(
                    place.name, place.name if not place.is_area else places.kommune_of(
                        place, doc_main), place.name if place.is_area else None,
                    c.hit.doc_id, c.hit.title, [], c.own)
            rows[key].score = max(rows[key].score, c.own)
    for key, row in rows.items():
        row.citations = _row_quotes([c for c, found in placed if c.hit.doc_id == key[1]
                                     and key[0] in {p.name for p in found}], gate)
    asked = set(places.question_places(question))
    if asked:  # "... i Silkeborg?": only rows for the places the question names
        rows = {k: r for k, r in rows.items() if {r.place, r.kommune} & asked}
    ranked = sorted(rows.values(), key=lambda r: -r.score)[:max_rows]
    n = 0
    for row in ranked:  # number the quotes in reading order
        for i, citation in enumerate(row.citations):
            n += 1
            row.citations[i] = make_citation(n, citation.passage, citation.start_char,
                                             citation.end_char)
    names = {r.place for r in ranked}
    note = None
    if not ranked:
        note = NO_PLACE_NAMED if unplaced else NO_PLACES
    elif len(names) == 1:
        note = FEW_PLACES.format(place=ranked[0].place)
    return Comparison(question, ranked, note)
