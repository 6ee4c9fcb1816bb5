"""The app as a user meets it: `vidensbank app` in a subprocess, driven by headless Chromium.

Uses Debian's chromium (`make browser` installs it); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, Page, sync_playwright
from vidensbank.app import ui_text as T

from tests.test_app_pages import SCRIPT_DOC

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EXAMPLE = "Hvordan kobler andre til kernedriften?"
START_TIMEOUT_S = 90
UI_TIMEOUT_MS = 90_000  # the first question also loads the model on a busy 2-core machine
FIRST_QUOTE_JS = ("[...document.querySelectorAll('mark')].find(m => m.nextElementSibling"
                  "?.textContent === '[1]')?.innerText")
VIEWPORT = {"width": 1400, "height": 1000}
SCROLL_HEIGHT_JS = ("Math.ceil((document.querySelector('[data-testid=stMainBlockContainer]')"
                    "?.getBoundingClientRect().height ?? 0) + 120)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def wait_until_healthy(proc: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"vidensbank app stoppede med kode {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"appen svarede ikke på {base} inden {START_TIMEOUT_S} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and the streamlit child it started (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.fixture
def server(index_copy: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    cli = Path(sys.executable).with_name("vidensbank")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "vidensbank"]
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([*cmd, "app", "--index", str(index_copy), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://localhost:{port}"
    try:
        wait_until_healthy(proc, base)
        yield base
    finally:
        stop(proc)
        log.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("chromium mangler: kør `make browser` (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def snapshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit."""
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(SCROLL_HEIGHT_JS)
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 8000)})
    page.wait_for_timeout(300)  # let the layout settle at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def ask_example(page: Page, test_output: Path) -> list[str]:
    """Ask the example question; the titles of the cited passages, in order."""
    page.get_by_role("button", name=EXAMPLE).click()
    page.get_by_text(T.ASK_CITED, exact=True).wait_for(timeout=UI_TIMEOUT_MS)
    page.locator("mark").first.wait_for(timeout=UI_TIMEOUT_MS)
    headers = page.locator("strong").filter(has_text=re.compile(r"^\[\d+\] ")).all_inner_texts()
    snapshot(page, test_output / "app-spoerg.png")
    return [re.sub(r"^(\[\d+\] )+", "", h) for h in headers]


def test_ask_open_source_upload_and_search(server: str, browser: Browser, test_output: Path
                                           ) -> None:
    page = browser.new_page(viewport=VIEWPORT, locale="da-DK")
    page.goto(server)
    page.get_by_text(T.ASK_HEADER).wait_for(timeout=UI_TIMEOUT_MS)
    titles = ask_example(page, test_output)
    marks = page.locator("mark").count()
    assert marks >= len(titles) >= 1
    assert len(set(titles)) >= 2, f"{marks} citater fra {len(set(titles))} dokument(er): {titles}"

    compare_places(page, test_output)
    quote = page.evaluate(FIRST_QUOTE_JS)
    page.get_by_role("button", name=T.ASK_OPEN_SOURCE.format(n=1)).click()
    page.wait_for_url(re.compile(r"/kilder\?.*doc_id="), timeout=UI_TIMEOUT_MS)
    cited = page.locator("mark#citeret")
    cited.wait_for(timeout=UI_TIMEOUT_MS)
    assert cited.inner_text() == quote
    page.get_by_text(T.SOURCES_JUMP).click()
    cited.scroll_into_view_if_needed()
    snapshot(page, test_output / "app-kilder.png")

    upload_script_document(page, server, test_output)
    document_text_is_not_html(page, server, test_output)


def compare_places(page: Page, test_output: Path) -> None:
    """"Sammenlign steder": a table, one row per place, each with a quote and its [n]."""
    # The checkbox, not the table's heading of the same name.
    toggle = page.get_by_test_id("stCheckbox").get_by_text(T.COMPARE_TOGGLE, exact=True)
    toggle.click()
    table = page.get_by_test_id("stTable")
    table.wait_for(timeout=UI_TIMEOUT_MS)
    header = table.locator("thead th").all_inner_texts()
    assert T.COMPARE_COLUMNS["quotes"] in header, header
    places = table.locator("tbody th").all_inner_texts()
    assert len(set(places)) >= 2, places  # the articles that speak of kernedriften
    assert all(re.search(r"» \[\d+\]", row) for row in table.locator("tbody tr").all_inner_texts())
    page.get_by_role("button", name=T.COMPARE_EXPORT).wait_for(timeout=UI_TIMEOUT_MS)
    snapshot(page, test_output / "app-sammenlign.png")
    toggle.click()  # back to the answer
    page.get_by_text(T.ASK_CITED, exact=True).wait_for(timeout=UI_TIMEOUT_MS)
    page.locator("mark").first.wait_for(timeout=UI_TIMEOUT_MS)


def upload_script_document(page: Page, server: str, test_output: Path) -> None:
    page.goto(f"{server}/tilfoej")
    page.get_by_text(T.UPLOAD_HEADER).first.wait_for(timeout=UI_TIMEOUT_MS)
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "Æblehaven <script>.txt", "mimeType": "text/plain",
        "buffer": SCRIPT_DOC.encode()}])
    page.get_by_test_id("stFileChip").first.wait_for(timeout=UI_TIMEOUT_MS)
    page.get_by_role("button", name=T.UPLOAD_BUTTON).click()
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=UI_TIMEOUT_MS)
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    snapshot(page, test_output / "app-tilfoej.png")
    assert values[:3] == ["1", "0", "0"], values


def document_text_is_not_html(page: Page, server: str, test_output: Path) -> None:
    page.goto(f"{server}/soeg")
    box = page.get_by_label(T.SEARCH_INPUT)
    box.fill("lektiecafé med frivillige i Æblehaven")
    box.press("Enter")
    page.get_by_text("Lektiecafé i Æblehaven <script>alert(1)</script>").first.wait_for(
        timeout=UI_TIMEOUT_MS)
    snapshot(page, test_output / "app-soeg.png")
    page.goto(f"{server}/kilder?doc_id=aeblehaven-script")
    page.get_by_text("<script>window.vbXss = 1</script>", exact=False).first.wait_for(
        timeout=UI_TIMEOUT_MS)
    assert page.evaluate("typeof window.vbXss") == "undefined"
