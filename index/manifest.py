"""The index's manifest: which model built it and with which settings, written atomically."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SCHEMA_VERSION = 1


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    # A temporary file of its own: two processes creating one index at once each replace
    # atomically instead of one renaming the file the other just moved away.
    tmp = index_dir / f"{MANIFEST}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)  # atomic: a reader never sees half a manifest
