"""The app and the CLI on one index, both alive: an upload in the app must not keep the index
locked, so `vidensbank ingest` in another process runs afterwards and the app then finds both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_app_pages import page, writable_env  # noqa: F401  (fixture)

from tests.test_interrupted_ingest import RUN_TIMEOUT_S, start_ingest

APP_DOC = ("Lektiecafé i Æblehaven\n\nI Æblehaven i Roskilde hjælper frivillige børn med lektier "
           "to gange om ugen, og forældrene inviteres til fælles spisning.\n")
CLI_DOC = ("Fiskeklubben i Vollsmose\n\nI Vollsmose i Odense mødes unge i en fiskeklub om "
           "lørdagen, hvor en pensioneret lærer viser dem, hvordan man binder fluer.\n")


def _search_titles(query: str) -> list[str]:
    found = page("search").run()
    found.text_input(key="search_query").input(query).run()
    assert not found.exception
    return [m.value for m in found.markdown if m.value.startswith("#### ")]


@pytest.mark.slow
def test_app_upload_then_cli_ingest_then_app_search(writable_env: Path,  # noqa: F811
                                                    tmp_path: Path) -> None:
    at = page("upload").run()
    at.file_uploader(key="upload_files").upload("aeblehaven.txt", APP_DOC.encode(), "text/plain")
    at.button[0].click().run()
    assert not at.exception and len(at.session_state["upload_report"]["ingested"]) == 1

    # The app (this process) still holds its Library; the CLI writes from another process.
    doc = tmp_path / "vollsmose.txt"
    doc.write_text(CLI_DOC, encoding="utf-8")
    proc = start_ingest([doc], writable_env)
    out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, err
    assert len(json.loads(out)["ingested"]) == 1

    assert any("Fiskeklubben i Vollsmose" in t for t in _search_titles("fiskeklub fluebinding"))
    assert any("Lektiecafé i Æblehaven" in t for t in _search_titles("lektiecafé frivillige"))
