"""Open an index: its manifest, document store, vector store, embedder and BM25 model."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import qdrant_edge as qe
from vidensbank.index.config import Config
from vidensbank.index.embedders import check_same_model, identity_of, load_embedder
from vidensbank.index.manifest import SCHEMA_VERSION, read_manifest, write_manifest
from vidensbank.index.recipe import current_recipe, recipe_changes
from vidensbank.index.stores.base import ChunkPoint, SparseVec, Store
from vidensbank.index.stores.docstore import DocStore
from vidensbank.index.stores.unit_store import FILE as UNITS_FILE
from vidensbank.index.stores.unit_store import UnitKey, UnitStore

from vidensbank.errors import IndexLockedError, IndexNotFoundError

log = logging.getLogger(__name__)

BM25_LANGUAGE = "danish"


def bm25_model() -> qe.Bm25:
    # Danish stopwords and Snowball stemming: "samarbejder"/"samarbejde" share a token.
    return qe.Bm25(qe.Bm25Config(language=BM25_LANGUAGE))


def sparse_document(bm25: qe.Bm25, text: str) -> SparseVec:
    vec = bm25.embed_document(text)
    return SparseVec(list(vec.indices), list(vec.values))


def sparse_query(bm25: qe.Bm25, text: str) -> SparseVec:
    vec = bm25.embed_query(text)
    return SparseVec(list(vec.indices), list(vec.values))


def open_store(config: Config, index_dir: Path, dim: int, *, create: bool) -> Store:
    if config.qdrant_url:
        from vidensbank.index.stores.server import ServerStore

        return ServerStore(config, dim=dim, create=create)
    from vidensbank.index.stores.edge import EdgeStore

    return EdgeStore(index_dir / "shard", dim=dim, create=create)


def open_docs(config: Config, index_dir: Path, *, create: bool) -> DocStore:
    if config.qdrant_url:
        from vidensbank.index.stores.server_docstore import ServerDocStore

        return ServerDocStore(config, index_dir, create=create)  # type: ignore[return-value]
    return DocStore(index_dir / "documents.sqlite")


def stored_manifest(config: Config, index_dir: Path) -> dict[str, Any] | None:
    """The local manifest; with a server, the server's where this machine has none yet."""
    manifest = read_manifest(index_dir)
    if manifest is None and config.qdrant_url:
        from vidensbank.index.stores.server_docstore import shared_manifest

        manifest = shared_manifest(config)
    return manifest


@dataclass
class OpenIndex:
    config: Config
    manifest: dict[str, Any]
    docs: DocStore
    store: Store
    embedder: Any
    bm25: qe.Bm25 = field(default_factory=bm25_model)
    _units: UnitStore | None = field(default=None, repr=False)

    @property
    def index_dir(self) -> Path:
        return self.config.index_dir

    @property
    def model_name(self) -> str:
        return str(self.manifest.get("model", {}).get("name", ""))

    @property
    def units(self) -> UnitStore:
        """The quote unit vectors (opened on first use; a local file, also beside a server)."""
        if self._units is None:
            self._units = UnitStore(self.index_dir / UNITS_FILE)
        return self._units

    @property
    def reader(self) -> Any:
        """The configured reader (index.reranking), loaded once per process; None for none."""
        from vidensbank.index.reranking.base import load

        return load(self.config.reranker)

    def recipe_changes(self) -> list[str]:
        """How the recipe the index was built with differs from today's (index.recipe)."""
        return recipe_changes(self.manifest.get("recipe"),
                              current_recipe(self.config, self.embedder))

    def write_points(self, points: list[ChunkPoint]) -> None:
        """Chunks into the vector store, their quote units' vectors beside it."""
        self.store.upsert(points)
        self.units.put_many(unit_rows(self.model_name, points))

    @classmethod
    def open(cls, config: Config, *, create: bool = False) -> OpenIndex:
        index_dir = config.index_dir
        manifest = stored_manifest(config, index_dir)
        if manifest is None and not create:
            raise IndexNotFoundError(
                f"intet indeks i {index_dir}: byg det først med `vidensbank ingest corpus/` "
                f"(eller angiv et andet med --index / VIDENSBANK_INDEX)")
        embedder = load_embedder(config.model, config.device)
        identity = identity_of(embedder)
        if manifest is None:
            index_dir.mkdir(parents=True, exist_ok=True)
            manifest = {"schema": SCHEMA_VERSION, "model": identity.as_dict(),
                        "chunk_size": config.chunk_size, "chunk_min": config.chunk_min,
                        "recipe": current_recipe(config, embedder)}
            write_manifest(index_dir, manifest)
        check_same_model(manifest["model"], identity, index_dir)
        docs = open_docs(config, index_dir, create=create)
        try:
            store = open_store(config, index_dir, identity.dim, create=create)
        except BaseException:
            docs.close()
            raise
        return cls(config, manifest, docs, store, embedder)

    def close(self) -> None:
        self.store.close()
        self.docs.close()
        if self._units is not None:
            self._units.close()


def unit_rows(model: str, points: list[ChunkPoint]) -> list[tuple[UnitKey, object]]:
    """The (key, vector) rows of the units the points carry (index.build.points)."""
    return [((model, str(p.payload.get("doc_id")), str(p.payload.get("record_hash") or ""),
              a, b), vec) for p in points for a, b, vec in p.units]


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time: a second ingest is refused, never interleaved."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "write.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(
                f"indekset i {index_dir} er låst: en anden indlæsning er i gang") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
