"""Store on a Qdrant Edge shard in a folder: the embedded default (no server)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from index.store import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    PREFETCH_FACTOR,
    RRF_K,
    SPARSE,
    ChunkPoint,
    Filters,
    ScoredChunk,
    SparseVec,
)

log = logging.getLogger(__name__)


def shard_config(dim: int) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
    )


def to_filter(filters: Filters | None) -> qe.Filter | None:
    if not filters:
        return None
    must = []
    for key, values in filters.items():
        values = list(values)
        if not values:
            continue
        match = qe.MatchValue(values[0]) if len(values) == 1 else qe.MatchAny(values)
        must.append(qe.FieldCondition(key=key, match=match))
    return qe.Filter(must=must) if must else None


class EdgeStore:
    def __init__(self, path: Path, *, dim: int, create: bool) -> None:
        self.path = path
        if create and not (path / "segments").exists():
            path.mkdir(parents=True, exist_ok=True)
            self.shard = qe.EdgeShard.create(str(path), shard_config(dim))
            self._create_payload_indexes()
        else:
            self.shard = qe.EdgeShard.load(str(path))
        self._dirty = False

    def _create_payload_indexes(self) -> None:
        for name in KEYWORD_FIELDS:
            self.shard.update(qe.UpdateOperation.create_field_index(
                name, qe.PayloadSchemaType.Keyword))
        for name in INTEGER_FIELDS:
            self.shard.update(qe.UpdateOperation.create_field_index(
                name, qe.PayloadSchemaType.Integer))

    def upsert(self, points: list[ChunkPoint]) -> None:
        if not points:
            return
        edge_points = [
            qe.Point(p.id, {DENSE: np.asarray(p.dense, dtype=np.float32).tolist(),
                            SPARSE: qe.SparseVector(p.sparse.indices, p.sparse.values)},
                     p.payload)
            for p in points
        ]
        self.shard.update(qe.UpdateOperation.upsert_points(edge_points))
        self._dirty = True

    def delete_doc(self, doc_id: str) -> None:
        self.shard.update(qe.UpdateOperation.delete_points_by_filter(
            qe.Filter(must=[qe.FieldCondition(key="doc_id", match=qe.MatchValue(doc_id))])))
        self._dirty = True

    def query(self, *, dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
              filters: Filters | None = None) -> list[ScoredChunk]:
        flt = to_filter(filters)
        arms = []
        if dense is not None:
            arms.append(qe.Query.Nearest(np.asarray(dense, dtype=np.float32).tolist(), using=DENSE))
        if sparse is not None and sparse.indices:
            arms.append(qe.Query.Nearest(qe.SparseVector(sparse.indices, sparse.values),
                                         using=SPARSE))
        if not arms:
            return []
        if len(arms) == 1:
            request = qe.QueryRequest(limit=limit, query=arms[0], filter=flt, with_payload=True)
        else:
            prefetches = [qe.Prefetch(limit=limit * PREFETCH_FACTOR, query=a, filter=flt)
                          for a in arms]
            request = qe.QueryRequest(limit=limit, prefetches=prefetches,
                                      query=qe.Fusion.Rrf(k=RRF_K), filter=flt, with_payload=True)
        return [ScoredChunk(str(p.id), float(p.score), dict(p.payload or {}))
                for p in self.shard.query(request)]

    def count(self, filters: Filters | None = None) -> int:
        return int(self.shard.count(qe.CountRequest(filter=to_filter(filters), exact=True)))

    def facet(self, key: str, filters: Filters | None = None, limit: int = 100) -> list[
            tuple[Any, int]]:
        response = self.shard.facet(qe.FacetRequest(key=key, limit=limit, exact=True,
                                                    filter=to_filter(filters)))
        return [(hit.value, int(hit.count)) for hit in response.hits]

    def _scroll(self, flt: qe.Filter | None, batch: int, with_vectors: bool
                ) -> Iterator[list[ChunkPoint]]:
        offset = None
        while True:
            records, offset = self.shard.scroll(qe.ScrollRequest(
                offset=offset, limit=batch, filter=flt, with_payload=True,
                with_vector=with_vectors))
            if records:
                yield [_to_chunk(r, with_vectors) for r in records]
            if offset is None or not records:
                return

    def chunks_of(self, doc_id: str, *, with_vectors: bool = False) -> list[ChunkPoint]:
        flt = to_filter({"doc_id": [doc_id]})
        out = [c for page in self._scroll(flt, 256, with_vectors) for c in page]
        return sorted(out, key=lambda c: c.payload.get("start_char", 0))

    def all_chunks(self, *, batch: int = 256, with_vectors: bool = True
                   ) -> Iterator[list[ChunkPoint]]:
        return self._scroll(None, batch, with_vectors)

    def finish_writes(self) -> None:
        if self._dirty:
            self.shard.flush()
            self.shard.optimize()  # Edge has no background optimiser: build HNSW now
            self._dirty = False

    def close(self) -> None:
        self.shard.close()


def _to_chunk(record: Any, with_vectors: bool) -> ChunkPoint:
    dense: Any = np.zeros(0, dtype=np.float32)
    sparse = SparseVec([], [])
    if with_vectors and record.vector:
        vec = record.vector
        dense = np.asarray(vec.get(DENSE, []), dtype=np.float32)
        if SPARSE in vec:
            sparse = SparseVec(list(vec[SPARSE].indices), list(vec[SPARSE].values))
    return ChunkPoint(str(record.id), dense, sparse, dict(record.payload or {}))
