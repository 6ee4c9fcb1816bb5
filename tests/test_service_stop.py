"""`vidensbank app` stopped as a process manager stops it: SIGTERM to the PID it started.

A real server, a real upload through headless Chromium (so the server holds the live shard for
writing), then SIGTERM: no process of it is left, the port is closed, the container's health
check fails, and another writer can take the index.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import dockerfile
import pytest
from conftest import ROOT, cli
from playwright.sync_api import sync_playwright
from test_app_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT_MS,
    free_port,
    upload_script_document,
    wait_until_healthy,
)

pytestmark = pytest.mark.slow

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
STOP_TIMEOUT_S = 30
OTHER_DOC = ("Fritidsjob i Skovparken\n\nI Skovparken hjælper en fritidsjobformidler unge i gang "
             "med deres første job hos lokale butikker og foreninger.\n")


def health_check(port: int) -> list[str]:
    """The container's HEALTHCHECK command, pointed at this test's port."""
    check = next(c for c in dockerfile.parse_file(str(DOCKERFILE)) if c.cmd == "HEALTHCHECK")
    assert check.json and check.value[0] == "CMD"
    return [v.replace(":8501/", f":{port}/") for v in check.value[1:]]


def group_members(pgid: int) -> list[int]:
    """Live processes in a process group (a server orphaned by its parent keeps the group)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("localhost", port)) == 0


def test_sigterm_stops_the_server_and_frees_the_index(index_copy: Path, tmp_path: Path,
                                                      test_output: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("chromium mangler: kør `make browser` (apt-get install chromium)")
    port = free_port()
    cli_path = Path(sys.executable).with_name("vidensbank")
    with (tmp_path / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [str(cli_path), "app", "--index", str(index_copy), "--port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://localhost:{port}"
        wait_until_healthy(proc, base)
        assert subprocess.run(health_check(port), timeout=30).returncode == 0
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(locale="da-DK")
                page.set_default_timeout(UI_TIMEOUT_MS)
                upload_script_document(page, base, test_output)  # served locally: allowed
            finally:
                browser.close()

        os.kill(proc.pid, signal.SIGTERM)  # the PID a process manager knows, not the group
        proc.wait(timeout=STOP_TIMEOUT_S)
        assert group_members(proc.pid) == [], "a server process outlived SIGTERM"
        assert not port_open(port)
        assert subprocess.run(health_check(port), capture_output=True,
                              timeout=30).returncode != 0
    finally:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_TIMEOUT_S)

    for lock in ("write.lock", "shard.lock"):
        with open(index_copy / lock, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a process still holds it
    doc = tmp_path / "skovparken.txt"
    doc.write_text(OTHER_DOC, encoding="utf-8")
    added = cli("ingest", str(doc), "--json", index=index_copy)
    assert added.returncode == 0, added.stderr
    shown = cli("show", "aeblehaven-script", index=index_copy)
    assert shown.returncode == 0, "the upload made before the stop is kept"
