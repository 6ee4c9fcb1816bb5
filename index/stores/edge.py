"""Store on a Qdrant Edge shard in a folder: the embedded default (no server)."""

from __future__ import annotations

import logging
import shutil
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe
from vidensbank.index.stores import shard_snapshot as snap
from vidensbank.index.stores.base import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    ChunkPoint,
    Filters,
    ScoredChunk,
    SparseVec,
    payloads_by_id,
    scored,
)
from vidensbank.index.stores.edge_requests import (
    arm_requests,
    query_request,
    to_chunk,
    to_filter,
)

from vidensbank.errors import IndexLockedError, IndexNotFoundError

log = logging.getLogger(__name__)


def shard_config(dim: int) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
    )


class EdgeStore:
    """A writer opens the live shard; a reader works on a private copy (see shard_snapshot)."""

    def __init__(self, path: Path, *, dim: int, create: bool) -> None:
        self.path = path
        self.index_dir = path.parent
        self._lock = path.parent / snap.LOCK_NAME
        self._mutex = threading.RLock()  # Streamlit sessions share one store across threads
        self._copy: Path | None = None
        self._cleanup: weakref.finalize | None = None
        self._generation = ""
        self._pinned = 0  # open scrolls: no fresh copy under their feet
        self._dirty = False
        self._unpublished = False
        self._reader = not create  # opened to read: go back to reading once a write is done
        if create:
            self.shard = self._open_live(dim)
        else:
            self.shard = self._open_copy(wait_s=snap.READ_WAIT_S)

    # -- opening -------------------------------------------------------------------------------

    def _open_live(self, dim: int | None) -> qe.EdgeShard:
        with self._write_guard():
            try:
                if dim is not None and not (self.path / "segments").exists():
                    _create_whole(self.path, dim)
                    self._unpublished = True
                return qe.EdgeShard.load(str(self.path))
            except Exception as exc:  # Edge raises a bare Exception; its text says why
                if "WouldBlock" in str(exc):
                    raise IndexLockedError(
                        f"indekset i {self.index_dir} er åbent for skrivning i en anden proces "
                        f"(en indlæsning er i gang): {snap.BUSY_MESSAGE}") from None
                raise

    def _open_copy(self, wait_s: float) -> qe.EdgeShard | None:
        if not (self.path / "segments").exists():
            if self._copy is not None:
                return None  # e.g. mid-swap by a rebuild: keep reading the copy we have
            raise IndexNotFoundError(f"intet Qdrant-indeks i {self.path}: kør `vidensbank ingest`")
        with snap.flocked(self._lock, exclusive=False, wait_s=wait_s) as held:
            if not held:
                if self._copy is not None:
                    return None  # keep reading the copy we have
                raise IndexLockedError(f"{snap.BUSY_MESSAGE} ({self.index_dir})")
            generation = snap.read_generation(self.index_dir)
            copy = snap.private_copy(self.path)
        shard = qe.EdgeShard.load(str(copy))
        old_shard = getattr(self, "shard", None)
        if old_shard is not None:
            self._drop_copy(old_shard)
        self._copy, self._generation = copy, generation
        self._cleanup = weakref.finalize(self, snap.remove_copy, copy)
        return shard

    def _drop_copy(self, shard: qe.EdgeShard) -> None:
        shard.close()
        if self._cleanup is not None:
            self._cleanup()  # removes the copy's folder once
            self._cleanup = None
        self._copy = None

    def _fresh(self) -> qe.EdgeShard:
        """The shard to read: a reader takes a new copy once the writer has published."""
        if self.shard is None:  # a release whose copy timed out: try again now
            self.shard = self._open_copy(wait_s=snap.READ_WAIT_S)
        elif self._copy is not None and not self._pinned and (
                snap.read_generation(self.index_dir) != self._generation):
            shard = self._open_copy(wait_s=0)
            if shard is not None:
                self.shard = shard
        return self.shard

    @contextmanager
    def _write_guard(self) -> Iterator[None]:
        with snap.flocked(self._lock, exclusive=True, wait_s=snap.WRITE_WAIT_S) as held:
            if not held:
                raise IndexLockedError(f"{snap.BUSY_MESSAGE} ({self.index_dir})")
            yield

    def _writable(self) -> qe.EdgeShard:
        if self._copy is not None:  # a reader that writes becomes the writer
            live = self._open_live(None)
            self._drop_copy(self.shard)
            self.shard = live
        elif self.shard is None:  # released, and its read copy could not be had
            self.shard = self._open_live(None)
        return self.shard

    def _update(self, operation: Any) -> None:
        with self._mutex:
            shard = self._writable()
            with self._write_guard():
                shard.update(operation)
            self._dirty = self._unpublished = True

    # -- the Store protocol --------------------------------------------------------------------

    def upsert(self, points: list[ChunkPoint]) -> None:
        if not points:
            return
        edge_points = [
            qe.Point(p.id, {DENSE: np.asarray(p.dense, dtype=np.float32).tolist(),
                            SPARSE: qe.SparseVector(p.sparse.indices, p.sparse.values)},
                     p.payload)
            for p in points
        ]
        self._update(qe.UpdateOperation.upsert_points(edge_points))

    def delete_doc(self, doc_id: str) -> None:
        self._update(qe.UpdateOperation.delete_points_by_filter(
            qe.Filter(must=[qe.FieldCondition(key="doc_id", match=qe.MatchValue(doc_id))])))

    def query(self, *, dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
              filters: Filters | None = None) -> list[ScoredChunk]:
        request = query_request(dense, sparse, limit, to_filter(filters))
        if request is None:
            return []
        with self._mutex:
            points = self._fresh().query(request)
        return scored(points)

    def query_arms(self, *, dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
                   filters: Filters | None = None, keys: Sequence[str] | None = None
                   ) -> tuple[list[ScoredChunk], list[ScoredChunk]]:
        named = arm_requests(dense, sparse, limit, to_filter(filters), keys)
        if not named:
            return [], []
        with self._mutex:  # one planned batch: both arms share a pass over the segments
            results = self._fresh().query_batch(qe.QueryBatchRequest([r for _, r in named]))
        arms = {name: scored(r) for (name, _), r in zip(named, results, strict=True)}
        return arms.get(DENSE, []), arms.get(SPARSE, [])

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        with self._mutex:
            records = self._fresh().retrieve(list(ids), True, False)
        return payloads_by_id(records)

    def count(self, filters: Filters | None = None) -> int:
        with self._mutex:
            return int(self._fresh().count(qe.CountRequest(filter=to_filter(filters),
                                                           exact=True)))

    def facet(self, key: str, filters: Filters | None = None, limit: int = 100) -> list[
            tuple[Any, int]]:
        with self._mutex:
            response = self._fresh().facet(qe.FacetRequest(key=key, limit=limit, exact=True,
                                                           filter=to_filter(filters)))
        return [(hit.value, int(hit.count)) for hit in response.hits]

    def _scroll(self, flt: qe.Filter | None, batch: int, with_vectors: bool
                ) -> Iterator[list[ChunkPoint]]:
        offset = None
        with self._mutex:
            self._fresh()
            self._pinned += 1
        try:
            while True:
                with self._mutex:
                    records, offset = self.shard.scroll(qe.ScrollRequest(
                        offset=offset, limit=batch, filter=flt, with_payload=True,
                        with_vector=with_vectors))
                if records:
                    yield [to_chunk(r, with_vectors) for r in records]
                if offset is None or not records:
                    return
        finally:
            with self._mutex:
                self._pinned -= 1

    def chunks_of(self, doc_id: str, *, with_vectors: bool = False) -> list[ChunkPoint]:
        flt = to_filter({"doc_id": [doc_id]})
        out = [c for page in self._scroll(flt, 256, with_vectors) for c in page]
        return sorted(out, key=lambda c: c.payload.get("start_char", 0))

    def all_chunks(self, *, batch: int = 256, with_vectors: bool = True
                   ) -> Iterator[list[ChunkPoint]]:
        return self._scroll(None, batch, with_vectors)

    def finish_writes(self) -> None:
        with self._mutex:
            if self._dirty:
                with self._write_guard():
                    self.shard.flush()
                    self.shard.optimize()  # Edge has no background optimiser: build HNSW now
                self._dirty = False
            self._publish()
            if self._reader and self._copy is None:
                self._release_live()

    def _release_live(self) -> None:
        # Edge locks the WAL while open: else an app upload blocks `vidensbank ingest` for good.
        with self._write_guard():
            self.shard.close()
        self.shard = None  # closed: _open_copy must not close it again
        self.shard = self._open_copy(wait_s=snap.READ_WAIT_S)

    def _publish(self) -> None:
        if self._unpublished:
            snap.publish(self.index_dir)
            self._unpublished = False

    def close(self) -> None:
        with self._mutex:
            if self._copy is not None:
                self._drop_copy(self.shard)
                return
            if self.shard is not None:
                with self._write_guard():
                    self.shard.close()
            self._publish()


def _create_whole(path: Path, dim: int) -> None:
    """Build a new shard beside `path` and move it in complete. An ingest killed while creating
    it leaves no shard, so the next run starts over; never one lacking its payload indexes (which
    facets need, and which a later load would not add)."""
    staging = path.with_name(path.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)  # without segments it holds no data: a leftover
    staging.mkdir(parents=True)
    shard = qe.EdgeShard.create(str(staging), shard_config(dim))
    _create_payload_indexes(shard)
    shard.close()
    staging.rename(path)


def _create_payload_indexes(shard: qe.EdgeShard) -> None:
    for name in KEYWORD_FIELDS:
        shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
    for name in INTEGER_FIELDS:
        shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Integer))
