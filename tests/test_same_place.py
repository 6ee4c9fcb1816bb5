"""One passage, one place: an uploaded report's passage has the same page and section on Søg,
on Kilder after "Åbn kilden", in a Spørg citation, and in the CLI's search, ask and show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import cli
from fixtures.make_report import make_report
from streamlit.testing.v1 import AppTest
from test_app_pages import ENTRY, TIMEOUT, page, writable_env  # noqa: F401  (fixture)
from vidensbank.app import app_pages as P
from vidensbank.app import labels
from vidensbank.app import ui_text as T
from vidensbank.ingest.layout import location

pytestmark = pytest.mark.slow


def _place_in(text: str) -> list[str]:
    """'s. 9' and 'afsnit ...' as shown in a caption (labels.plain's escapes taken out)."""
    plain = re.sub(r"\\(.)", r"\1", text)
    page = re.search(r"s\. [^·]+", plain)
    section = re.search(r"afsnit [^·]+", plain)
    return [m.group(0).strip() for m in (page, section) if m]


def _sources_place(at: AppTest) -> list[str]:
    assert at.header[0].value == T.SOURCES_HEADER
    return _place_in(at.caption[0].value)


def test_one_place_in_every_view(writable_env: Path, tmp_path: Path) -> None:  # noqa: F811
    facts = make_report(tmp_path / "rapport.pdf")
    upload = page("upload").run()
    upload.file_uploader(key="upload_files").upload("rapport.pdf", facts["path"].read_bytes(),
                                                    "application/pdf")
    upload.button[0].click().run()
    assert len(upload.session_state["upload_report"]["ingested"]) == 1
    quote, printed_page, _section = facts["quotes"][4]

    # Søg: the hit's caption, then Kilder opened from it.
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    at.switch_page(P.SEARCH).run()
    at.text_input(key="search_query").input(quote).run()
    caption = next(c.value for c in at.caption
                   if c.value.startswith(T.SEARCH_PASSAGE.format(rank=1)))
    on_search = _place_in(caption)
    assert on_search[0] == T.LABEL_PAGE.format(page=printed_page)
    at.button(key="open_1").click().run()
    assert _sources_place(at) == on_search
    doc_id = at.query_params["doc_id"][0] if isinstance(at.query_params["doc_id"], list) \
        else at.query_params["doc_id"]

    # The CLI: search's hit, and show's layout at the hit's window start.
    hit = json.loads(cli("search", quote, "--json", index=writable_env).stdout)[0]
    assert hit["doc_id"] == doc_id
    assert labels.location_parts(hit["page"], hit["section"]) == on_search
    shown = json.loads(cli("show", doc_id, "--json", index=writable_env).stdout)
    where = location(shown["metadata"], hit["window_start"])
    assert labels.location_parts(where.page, where.section) == on_search

    # Spørg and CLI ask: each citation of the report where Kilder opens it.
    asked = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    asked.query_params["q"] = quote
    asked.run()
    result = asked.session_state["ask_result"]
    cited = [c for c in result.citations if c.doc_id == doc_id]
    assert cited
    by_cli = {(c["start_char"], c["end_char"]): (c["page"], c["section"]) for c in json.loads(
        cli("ask", quote, "--json", index=writable_env).stdout)["citations"]}
    for c in cited:
        assert by_cli[(c.start_char, c.end_char)] == (c.page, c.section)
        quoted = location(shown["metadata"], c.start_char)
        assert (quoted.page, quoted.section) == (c.page, c.section)
    asked.button(key=f"open_{cited[0].n}").click().run()
    assert _sources_place(asked) == labels.location_parts(cited[0].page, cited[0].section)
