"""What a Danish user reads: failed uploads said plainly, no English widget or usage texts, no
raw internals (character offsets, "None", "[]"), and "1 dokument" rather than "1 dokumenter"."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import cli
from test_app_pages import app_env, app_index, page, shared_library, writable_env  # noqa: F401
from vidensbank.app import ui_text as T

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

GOOD_DOC = ("Fælleshaven i Skovparken\n\nI Skovparken i Kolding dyrker beboerne grøntsager i en "
            "fælles have, og en frivillig gartner viser børnene, hvordan man sår gulerødder.\n")


def shown_text(at) -> str:
    """The page's markdown as read: labels.plain's escapes taken out."""
    return re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))


def test_failed_upload_says_what_failed_and_links_what_got_in(writable_env: Path  # noqa: F811
                                                              ) -> None:
    at = page("upload").run()
    at.file_uploader(key="upload_files").upload("rapport.pdf", os.urandom(4000),
                                                "application/pdf")
    at.file_uploader(key="upload_files").upload("skovparken.txt", GOOD_DOC.encode(), "text/plain")
    at.button[0].click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "kunne ikke indlæses" in errors
    listed = shown_text(at)
    assert "rapport" in listed and "filen er ikke en PDF" in listed
    assert "%PDF" not in listed + errors
    assert [s.value for s in at.success] == [T.REPORT_ADDED.format(n="1 dokument")]
    link = at.button(key="uploaded_skovparken")
    assert link.label == "Fælleshaven i Skovparken"

    nothing = page("upload").run()
    nothing.file_uploader(key="upload_files").upload("billede.png", b"\x89PNG....", "image/png")
    nothing.button[0].click().run()
    assert [e.value for e in nothing.error] == [T.REPORT_NONE_IN]
    assert "filtypen '.png' understøttes ikke" in shown_text(nothing)
    assert not nothing.success


def test_upload_limits_are_the_readers(app_env: Path) -> None:  # noqa: F811
    at = page("upload").run()
    caption = " ".join(c.value for c in at.caption)
    assert "PDF 200 MB" in caption and "DOCX 100 MB" in caption
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 200


def test_cited_place_is_page_and_section_not_offsets(app_env: Path) -> None:  # noqa: F811
    hit = shared_library().search("kernedriften", top_k=1)[0]
    at = page("sources")
    at.query_params.update(doc_id=hit.doc_id, start=str(hit.start_char), end=str(hit.end_char))
    at.run()
    cited = [m for m in at.markdown if m.value.startswith(f"**{T.SOURCES_CITED}**")]
    assert len(cited) == 1
    assert "tegn" not in cited[0].value and not re.search(r"\d+–\d+", cited[0].value)
    assert cited[0].help == T.SOURCES_CHARS.format(start=hit.start_char, end=hit.end_char)


def test_one_document_is_singular(app_env: Path) -> None:  # noqa: F811
    library = shared_library()
    single = next(value for value, _ in library.facets("kommuner", limit=500)
                  if len({h.doc_id for h in library.search(
                      "samarbejde", top_k=20, filters={"kommuner": [value]})}) == 1)
    at = page("search").run()
    at.multiselect(key="facet_kommuner").set_value([single])
    at.text_input(key="search_query").input("samarbejde").run()
    summary = [m.value for m in at.markdown if " fra " in m.value]
    assert summary and summary[0].endswith(" fra 1 dokument"), summary


def test_facet_pickers_have_no_english_select_all(app_env: Path) -> None:  # noqa: F811
    at = page("search").run()
    pickers = at.get("multiselect")
    assert pickers and all(p.proto.select_all == 0 for p in pickers)


@pytest.mark.parametrize(("args", "danish"), [
    (("search", "x", "--mode", "foo"), "ugyldigt valg: 'foo' (vælg mellem"),
    (("search", "x", "--top-k", "mange"), "ugyldig værdi: 'mange'"),
    ((), "følgende argumenter mangler"),
    (("stats", "--hep"), "ukendte argumenter: --hep"),
])
def test_cli_usage_errors_are_danish(args: tuple[str, ...], danish: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert danish in result.stderr and "fejl:" in result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr


def test_cli_help_is_danish() -> None:
    result = cli("search", "--help")
    assert result.stdout.startswith("brug: vidensbank search")
    assert "vis denne hjælp" in result.stdout and "show this help" not in result.stdout


def test_stats_labels_points_and_counts_documents_per_type(corpus_index: Path) -> None:
    import json
    data = json.loads(cli("stats", "--json", index=corpus_index).stdout)
    assert sum(data["doc_types"].values()) == data["documents"]
    text = cli("stats", index=corpus_index).stdout
    assert f"Søgevinduer     {data['points']} (" in text
    assert "Artikel" in text and re.search(r"^  Artikel\s+\d+ dokument(er)?$", text, re.M), text


def test_show_leaves_out_unknown_metadata(index_copy: Path, tmp_path: Path) -> None:
    doc = tmp_path / "skovparken.txt"
    doc.write_text(GOOD_DOC, encoding="utf-8")
    assert cli("ingest", str(doc), index=index_copy).returncode == 0
    shown = cli("show", "skovparken", index=index_copy).stdout
    head = shown.split("\n\n")[0]
    assert "Titel: Fælleshaven i Skovparken" in head
    assert "None" not in head and "[]" not in head and "source:" not in head
