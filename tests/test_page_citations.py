"""Citations name the chapter or section and the printed page; a quote carries its own page."""

from __future__ import annotations

from dataclasses import replace

import pytest
from vidensbank.index.answers.extractive import Candidate, compose
from vidensbank.index.retrieval.citations import format_citation, section_label
from vidensbank.index.retrieval.search import Hit
from vidensbank.ingest import schema
from vidensbank.ingest.layout import chunk_layout

META = {schema.DOC_ID: "rapport", schema.TITLE: "Fremskudte indsatser", schema.SOURCE: "VIVE",
        schema.YEAR: 2023}


@pytest.mark.parametrize("section,label", [
    ("3 Samarbejde med kommunen", "kap. 3 Samarbejde med kommunen"),
    ("3. Metode", "kap. 3 Metode"),
    ("3.2 Fremskudt jobcenter", "afsnit 3.2 Fremskudt jobcenter"),
    ("4.1.2 Tryghed", "afsnit 4.1.2 Tryghed"),
    ("§ 4 Økonomi", "§ 4 Økonomi"),
    ("Kapitel 3 Metode", "Kapitel 3 Metode"),
    ("Bilag 1 Spørgeskema", "Bilag 1 Spørgeskema"),
    ("Forord", "Forord"),
])
def test_section_label(section: str, label: str) -> None:
    assert section_label(section) == label


@pytest.mark.parametrize("meta,page,section,citation", [
    (META, "23", "3 Samarbejde med kommunen",
     "Fremskudte indsatser (VIVE, 2023), kap. 3 Samarbejde med kommunen, s. 23"),
    (META, "iv", "Forord", "Fremskudte indsatser (VIVE, 2023), Forord, s. iv"),
    ({schema.DOC_ID: "aftale", schema.TITLE: "Samarbejdsaftale"}, None, "§ 7 Økonomi",
     "Samarbejdsaftale, § 7 Økonomi"),
    ({schema.DOC_ID: "artikel-uden-titel"}, None, None, "artikel-uden-titel"),
])
def test_format_citation(meta: dict, page: str | None, section: str | None,
                         citation: str) -> None:
    assert format_citation(meta, page, section) == citation


def _hit(text: str, start: int) -> Hit:
    return Hit(rank=1, score=1.0, doc_id="rapport", title="Fremskudte indsatser", source="VIVE",
               doc_type=schema.RAPPORT, text=text, start_char=start, end_char=start + len(text),
               page="9", section="3.2 Fremskudt jobcenter", date=None, window_start=start,
               window_end=start + len(text), citation="", metadata=META)


def test_quote_gets_the_page_where_it_starts_not_the_chunks() -> None:
    text = "Første sætning står på side 9. Anden sætning står på side 10."
    hit = _hit(text, 100)
    second = text.index("Anden")
    doc_layout = {schema.PAGE_SPANS: [[0, "8"], [90, "9"], [100 + second, "10"]],
                  schema.SECTION_SPANS: [[50, "3.2 Fremskudt jobcenter"], [100 + second, "4 Nyt"]]}
    # A point carries its chunk's layout (clipped at ingest): the quote is labelled from the hit.
    hit = replace(hit, metadata={**META, **chunk_layout(doc_layout, 100, 100 + len(text))})
    chosen = [Candidate(2.0, hit, 100 + second, 100 + len(text)), Candidate(1.0, hit, 100, 130)]
    cites = compose("?", chosen, [hit]).citations
    assert [(c.page, c.section) for c in cites] == [("10", "4 Nyt"),
                                                    ("9", "3.2 Fremskudt jobcenter")]
    assert cites[0].citation == "Fremskudte indsatser (VIVE, 2023), kap. 4 Nyt, s. 10"
    # Without layout spans (an article) the passage's own page and section stand.
    article = replace(hit, page=None, metadata=META)
    plain = compose("?", [Candidate(1.0, article, 100, 130)], [article]).citations
    assert plain[0].page is None and plain[0].section == "3.2 Fremskudt jobcenter"
