"""Qdrant Edge requests and records: filters, queries and points in Edge's own types.

Kept apart from the store (edge.py), which owns opening, copying and locking the shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import qdrant_edge as qe
from vidensbank.index.stores.base import (
    DENSE,
    PREFETCH_FACTOR,
    RRF_K,
    SPARSE,
    ChunkPoint,
    Filters,
    SparseVec,
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


def payload_selector(keys: Sequence[str] | None) -> Any:
    """The whole payload, or only `keys`: a chunk's text and layout are most of what a query
    reads back, and ranking needs none of them."""
    return True if keys is None else qe.PayloadSelector.Include(list(keys))


def nearest_dense(dense: np.ndarray) -> Any:
    return qe.Query.Nearest(np.asarray(dense, dtype=np.float32).tolist(), using=DENSE)


def nearest_sparse(sparse: SparseVec) -> Any:
    return qe.Query.Nearest(qe.SparseVector(sparse.indices, sparse.values), using=SPARSE)


def query_request(dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
                  flt: qe.Filter | None) -> qe.QueryRequest | None:
    """Dense alone, sparse alone, or both prefetched and fused with RRF."""
    arms = []
    if dense is not None:
        arms.append(nearest_dense(dense))
    if sparse is not None and sparse.indices:
        arms.append(nearest_sparse(sparse))
    if not arms:
        return None
    if len(arms) == 1:
        return qe.QueryRequest(limit=limit, query=arms[0], filter=flt, with_payload=True)
    prefetches = [qe.Prefetch(limit=limit * PREFETCH_FACTOR, query=a, filter=flt) for a in arms]
    return qe.QueryRequest(limit=limit, prefetches=prefetches, query=qe.Fusion.Rrf(k=RRF_K),
                           filter=flt, with_payload=True)


def arm_requests(dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
                 flt: qe.Filter | None, keys: Sequence[str] | None
                 ) -> list[tuple[str, qe.QueryRequest]]:
    """One request per arm given (an empty sparse vector is no arm), named by its vector."""
    arms = [(DENSE, nearest_dense(dense) if dense is not None else None),
            (SPARSE, nearest_sparse(sparse) if sparse is not None and sparse.indices else None)]
    return [(name, qe.QueryRequest(limit=limit, query=a, filter=flt,
                                   with_payload=payload_selector(keys)))
            for name, a in arms if a is not None]


def to_chunk(record: Any, with_vectors: bool) -> ChunkPoint:
    dense: Any = np.zeros(0, dtype=np.float32)
    sparse = SparseVec([], [])
    if with_vectors and record.vector:
        vec = record.vector
        dense = np.asarray(vec.get(DENSE, []), dtype=np.float32)
        if SPARSE in vec:
            sparse = SparseVec(list(vec[SPARSE].indices), list(vec[SPARSE].values))
    return ChunkPoint(str(record.id), dense, sparse, dict(record.payload or {}))
