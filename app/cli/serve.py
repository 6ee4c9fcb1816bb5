"""`vidensbank app`: the Streamlit app on this index."""

from __future__ import annotations

import argparse
import os
import subprocess
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
    return p


def run(args: argparse.Namespace, config: Config) -> int:
    if not (config.index_dir / "manifest.json").exists() and not config.qdrant_url:
        raise IndexNotFoundError(
            f"intet indeks i {config.index_dir}: kør først `vidensbank ingest corpus/`")
    env = {**os.environ, "VIDENSBANK_INDEX": str(config.index_dir.resolve()),
           "VIDENSBANK_MODEL": config.model}
    if config.qdrant_url:
        env["VIDENSBANK_QDRANT_URL"] = config.qdrant_url
        env["VIDENSBANK_COLLECTION"] = config.collection
    cmd = [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.port",
           str(args.port), "--server.address", "localhost", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]
    return subprocess.call(cmd, env=env)
