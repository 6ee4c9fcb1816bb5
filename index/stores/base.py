"""The store interface: what the rest of the code needs from Qdrant, whichever Qdrant it is.

Two implementations: `EdgeStore` (Qdrant Edge, embedded, the default) and a server store through
qdrant-client. Nothing outside the store modules knows which one it talks to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

DENSE = "dense"
SPARSE = "bm25"
# Payload fields with an index: what filters and facets run on.
KEYWORD_FIELDS = ("doc_id", "doc_type", "source", "kommuner", "boligomraader", "themes", "date")
INTEGER_FIELDS = ("year",)

# Filters: payload key -> accepted values (any of them matches).
Filters = dict[str, list[Any]]


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


@dataclass
class ChunkPoint:
    id: str
    dense: np.ndarray
    sparse: SparseVec
    payload: dict[str, Any] = field(default_factory=dict)
    # The quote units of the point's chunk, (start, end, vector) in document offsets, on the
    # first window point of each chunk: kept beside the store, not in it (index.stores.unit_store).
    units: tuple[tuple[int, int, np.ndarray], ...] = ()


@dataclass(frozen=True)
class ScoredChunk:
    id: str
    score: float
    payload: dict[str, Any]


def scored(points: Iterable[Any]) -> list[ScoredChunk]:
    """Qdrant's scored points, Edge's or the client's (both carry id, score and payload)."""
    return [ScoredChunk(str(p.id), float(p.score), dict(p.payload or {})) for p in points]


def payloads_by_id(records: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Qdrant's retrieved records, Edge's or the client's, as payloads by point id."""
    return {str(r.id): dict(r.payload or {}) for r in records}


class Store(Protocol):
    def upsert(self, points: list[ChunkPoint]) -> None: ...

    def delete_doc(self, doc_id: str) -> None: ...

    def query(
        self,
        *,
        dense: np.ndarray | None,
        sparse: SparseVec | None,
        limit: int,
        filters: Filters | None = None,
    ) -> list[ScoredChunk]:
        """Dense alone, sparse alone, or both fused with RRF when both are given."""
        ...

    def query_arms(
        self,
        *,
        dense: np.ndarray | None,
        sparse: SparseVec | None,
        limit: int,
        filters: Filters | None = None,
        keys: Sequence[str] | None = None,
    ) -> tuple[list[ScoredChunk], list[ScoredChunk]]:
        """The dense and the sparse arm each ranked alone (an absent arm: []), in one call, for
        fusion by the caller; with `keys`, each point carries only those payload fields."""
        ...

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Whole payloads by point id; ids no longer stored are left out."""
        ...

    def count(self, filters: Filters | None = None) -> int: ...

    def facet(self, key: str, filters: Filters | None = None, limit: int = 100) -> list[
        tuple[Any, int]]: ...

    def chunks_of(self, doc_id: str, *, with_vectors: bool = False) -> list[ChunkPoint]: ...

    def all_chunks(self, *, batch: int = 256, with_vectors: bool = True) -> Any:
        """Iterate over every chunk in batches (lists of ChunkPoint)."""
        ...

    def finish_writes(self) -> None:
        """Make written points durable and indexed (flush, optimise)."""
        ...

    def close(self) -> None: ...


RRF_K = 60  # the constant from Cormack et al. (qdrant-client defaults to 2: pass it explicitly)
PREFETCH_FACTOR = 4  # each arm fetches limit * this before fusion
