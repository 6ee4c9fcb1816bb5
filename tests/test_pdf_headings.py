"""Headings that only the font marks become sections, and a PDF's title is its metadata title,
the largest text on page 1 or the file name, in that order (issue 13, items 2 and 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cli
from fixtures.make_typeset_report import HEADINGS, QUOTES, TITLE, make_typeset_report
from vidensbank.ingest import schema
from vidensbank.ingest.layout import location
from vidensbank.ingest.pdf import read_pdf
from vidensbank.ingest.readers import doc_id_for


def test_font_marked_headings_become_sections(tmp_path: Path) -> None:
    doc = read_pdf(make_typeset_report(tmp_path / "rapport.pdf"), "rapport")
    spans = doc.metadata[schema.SECTION_SPANS]
    assert [label for _, label in spans] == [h for h, _, _ in HEADINGS]
    for start, label in spans:
        assert doc.text[start:start + len(label)] == label
    for quote, section in QUOTES:
        assert location(doc.metadata, doc.text.index(quote)).section == section


@pytest.mark.parametrize("kwargs, title", [
    ({}, TITLE),  # the largest text on page 1
    ({"info_title": "Fiktiv titel fra dokumentinfo"}, "Fiktiv titel fra dokumentinfo"),
    ({"title_size": 11}, "kloeverparken"),  # no larger text: the file name, not "Indledning"
])
def test_title_metadata_then_largest_text_then_file_name(
    tmp_path: Path, kwargs: dict, title: str
) -> None:
    path = make_typeset_report(tmp_path / "kloeverparken.pdf", **kwargs)
    assert read_pdf(path, "kloeverparken").metadata[schema.TITLE] == title


@pytest.mark.slow
def test_show_lists_the_section_and_title(tmp_path: Path) -> None:
    path = make_typeset_report(tmp_path / "rapport.pdf")
    index = tmp_path / "index"
    assert cli("ingest", str(path), index=index).returncode == 0
    doc_id = doc_id_for(path)
    shown = json.loads(cli("show", doc_id, "--json", index=index).stdout)
    meta = shown["metadata"]
    assert meta[schema.TITLE] == TITLE
    assert [label for _, label in meta[schema.SECTION_SPANS]] == [h for h, _, _ in HEADINGS]
    quote, section = QUOTES[0]
    hit = json.loads(cli("search", quote, "--json", index=index).stdout)[0]
    assert hit["section"] == section
