"""The reference store: qdrant-client's local mode (`QdrantClient(path=...)`), same schema.

Dense (cosine) and BM25 (IDF modifier) named vectors, the same payload indexes, and the same
query: a prefetch per arm (limit x PREFETCH_FACTOR, filtered), fused with RRF (k = 60).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models
from vidensbank.index.stores.base import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    PREFETCH_FACTOR,
    RRF_K,
    SPARSE,
    ChunkPoint,
    SparseVec,
)

COLLECTION = "chunks"


def to_filter(filters: dict[str, list[Any]] | None) -> models.Filter | None:
    if not filters:
        return None
    must: list[Any] = []
    for key, values in filters.items():
        match = (models.MatchValue(value=values[0]) if len(values) == 1
                 else models.MatchAny(any=list(values)))
        must.append(models.FieldCondition(key=key, match=match))
    return models.Filter(must=must)


def build_local(path: Path, points: list[ChunkPoint], dim: int, batch: int = 1000
                ) -> dict[str, float]:
    """Create the collection and upsert every point; local mode persists as it goes."""
    client = QdrantClient(path=str(path))
    client.create_collection(
        COLLECTION,
        vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
        sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
    with warnings.catch_warnings():  # a no-op in local mode (it warns so), kept for the schema
        warnings.simplefilter("ignore", UserWarning)
        for name in KEYWORD_FIELDS:
            client.create_payload_index(COLLECTION, name, models.PayloadSchemaType.KEYWORD)
        for name in INTEGER_FIELDS:
            client.create_payload_index(COLLECTION, name, models.PayloadSchemaType.INTEGER)
    clock = time.perf_counter()
    for i in range(0, len(points), batch):
        client.upsert(COLLECTION, [
            models.PointStruct(id=p.id, payload=p.payload, vector={
                DENSE: np.asarray(p.dense, dtype=np.float32).tolist(),
                SPARSE: models.SparseVector(indices=p.sparse.indices, values=p.sparse.values)})
            for p in points[i:i + batch]])
    upsert = time.perf_counter() - clock
    client.close()
    return {"upsert_s": upsert}


def hybrid_query(client: QdrantClient, dense: np.ndarray, sparse: SparseVec, limit: int,
                 filters: dict[str, list[Any]] | None) -> list[Any]:
    flt = to_filter(filters)
    prefetch = [
        models.Prefetch(query=np.asarray(dense, dtype=np.float32).tolist(), using=DENSE,
                        limit=limit * PREFETCH_FACTOR, filter=flt),
        models.Prefetch(query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                        using=SPARSE, limit=limit * PREFETCH_FACTOR, filter=flt),
    ]
    fusion = models.RrfQuery(rrf=models.Rrf(k=RRF_K)) if hasattr(models, "RrfQuery") else (
        models.FusionQuery(fusion=models.Fusion.RRF))
    return client.query_points(COLLECTION, prefetch=prefetch, query=fusion, limit=limit,
                               query_filter=flt, with_payload=True).points
