"""`make browser` adds chromium without upgrading what is installed (systemd, udev, perl...)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser


def _install_command() -> str:
    """The apt-get line `make browser` runs where chromium is missing."""
    out = subprocess.run(["make", "-n", "browser", "CHROMIUM=/nonexistent"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    line = " ".join(out.replace("\\\n", " ").split())
    found = re.search(r"(apt-get install [^;}]*)", line)
    assert found, line
    return found.group(1)


@pytest.mark.skipif(shutil.which("make") is None, reason="make mangler")
def test_browser_install_upgrades_nothing() -> None:
    command = _install_command()
    assert "--no-install-recommends" in command and "--no-upgrade" in command
    if shutil.which("apt-get") is None:
        return
    simulated = subprocess.run(command.replace("apt-get install", "apt-get -s install").split(),
                               capture_output=True, text=True)
    assert simulated.returncode == 0, simulated.stderr
    # "Inst pkg [installed version] (new version ...)": an upgrade of something already there.
    upgrades = [ln for ln in simulated.stdout.splitlines() if re.match(r"Inst \S+ \[", ln)]
    assert not upgrades, upgrades
