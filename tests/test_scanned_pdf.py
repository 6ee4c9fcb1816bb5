"""Scanned PDFs are read with Danish OCR (ingest/ocr.py); PDFs with any text are ingested; where
nothing can be read, the refusal says why."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import cli
from fixtures.make_report import make_image_pdf
from fixtures.make_scan import PAGES, make_scanned_report, page_texts
from fpdf import FPDF
from rapidfuzz.distance import Levenshtein
from vidensbank.ingest import ocr, schema
from vidensbank.ingest.pdf import read_pdf

from vidensbank.errors import IngestError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

MIN_ACCURACY = 0.98  # characters right, after Levenshtein, whitespace folded


def _accuracy(found: str, truth: str) -> float:
    a, b = " ".join(found.split()), " ".join(truth.split())
    return 1 - Levenshtein.distance(a, b) / len(b)


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ocr.engine(), "Tesseract med dansk mangler: make ocr"
    return make_scanned_report(tmp_path_factory.mktemp("scan") / "skannet-rapport.pdf", dpi=250)


@pytest.mark.slow
def test_ocr_reads_scanned_danish_pages_accurately(scan: Path) -> None:
    clock = time.perf_counter()
    found = ocr.recognise(scan.read_bytes(), list(range(len(PAGES))), str(scan))
    per_page = (time.perf_counter() - clock) / len(PAGES)
    scores = [_accuracy(found[i], truth) for i, truth in enumerate(page_texts())]
    print(f"OCR: tegnnøjagtighed {[round(s, 4) for s in scores]}, {per_page:.1f} s/side")
    assert min(scores) >= MIN_ACCURACY, scores


@pytest.mark.slow
def test_scanned_report_is_searchable_and_cited_with_its_page(scan: Path,
                                                              tmp_path: Path) -> None:
    index = tmp_path / "idx"
    report = json.loads(cli("ingest", str(scan), "--json", index=index).stdout)
    assert report["ingested"] == [str(scan)], report
    doc = json.loads(cli("show", "skannet-rapport", "--json", index=index).stdout)
    assert doc["metadata"][schema.OCR_PAGES] == [1, 2, 3]
    assert "Tekstgenkendt (OCR): PDF-side 1, 2, 3" in cli("show", "skannet-rapport",
                                                          index=index).stdout
    hits = json.loads(cli("search", "lektiecafé frivillige gymnasiet", "--json",
                          index=index).stdout)
    assert hits[0]["doc_id"] == "skannet-rapport" and hits[0]["page"] == "2"
    answer = json.loads(cli("ask", "Hvornår træffes jobcentrets rådgivere?", "--json",
                            index=index).stdout)
    assert answer["citations"], answer
    first = answer["citations"][0]
    assert first["page"] == "3" and "tirsdag" in first["quote"]
    assert doc["text"][first["start_char"]:first["end_char"]] == first["quote"]


def _text_pdf(path: Path, pages: dict[int, str], total: int) -> Path:
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=11)
    for number in range(1, total + 1):
        pdf.add_page()
        if number in pages:
            pdf.multi_cell(0, 6, pages[number])
    pdf.output(str(path))
    return path


def test_pdfs_with_little_text_are_ingested(tmp_path: Path) -> None:
    hello = read_pdf(_text_pdf(tmp_path / "hello.pdf", {1: "Hello PDF.js World"}, 1), "hello")
    assert hello.text == "Hello PDF.js World"
    one_of_14 = _text_pdf(tmp_path / "en-side.pdf",
                          {7: "Referat af beboermødet i Ørestad om grønne gårdrum."}, 14)
    doc = read_pdf(one_of_14, "en-side")
    assert "grønne gårdrum" in doc.text and schema.OCR_PAGES not in doc.metadata


def test_unreadable_pdfs_say_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blank = _text_pdf(tmp_path / "blank.pdf", {}, 2)
    with pytest.raises(IngestError, match="hverken et tekstlag eller billeder"):
        read_pdf(blank, "blank")
    bars = make_image_pdf(tmp_path / "streger.pdf", pages=1)
    with pytest.raises(IngestError, match="slået fra"):
        read_pdf(bars, "streger", ocr="never")
    monkeypatch.setattr(ocr, "engine", lambda: None)
    with pytest.raises(IngestError, match="ikke installeret: sudo apt-get install tesseract"):
        read_pdf(bars, "streger")
