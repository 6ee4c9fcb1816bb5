"""Move an embedded index to a Qdrant server without embedding anything again.

Chunks are copied with their vectors and payloads in batches, then the documents (the record of
a document comes after its chunks, as in ingest). Upserts are idempotent by point id, and the
progress is kept in `push-state.json` in the index folder, so an interrupted push resumes where it
stopped. At the end the counts and the results of a sample of searches are compared.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import Hit, search
from vidensbank.index.stores.shard_snapshot import flocked

from vidensbank.errors import IndexLockedError, VidensbankError

STATE_NAME = "push-state.json"
LOCK_NAME = "push.lock"
BATCH = 256
SAMPLE_QUERIES = 8
QUERY_WORDS = 12

Progress = Callable[[int, int, str], None]


class PushError(VidensbankError):
    """A push cannot start, or its result differs from the source."""


@dataclass
class PushReport:
    target: str
    chunks: int = 0
    documents: int = 0
    resumed_at: int = 0
    removed_documents: int = 0
    counts: dict[str, list[int]] = field(default_factory=dict)
    queries: int = 0
    same_results: int = 0
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.mismatches and all(a == b for a, b in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "ok": self.ok, "seconds": round(self.seconds, 2)}


def push(config: Config, *, batch: int = BATCH, restart: bool = False,
         on_progress: Progress | None = None) -> PushReport:
    if not config.qdrant_url:
        raise PushError("push kræver en Qdrant-server: angiv --qdrant-url URL "
                        "(eller VIDENSBANK_QDRANT_URL)")
    if batch < 1:
        raise PushError(f"--batch skal være mindst 1 (fik {batch})")
    with flocked(config.index_dir / LOCK_NAME, exclusive=True, wait_s=0) as held:
        if not held:
            raise IndexLockedError(f"en anden push fra {config.index_dir} er i gang")
        clock = time.perf_counter()
        source = OpenIndex.open(dataclasses.replace(config, qdrant_url=None))
        try:
            target = OpenIndex.open(config, create=True)
        except BaseException:
            source.close()
            raise
        try:
            report = _run(source, target, batch=batch, restart=restart, on_progress=on_progress)
        finally:
            target.close()
            source.close()
        report.seconds = time.perf_counter() - clock
        return report


def _run(source: OpenIndex, target: OpenIndex, *, batch: int, restart: bool,
         on_progress: Progress | None) -> PushReport:
    config = target.config
    report = PushReport(target=f"{config.qdrant_url}#{config.collection}")
    state_path = source.index_dir / STATE_NAME
    fresh = {"target": report.target, "source": source_signature(source), "phase": "chunks",
             "chunks_done": 0, "documents_done": 0}
    state = load_state(state_path)
    if restart or not state or any(state.get(k) != fresh[k] for k in ("target", "source")) or (
            state.get("phase") == "done"):
        state = fresh
        report.removed_documents = remove_stale(source, target)
    report.resumed_at = int(state["chunks_done"])
    if state["phase"] == "chunks":
        copy_chunks(source, target, state, state_path, batch, on_progress)
    report.chunks = int(state["chunks_done"])
    copy_documents(source, target, state, state_path, on_progress)
    report.documents = int(state["documents_done"])
    verify(source, target, report)
    state["phase"] = "done" if report.ok else "verify"
    save_state(state_path, state)
    return report


def source_signature(idx: OpenIndex) -> str:
    """Which documents, in which version: a resume is only valid against the same source."""
    rows = [(d.doc_id, d.content_hash) for d in idx.docs.list()]
    digest = hashlib.sha256(json.dumps([rows, idx.store.count()]).encode("utf-8"))
    return digest.hexdigest()[:16]


def load_state(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, path)  # atomic: an interrupted push never leaves half a state file


def remove_stale(source: OpenIndex, target: OpenIndex) -> int:
    """Documents on the server that the source no longer has, or has in another version."""
    wanted = {d.doc_id: d.content_hash for d in source.docs.list()}
    stale = [d.doc_id for d in target.docs.list() if wanted.get(d.doc_id) != d.content_hash]
    for doc_id in stale:
        target.docs.delete(doc_id)  # the record first: the document stops being present
        target.store.delete_doc(doc_id)
    return len(stale)


def copy_chunks(source: OpenIndex, target: OpenIndex, state: dict[str, Any],
                state_path: Path, batch: int, on_progress: Progress | None) -> None:
    total, done, position = source.store.count(), int(state["chunks_done"]), 0
    for page in source.store.all_chunks(batch=batch, with_vectors=True):
        start = position
        position += len(page)
        if position <= done:
            continue  # copied by an earlier, interrupted run (scroll order is by point id)
        target.store.upsert(page[max(0, done - start):])
        state["chunks_done"] = done = position
        save_state(state_path, state)
        if on_progress:
            on_progress(done, total, "tekstbidder")
    target.store.finish_writes()
    state["phase"] = "documents"
    save_state(state_path, state)


def copy_documents(source: OpenIndex, target: OpenIndex, state: dict[str, Any],
                   state_path: Path, on_progress: Progress | None) -> None:
    listed = source.docs.list()
    for i in range(int(state["documents_done"]), len(listed)):
        doc = source.docs.get(listed[i].doc_id)
        if doc is not None:
            target.docs.put(doc.doc_id, doc.content_hash, doc.metadata, doc.text, doc.chunks)
        state["documents_done"] = i + 1
        save_state(state_path, state)
        if on_progress:
            on_progress(i + 1, len(listed), "dokumenter")


def sample_queries(idx: OpenIndex, n: int = SAMPLE_QUERIES) -> list[str]:
    """The opening words of chunks spread over the index: real text, so every query hits."""
    chunks = [c for page in idx.store.all_chunks(with_vectors=False) for c in page]
    step = max(1, len(chunks) // n)
    texts = [" ".join(str(c.payload.get("text", "")).split()[:QUERY_WORDS])
             for c in chunks[::step][:n]]
    return [t for t in texts if t]


def same_hits(a: list[Hit], b: list[Hit], rel: float = 1e-4) -> bool:
    """Same scores rank by rank, and the same hits wherever a score is not tied at the cut."""
    if len(a) != len(b) or any(not math.isclose(x.score, y.score, rel_tol=rel, abs_tol=1e-6)
                               for x, y in zip(a, b, strict=True)):
        return False
    cut = a[-1].score * (1 + rel) + 1e-6 if a else 0.0
    return ({(h.doc_id, h.start_char) for h in a if h.score > cut}
            == {(h.doc_id, h.start_char) for h in b if h.score > cut})


def verify(source: OpenIndex, target: OpenIndex, report: PushReport) -> None:
    """Counts, then sampled searches in each arm alone: dense checks the vectors, BM25 the
    sparse ones. (Fused RRF lists may swap near-ties deep in the prefetch; not a copy error.)"""
    report.counts = {"chunks": [source.store.count(), target.store.count()],
                     "documents": [source.docs.count(), target.docs.count()]}
    for query in sample_queries(source):
        for mode in ("dense", "bm25"):
            report.queries += 1
            if same_hits(search(source, query, mode=mode), search(target, query, mode=mode)):
                report.same_results += 1
            else:
                report.mismatches.append(f"{mode}: {query}")
