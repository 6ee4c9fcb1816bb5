"""Word reader and agreement structure: a fictional samarbejdsaftale, odd Word files, bad input."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fixtures.make_agreement import AgreementFacts, make_agreement
from vidensbank.ingest import schema
from vidensbank.ingest.agreement import (
    PARTIES,
    PARTS,
    PERIOD,
    agreement_metadata,
    find_period,
    heading_part,
)
from vidensbank.ingest.docx import read_docx
from vidensbank.ingest.readers import read_path

from vidensbank.errors import IngestError


@pytest.fixture(scope="module")
def agreement(tmp_path_factory: pytest.TempPathFactory) -> AgreementFacts:
    return make_agreement(tmp_path_factory.mktemp("docx") / "samarbejdsaftale-fiktiv.docx")


@pytest.fixture(scope="module")
def agreement_doc(agreement: AgreementFacts):
    return read_docx(agreement.path, "samarbejdsaftale-fiktiv")


def test_agreement_metadata(agreement: AgreementFacts, agreement_doc) -> None:
    meta = agreement_doc.metadata
    assert meta[schema.DOC_TYPE] == schema.SAMARBEJDSAFTALE
    assert meta[schema.TITLE] == agreement.title
    assert meta[PARTS] == agreement.parts
    assert meta[PARTIES] == agreement.parties
    assert meta[PERIOD] == agreement.period
    assert meta[schema.PATH] == str(agreement.path)
    assert set(schema.REQUIRED_KEYS) <= set(meta)


def test_section_spans_point_at_headings(agreement: AgreementFacts, agreement_doc) -> None:
    spans = agreement_doc.metadata[schema.SECTION_SPANS]
    assert [label for _, label in spans] == agreement.headings
    starts = [start for start, _ in spans]
    assert starts == sorted(starts)
    for start, label in spans:
        assert agreement_doc.text[start:start + len(label)] == label


def test_text_is_paragraphs_and_table_rows(agreement: AgreementFacts, agreement_doc) -> None:
    text = agreement_doc.text
    blocks = text.split("\n\n")
    assert blocks[0] == agreement.title
    assert "\n".join(agreement.table_rows) in blocks  # one block per table, a line per row
    assert text.count(agreement.repeated_clause) == 2
    assert "FIKTIVT EKSEMPEL" in text
    assert all(block == block.strip() and block for block in blocks)


def test_numbered_sentences_are_not_headings(agreement: AgreementFacts, agreement_doc) -> None:
    labels = {label for _, label in agreement_doc.metadata[schema.SECTION_SPANS]}
    for sentence in agreement.not_headings:
        assert sentence in agreement_doc.text
        assert sentence not in labels


def test_read_path_dispatches_docx(agreement: AgreementFacts) -> None:
    doc = read_path(agreement.path)
    assert doc.id_ == "samarbejdsaftale-fiktiv"
    assert doc.metadata[schema.DOC_TYPE] == schema.SAMARBEJDSAFTALE


def _save(word, path: Path) -> Path:
    word.save(str(path))
    return path


def test_plain_word_document_is_not_an_agreement(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_heading("Referat af beboermøde i Æblehaven", level=1)
    word.add_paragraph("Beboerne drøftede legepladsen og den nye vaskeri-ordning.")
    doc = read_docx(_save(word, tmp_path / "referat.docx"), "referat")
    assert doc.metadata[schema.DOC_TYPE] == schema.ANDET
    assert doc.metadata[schema.TITLE] == "Referat af beboermøde i Æblehaven"
    assert doc.metadata[schema.SECTION_SPANS] == [[0, "Referat af beboermøde i Æblehaven"]]
    assert PARTS not in doc.metadata  # parties and period only for agreements


def test_title_from_first_line_and_headings_on_one_line(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("Aftale om fritidsjob i Skovparken")
    heading = word.add_heading("Baggrund", level=1)
    heading.runs[0].add_break()
    heading.add_run("og formål")
    word.add_paragraph("Unge i boligområdet skal have bedre adgang til fritidsjob.")
    doc = read_docx(_save(word, tmp_path / "fritidsjob.docx"), "fritidsjob")
    assert doc.metadata[schema.TITLE] == "Aftale om fritidsjob i Skovparken"
    start = doc.text.index("Baggrund")
    assert doc.metadata[schema.SECTION_SPANS] == [[start, "Baggrund og formål"]]
    assert doc.text[start:].startswith("Baggrund\nog formål")


def test_content_controls_are_read(tmp_path: Path) -> None:
    # Agreement templates wrap whole sections in content controls (w:sdt).
    word = docx.Document()
    word.add_paragraph("Før kontrollen")
    sdt, content, paragraph = OxmlElement("w:sdt"), OxmlElement("w:sdtContent"), OxmlElement("w:p")
    paragraph.append(_run("w:t", "Tekst i en indholdskontrol"))
    content.append(paragraph)
    sdt.append(content)
    word.element.body.insert(1, sdt)
    doc = read_docx(_save(word, tmp_path / "kontrol.docx"), "kontrol")
    assert doc.text == "Før kontrollen\n\nTekst i en indholdskontrol"


def test_outline_level_and_tracked_changes(tmp_path: Path) -> None:
    word = docx.Document()
    heading = word.add_paragraph("Økonomi og finansiering")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    heading._p.get_or_add_pPr().append(outline)
    body = word.add_paragraph("Kommunen betaler ")
    inserted, deleted = OxmlElement("w:ins"), OxmlElement("w:del")
    inserted.append(_run("w:t", "halvdelen"))
    deleted.append(_run("w:delText", "det hele"))
    body._p.append(deleted)
    body._p.append(inserted)
    doc = read_docx(_save(word, tmp_path / "spor.docx"), "spor")
    assert doc.text == "Økonomi og finansiering\n\nKommunen betaler halvdelen"
    assert doc.metadata[schema.SECTION_SPANS] == [[0, "Økonomi og finansiering"]]


def _run(tag: str, text: str):
    run, piece = OxmlElement("w:r"), OxmlElement(tag)
    piece.text = text
    run.append(piece)
    return run


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(2048))


def _zip_of_text(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("noter.txt", "Dette er ikke et Word-dokument.")


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/'
                                                'package/2006/content-types"/>')


def _broken_xml(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<<< ikke xml")


def _empty_file(path: Path) -> None:
    path.write_bytes(b"")


def _empty_document(path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("   ")
    word.save(str(path))


@pytest.mark.parametrize(
    ("write", "reason"),
    [
        (_random_bytes, "ikke et Word-dokument"),
        (_empty_file, "ikke et Word-dokument"),
        (_zip_of_text, "indeholder ikke et Word-dokument"),
        (_zip_without_document, "indeholder ikke et Word-dokument"),
        (_broken_xml, "beskadiget"),
        (_empty_document, "ingen tekst"),
    ],
)
def test_bad_input_raises_ingest_error(tmp_path: Path, write, reason: str) -> None:
    path = tmp_path / "aftale.docx"
    write(path)
    with pytest.raises(IngestError) as caught:
        read_docx(path, "aftale")
    assert caught.value.source == str(path)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("label", "part"),
    [
        ("§ 1 Aftalens parter", "parter"),
        ("Parter", "parter"),
        ("Parternes roller og ansvar", "roller og opgavefordeling"),
        ("2. Aftaleperiode", "periode"),
        ("§ 3 Formål og mål", "formål og mål"),
        ("Mål og indsatsområder", "formål og mål"),
        ("4 Indsatsområder", "indsatsområder"),
        ("4.2 Opgavefordeling", "roller og opgavefordeling"),
        ("Organisering og ledelse", "organisering"),
        ("Styregruppen", "organisering"),
        ("§ 4 Økonomi", "økonomi"),
        ("Finansiering og budget", "økonomi"),
        ("8 Opfølgning og evaluering", "opfølgning"),
        ("Opsigelse og tvister", "ændring og ophør"),
        ("Målgruppe", None),
        ("Underskrifter", None),
        ("Bilag 1: Handleplan", None),
    ],
)
def test_heading_part(label: str, part: str | None) -> None:
    assert heading_part(label) == part


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Aftalen gælder for perioden 1. januar 2022 til 31. december 2025.", "2022-2025"),
        ("Helhedsplan 2022-2025", "2022-2025"),
        ("Perioden er 01.01.2019 – 31.12.2022.", "2019-2022"),
        ("Aftalen løber fra 2024 til og med 2027.", "2024-2027"),
        ("Antallet faldt fra 303 til 231.", None),
        ("Bevillingen 2030-2010 er en tastefejl.", None),
    ],
)
def test_find_period(text: str, period: str | None) -> None:
    assert find_period(text) == period


def test_agreement_metadata_from_plain_text() -> None:
    # The shape a PDF reader would hand over: text and section spans, no Word styles.
    text = ("Samarbejdsaftale for Vejleåparken\n\n"
            "Aftalen er indgået mellem Ishøj Kommune og Boligselskabet Vejleåparken.\n\n"
            "Periode\n\nAftalen gælder 2021-2024.\n\nØkonomi\n\nLandsbyggefonden bevilger.")
    spans = [[0, "Samarbejdsaftale for Vejleåparken"],
             [text.index("Periode"), "Periode"], [text.index("Økonomi"), "Økonomi"]]
    meta = agreement_metadata(text, spans)
    assert meta[PARTS] == ["periode", "økonomi"]
    assert meta[PARTIES] == ["Vejleåparken", "Ishøj Kommune", "Boligselskabet Vejleåparken"]
    assert meta[PERIOD] == "2021-2024"
