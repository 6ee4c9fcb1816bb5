"""Documents (canonical text and metadata) in SQLite beside the vector store.

The vector store holds chunks; this holds whole documents for `show`, for re-chunking without
re-parsing, and as the record of what is ingested: a document counts as present only once its row
is written, after all its chunks (see pipeline), so an interrupted ingest leaves no half document.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    ingested_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    content_hash: str
    metadata: dict[str, Any]
    text: str
    chunks: int


WAL_WAIT_S = 30.0


def use_wal(db: sqlite3.Connection) -> None:
    """WAL, so readers are not blocked by a writer. Switching a new file to WAL ignores the busy
    timeout: two processes creating one index at once wait here for each other, briefly."""
    deadline = time.monotonic() + WAL_WAIT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class DocStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        use_wal(self.db)
        self.db.execute(SCHEMA)
        self.db.commit()

    def hash_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM documents WHERE doc_id = ?",
                              (doc_id,)).fetchone()
        return row[0] if row else None

    def hashes(self, doc_ids: list[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        marks = ",".join("?" * len(doc_ids))
        rows = self.db.execute(
            f"SELECT doc_id, content_hash FROM documents WHERE doc_id IN ({marks})", doc_ids)
        return dict(rows.fetchall())

    def put(self, doc_id: str, content_hash: str, metadata: dict[str, Any], text: str,
            chunks: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            (doc_id, content_hash, json.dumps(metadata, ensure_ascii=False), text, chunks,
             time.time()),
        )
        self.db.commit()

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute(
            "SELECT doc_id, content_hash, metadata, text, chunks FROM documents WHERE doc_id = ?",
            (doc_id,)).fetchone()
        if not row:
            return None
        return StoredDocument(row[0], row[1], json.loads(row[2]), row[3], row[4])

    def delete(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        self.db.commit()

    def list(self) -> list[StoredDocument]:
        rows = self.db.execute(
            "SELECT doc_id, content_hash, metadata, '', chunks FROM documents ORDER BY doc_id")
        return [StoredDocument(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COALESCE(SUM(chunks), 0) FROM documents").fetchone()[0])

    def close(self) -> None:
        self.db.close()
