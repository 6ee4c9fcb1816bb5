"""Streamlit's own widget texts as a Danish user sees them in Chromium: no "Upload",
"200MB per file" or "Select all"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.test_app_browser import (  # noqa: F401  (fixtures)
    UI_TIMEOUT_MS,
    VIEWPORT,
    browser,
    server,
)

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

ENGLISH = ("Upload", "Browse files", "per file", "Drag and drop", "Select all", "not allowed")


def test_widgets_speak_danish(server: str, browser: Browser) -> None:  # noqa: F811
    page = browser.new_page(viewport=VIEWPORT, locale="da-DK")
    page.goto(f"{server}/tilfoej")
    zone = page.get_by_test_id("stFileUploaderDropzone")
    zone.wait_for(timeout=UI_TIMEOUT_MS)
    shown = zone.inner_text()
    button = zone.locator("button")
    label = button.evaluate("b => getComputedStyle(b, '::after').content")
    assert label == '"Vælg filer"'
    assert not [w for w in ENGLISH if w in shown], shown

    page.goto(f"{server}/soeg")
    picker = page.get_by_test_id("stMultiSelect").first
    picker.wait_for(timeout=UI_TIMEOUT_MS)
    picker.click()
    options = page.get_by_role("option").first
    options.wait_for(timeout=UI_TIMEOUT_MS)
    listed = page.get_by_role("listbox").inner_text()
    assert "Select all" not in listed, listed
