"""Quote unit vectors beside the index: embedded once, at ingest, read by every answer.

An answer scores every sentence of the passages it draws from (index.answers.quotes). Embedding
them per question costs seconds of CPU on a library the process has not seen, and with several
users at once each question waits on the others. So ingest embeds each chunk's units
(index.build.points) and keeps them here: SQLite, one row per (model, document, version, span), the
vector as float16 (768 bytes a unit). Keyed so, a row never serves a changed document or another
model; a document's rows of an older version are dropped when its new ones are written.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from vidensbank.index.stores.docstore import use_wal

log = logging.getLogger(__name__)

FILE = "units.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS unit_vectors (
    model TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    version TEXT NOT NULL,
    start INTEGER NOT NULL,
    stop INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, doc_id, version, start, stop)
) WITHOUT ROWID
"""

UnitKey = tuple[str, str, str, int, int]  # model, doc_id, version, start, end (document offsets)


class UnitStore:
    """Thread-safe; a failed write is logged, never raised: the vectors can always be made
    again, and a reader must not fail an answer because the disk is read-only or full."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        use_wal(self.db)
        self.db.execute(SCHEMA)
        self.db.commit()

    def get_many(self, keys: Iterable[UnitKey]) -> dict[UnitKey, np.ndarray]:
        wanted: dict[tuple[str, str, str], set[tuple[int, int]]] = defaultdict(set)
        for model, doc_id, version, a, b in keys:
            wanted[(model, doc_id, version)].add((a, b))
        out: dict[UnitKey, np.ndarray] = {}
        with self._lock:
            for (model, doc_id, version), spans in wanted.items():
                for lo, hi in _clusters(sorted(spans)):  # a range scan on the key, not the doc
                    rows = self.db.execute(
                        "SELECT start, stop, vector FROM unit_vectors WHERE model = ? AND "
                        "doc_id = ? AND version = ? AND start BETWEEN ? AND ?",
                        (model, doc_id, version, lo, hi))
                    for a, b, blob in rows:
                        if (a, b) in spans:
                            vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
                            out[(model, doc_id, version, a, b)] = vec
        return out

    def put_many(self, rows: Iterable[tuple[UnitKey, np.ndarray]]) -> None:
        rows = list(rows)
        if not rows:
            return
        versions = {(model, doc_id, version) for (model, doc_id, version, _, _), _ in rows}
        try:
            with self._lock, self.db:
                for model, doc_id, version in versions:
                    self.db.execute("DELETE FROM unit_vectors WHERE model = ? AND doc_id = ? "
                                    "AND version != ?", (model, doc_id, version))
                self.db.executemany(
                    "INSERT OR REPLACE INTO unit_vectors VALUES (?, ?, ?, ?, ?, ?)",
                    [(*key, np.asarray(vec, dtype=np.float16).tobytes()) for key, vec in rows])
        except sqlite3.Error as exc:
            log.warning("sætningsvektorer blev ikke gemt i %s: %s", self.path, exc)

    def count(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM unit_vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self.db.close()


def _clusters(spans: list[tuple[int, int]], gap: int = 4000) -> list[tuple[int, int]]:
    """Ranges of unit starts to read: one per group of nearby spans (a long report's hits lie
    far apart; reading every unit between them would cost more than a second query)."""
    out: list[tuple[int, int]] = []
    for a, _ in spans:
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], a)
        else:
            out.append((a, a))
    return out
