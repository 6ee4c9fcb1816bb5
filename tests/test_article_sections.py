"""Article subheads become sections: short lines without final punctuation and an interview's
questions (issue 13, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli
from vidensbank.ingest import schema
from vidensbank.ingest.article import read_article_text
from vidensbank.ingest.html import parse_html
from vidensbank.ingest.layout import location

ARTICLES = Path(__file__).resolve().parent.parent / "corpus" / "artikler"
INTERVIEW = "artikel-sonderborg-helhedsplanens-vaerdi-for-kernedriften"
SILKEBORG = "lbf-silkeborg-borgmester-roser-samspil"


def _sections(doc_id: str) -> list[str]:
    doc = read_article_text(ARTICLES / f"{doc_id}.txt", doc_id)
    spans = doc.metadata[schema.SECTION_SPANS]
    for start, label in spans:
        assert doc.text[start:start + len(label)] == label
    return [label for _, label in spans]


def test_interview_questions_are_sections() -> None:
    sections = _sections(INTERVIEW)
    assert "Hvordan kobler I til kernedriften?" in sections
    assert "Hvad er udfordringerne ved at supplere kernedriften?" in sections
    # The title and the quoted answers are no sections.
    assert not [s for s in sections if s.startswith("”") or "værdi for kernedriften" in s]


def test_short_unpunctuated_lines_are_sections() -> None:
    sections = _sections(SILKEBORG)
    assert {"Samarbejde uden benspænd", "Drømmen om et køkkenprojekt"} <= set(sections)
    assert not [s for s in sections if s.endswith((".", ":"))]


def test_html_subheads_are_sections() -> None:
    page = ("<html><head><title>Fiktiv artikel om samarbejde</title></head><body><article>"
            "<h1>Fiktiv artikel om samarbejde</h1><p>Indledningen fortæller om et opdigtet "
            "boligområde.</p><h2>Samarbejde om beskæftigelse</h2><p>Jobcenteret kom hver "
            "tirsdag i beboerhuset.</p></article></body></html>").encode()
    doc = parse_html(page, doc_id="fiktiv")
    at = doc.text.index("Jobcenteret kom")
    assert location(doc.metadata, at).section == "Samarbejde om beskæftigelse"
    assert location(doc.metadata, doc.text.index("Indledningen")).section is None


def test_show_and_search_label_a_quote_with_its_question(corpus_index: Path) -> None:
    shown = json.loads(cli("show", INTERVIEW, "--json", index=corpus_index).stdout)
    labels = [label for _, label in shown["metadata"][schema.SECTION_SPANS]]
    assert "Hvordan kobler I til kernedriften?" in labels
    quote = "For eksempel med det fremskudte jobcenter i Sønderborg kommune"
    assert location(shown["metadata"], shown["text"].index(quote)).section == \
        "Hvordan kobler I til kernedriften?"


def test_photo_alt_text_is_dropped() -> None:
    doc = read_article_text(ARTICLES / f"{SILKEBORG}.txt", SILKEBORG)
    assert "Smilende kvinde" not in doc.text
    assert "Som tidligere kommunal ansat kender leder af Helhedsplanen" in doc.text
