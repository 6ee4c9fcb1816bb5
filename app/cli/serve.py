"""`vidensbank app`: the Streamlit app on this index.

The command replaces itself with the Streamlit server (exec), so the PID a process manager knows
is the server's: SIGTERM/SIGINT reach it directly and nothing is left behind when it stops.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from vidensbank.index.config import Config

from vidensbank.errors import IndexNotFoundError

NAME = "app"
SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="start Streamlit-appen")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", help="adressen, appen lytter på (standard: $VIDENSBANK_ADDRESS "
                   "eller localhost; 0.0.0.0 = alle netkort, og så er upload slået fra)")
    p.add_argument("--base-url-path", metavar="STI", help="sti bag en reverse proxy, fx "
                   "vidensbank for https://vært/vidensbank/ (standard: $VIDENSBANK_BASE_URL_PATH)")
    return p


def server_env(config: Config) -> dict[str, str]:
    """The server reads the same Config: every setting goes along as a VIDENSBANK_* variable."""
    env = {**os.environ, "VIDENSBANK_INDEX": str(config.index_dir.resolve()),
           "VIDENSBANK_MODEL": config.model, "VIDENSBANK_ADDRESS": config.address,
           "VIDENSBANK_BASE_URL_PATH": config.base_url_path,
           # A service logs one line per question unless told otherwise.
           "VIDENSBANK_LOG_LEVEL": config.log_level or "INFO"}
    if config.qdrant_url:
        env["VIDENSBANK_QDRANT_URL"] = config.qdrant_url
        env["VIDENSBANK_COLLECTION"] = config.collection
    return env


def server_command(config: Config, port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.port", str(port),
            "--server.address", config.address, "--server.baseUrlPath", config.base_url_path,
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "minimal"]


def run(args: argparse.Namespace, config: Config) -> int:
    if not (config.index_dir / "manifest.json").exists() and not config.qdrant_url:
        raise IndexNotFoundError(
            f"intet indeks i {config.index_dir}: kør først `vidensbank ingest corpus/`")
    if not config.serves_locally and not config.upload_password:
        print(f"vidensbank: appen lytter på {config.address} og er skrivebeskyttet; sæt "
              "VIDENSBANK_UPLOAD_PASSWORD for at tillade upload", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, server_command(config, args.port), server_env(config))
