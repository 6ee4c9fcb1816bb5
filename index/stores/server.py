"""Store on a Qdrant server or cluster through qdrant-client: the same schema as the Edge shard.

The URL decides where: `http(s)://host:6333` is a server (API key from VIDENSBANK_QDRANT_API_KEY);
`local:PATH` (or `path:PATH`) is qdrant-client's local mode, which speaks the same client API as a
server and stands in for one in tests and on machines without a server. Local mode searches by
brute force and lets one process at a time open its folder.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from qdrant_client import models as qm
from vidensbank.index.config import Config
from vidensbank.index.stores.base import (
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
    payloads_by_id,
    scored,
)
from vidensbank.index.stores.server_connection import (
    connect,
    release,
    server_call,
)

from vidensbank.errors import (
    IndexNotFoundError,
    ModelMismatchError,
)

log = logging.getLogger(__name__)


def to_filter(filters: Filters | None) -> qm.Filter | None:
    """The same translation as the Edge store: one value -> MatchValue, several -> MatchAny."""
    if not filters:
        return None
    must: list[Any] = []
    for key, values in filters.items():
        values = list(values)
        if not values:
            continue
        match = (qm.MatchValue(value=values[0]) if len(values) == 1
                 else qm.MatchAny(any=values))
        must.append(qm.FieldCondition(key=key, match=match))
    return qm.Filter(must=must) if must else None


def doc_filter(doc_id: str) -> qm.Filter:
    return qm.Filter(must=[qm.FieldCondition(key="doc_id", match=qm.MatchValue(value=doc_id))])


class ServerStore:
    def __init__(self, config: Config, *, dim: int, create: bool) -> None:
        self.url = config.qdrant_url or ""
        self.name = config.collection
        self.client = connect(config)
        try:
            with server_call(self.url, "åbn samling"):
                if not self.client.collection_exists(self.name):
                    if not create:
                        raise IndexNotFoundError(
                            f"ingen samling '{self.name}' på {self.url}: byg den med "
                            f"`vidensbank ingest ... --qdrant-url` eller `vidensbank push`")
                    self._create(config, dim)
                self._check_dim(dim)
        except BaseException:
            release(self.client)
            raise

    def _create(self, config: Config, dim: int) -> None:
        self.client.create_collection(
            self.name,
            vectors_config={DENSE: qm.VectorParams(size=dim, distance=qm.Distance.COSINE)},
            sparse_vectors_config={SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            shard_number=config.shard_number,
            replication_factor=config.replication_factor,
            write_consistency_factor=config.write_consistency,
        )
        with warnings.catch_warnings():
            # Local mode has no payload indexes and says so; a server builds them.
            warnings.simplefilter("ignore", UserWarning)
            for field in KEYWORD_FIELDS:
                self.client.create_payload_index(self.name, field, qm.PayloadSchemaType.KEYWORD)
            for field in INTEGER_FIELDS:
                self.client.create_payload_index(self.name, field, qm.PayloadSchemaType.INTEGER)

    def _check_dim(self, dim: int) -> None:
        vectors = self.client.get_collection(self.name).config.params.vectors
        size = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
        if size != dim:
            raise ModelMismatchError(
                f"samlingen '{self.name}' på {self.url} har vektorer med {size} dimensioner, "
                f"men modellen giver {dim}: vælg en anden samling med --collection")

    def upsert(self, points: list[ChunkPoint]) -> None:
        if not points:
            return
        structs = [qm.PointStruct(id=p.id, payload=p.payload, vector={
            DENSE: np.asarray(p.dense, dtype=np.float32).tolist(),
            SPARSE: qm.SparseVector(indices=list(p.sparse.indices),
                                    values=list(p.sparse.values))}) for p in points]
        with server_call(self.url, "skriv punkter"):
            self.client.upsert(self.name, structs, wait=True)

    def delete_doc(self, doc_id: str) -> None:
        with server_call(self.url, "slet dokument"):
            self.client.delete(self.name, qm.FilterSelector(filter=doc_filter(doc_id)), wait=True)

    def query(self, *, dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
              filters: Filters | None = None) -> list[ScoredChunk]:
        flt, arms = to_filter(filters), _arms(dense, sparse)
        if not arms:
            return []
        with server_call(self.url, "søg"):
            if len(arms) == 1:
                response = self.client.query_points(
                    self.name, query=arms[0][0], using=arms[0][1], query_filter=flt,
                    limit=limit, with_payload=True)
            else:
                response = self.client.query_points(
                    self.name, prefetch=[qm.Prefetch(query=q, using=u, filter=flt,
                                                     limit=limit * PREFETCH_FACTOR)
                                         for q, u in arms],
                    # RRF with the Edge store's k: the server's default k is another.
                    query=qm.RrfQuery(rrf=qm.Rrf(k=RRF_K)), query_filter=flt, limit=limit,
                    with_payload=True)
        return scored(response.points)

    def query_arms(self, *, dense: np.ndarray | None, sparse: SparseVec | None, limit: int,
                   filters: Filters | None = None, keys: Sequence[str] | None = None
                   ) -> tuple[list[ScoredChunk], list[ScoredChunk]]:
        flt, arms = to_filter(filters), _arms(dense, sparse)
        if not arms:
            return [], []
        with server_call(self.url, "søg"):  # both arms in one round trip
            responses = self.client.query_batch_points(self.name, requests=[
                qm.QueryRequest(query=q, using=u, filter=flt, limit=limit,
                                with_payload=True if keys is None else list(keys))
                for q, u in arms])
        results = {u: scored(r.points) for (_, u), r in zip(arms, responses, strict=True)}
        return results.get(DENSE, []), results.get(SPARSE, [])

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        with server_call(self.url, "hent punkter"):
            records = self.client.retrieve(self.name, list(ids), with_payload=True)
        return payloads_by_id(records)

    def count(self, filters: Filters | None = None) -> int:
        with server_call(self.url, "tæl"):
            return int(self.client.count(self.name, count_filter=to_filter(filters),
                                         exact=True).count)

    def facet(self, key: str, filters: Filters | None = None, limit: int = 100) -> list[
            tuple[Any, int]]:
        with server_call(self.url, "facetter"):
            response = self.client.facet(self.name, key, facet_filter=to_filter(filters),
                                         limit=limit, exact=True)
        return [(hit.value, int(hit.count)) for hit in response.hits]

    def _scroll(self, flt: qm.Filter | None, batch: int, with_vectors: bool
                ) -> Iterator[list[ChunkPoint]]:
        offset: Any = None
        while True:
            with server_call(self.url, "læs punkter"):
                records, offset = self.client.scroll(
                    self.name, scroll_filter=flt, limit=batch, offset=offset,
                    with_payload=True, with_vectors=with_vectors)
            if records:
                yield [_to_chunk(r, with_vectors) for r in records]
            if offset is None or not records:
                return

    def chunks_of(self, doc_id: str, *, with_vectors: bool = False) -> list[ChunkPoint]:
        out = [c for page in self._scroll(doc_filter(doc_id), 256, with_vectors) for c in page]
        return sorted(out, key=lambda c: c.payload.get("start_char", 0))

    def all_chunks(self, *, batch: int = 256, with_vectors: bool = True
                   ) -> Iterator[list[ChunkPoint]]:
        return self._scroll(None, batch, with_vectors)

    def finish_writes(self) -> None:
        """Nothing to do: each upsert waited for its write, and the server optimises itself."""

    def close(self) -> None:
        release(self.client)


def _to_chunk(record: Any, with_vectors: bool) -> ChunkPoint:
    dense: Any = np.zeros(0, dtype=np.float32)
    sparse = SparseVec([], [])
    if with_vectors and isinstance(record.vector, dict):
        dense = np.asarray(record.vector.get(DENSE, []), dtype=np.float32)
        vec = record.vector.get(SPARSE)
        if vec is not None:
            sparse = SparseVec(list(vec.indices), list(vec.values))
    return ChunkPoint(str(record.id), dense, sparse, dict(record.payload or {}))


def _arms(dense: np.ndarray | None, sparse: SparseVec | None) -> list[tuple[Any, str]]:
    arms: list[tuple[Any, str]] = []
    if dense is not None:
        arms.append((np.asarray(dense, dtype=np.float32).tolist(), DENSE))
    if sparse is not None and sparse.indices:
        arms.append((qm.SparseVector(indices=list(sparse.indices), values=list(sparse.values)),
                     SPARSE))
    return arms
