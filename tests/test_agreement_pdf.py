"""Samarbejdsaftaler as PDF: typed by their text, then given parts, parties, period and sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.make_agreement import AgreementFacts, make_agreement
from fixtures.make_agreement_pdf import make_agreement_pdf
from fixtures.make_report import make_report
from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.agreement import PARTIES, PARTS, PERIOD
from vidensbank.ingest.agreement_layout import (
    add_agreement_structure,
    merge_spans,
    numbered_heading_spans,
)
from vidensbank.ingest.readers import read_path


@pytest.fixture(scope="module")
def agreement(tmp_path_factory: pytest.TempPathFactory) -> AgreementFacts:
    return make_agreement_pdf(tmp_path_factory.mktemp("aftale-pdf") / "aftale-fiktiv.pdf")


@pytest.fixture(scope="module")
def doc(agreement: AgreementFacts) -> Document:
    return read_path(agreement.path)


def test_pdf_agreement_gets_agreement_metadata(agreement: AgreementFacts, doc: Document) -> None:
    meta = doc.metadata
    assert meta[schema.DOC_TYPE] == schema.SAMARBEJDSAFTALE
    assert meta[PARTS] == agreement.parts
    assert meta[PARTIES] == agreement.parties
    assert meta[PERIOD] == agreement.period
    assert meta[schema.TITLE].startswith("Samarbejdsaftale om den boligsociale helhedsplan")


def test_pdf_agreement_sections_point_at_headings(agreement: AgreementFacts,
                                                  doc: Document) -> None:
    spans = doc.metadata[schema.SECTION_SPANS]
    assert [label for _, label in spans] == agreement.headings
    for start, label in spans:
        assert doc.text[start:start + len(label)] == label
    assert doc.metadata[schema.PAGE_SPANS][0] == [0, "1"]
    assert doc.text.count(agreement.repeated_clause) == 2


def test_same_metadata_as_the_word_version(agreement: AgreementFacts, doc: Document,
                                           tmp_path: Path) -> None:
    word = read_path(make_agreement(tmp_path / "aftale-fiktiv.docx").path)
    for key in (PARTS, PARTIES, PERIOD, schema.DOC_TYPE):
        assert doc.metadata[key] == word.metadata[key], key


def test_word_agreement_and_report_are_left_alone(tmp_path: Path) -> None:
    word = read_path(make_agreement(tmp_path / "aftale.docx").path)
    spans = list(word.metadata[schema.SECTION_SPANS])
    add_agreement_structure(word)  # the Word reader already gave it parts: nothing changes
    assert word.metadata[schema.SECTION_SPANS] == spans
    report = read_path(make_report(tmp_path / "rapport.pdf")["path"])
    assert report.metadata[schema.DOC_TYPE] == schema.RAPPORT and PARTS not in report.metadata


def test_doc_type_flag_makes_a_pdf_an_agreement(agreement: AgreementFacts) -> None:
    forced = read_path(agreement.path, doc_type=schema.SAMARBEJDSAFTALE)
    assert forced.metadata[PERIOD] == "2022-2025"
    as_report = read_path(agreement.path, doc_type=schema.RAPPORT)
    assert PARTS not in as_report.metadata


@pytest.mark.parametrize("text,headings", [
    ("Intro.\n\n§ 4 Økonomi\n\nBeløb.", ["§ 4 Økonomi"]),
    ("§4. Parter\n\n4.2 Opgavefordeling\n\nBilag 1: Budget", ["§4. Parter", "4.2 Opgavefordeling",
                                                            "Bilag 1: Budget"]),
    ("1. Bestyrelsen godkender handleplanen.\n\nTekst", []),  # a sentence, not a heading
    ("Se § 4 Økonomi\n\nog mere", []),  # not at the start of a paragraph
    ("§ 4 Økonomi\nfortsætter på næste linje", []),  # not a paragraph of one line
    ("§ 4 Økonomi med en alt for lang overskrift der bliver ved og ved og ved og ved", []),
    ("2022 blev et godt år", []),  # a year, lower case after it
])
def test_numbered_heading_spans(text: str, headings: list[str]) -> None:
    spans = numbered_heading_spans(text)
    assert [label for _, label in spans] == headings
    assert all(text[start:start + len(label)] == label for start, label in spans)


def test_merge_spans_keeps_the_readers_label() -> None:
    assert merge_spans([[10, "3.1 Mål"]], [[0, "§ 3 Formål"], [10, "3.1 Mål."]]) == [
        [0, "§ 3 Formål"], [10, "3.1 Mål"]]
