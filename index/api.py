"""The one door to an index. The CLI and the app call this and nothing else of `index/`.

`Library.open(config)` opens an index; its methods answer with dataclasses that have `.as_dict()`
(the JSON the CLI prints). Operations on a whole index rather than an open one (`push`,
`reindex`) are functions here too; evaluation has its own door (index.evaluation.api). Nothing
outside `index/` touches a store or docstore.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidensbank.index import query_log
from vidensbank.index.answers.compare import Comparison, PlaceRow, compare
from vidensbank.index.answers.extractive import Answer, AnswerGroup, answer
from vidensbank.index.build.one_file import FileProgress, IngestReport
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.citations import Citation, is_exact
from vidensbank.index.retrieval.highlight import term_spans
from vidensbank.index.retrieval.search import Hit, search
from vidensbank.index.stores.base import Filters
from vidensbank.ingest import schema

from vidensbank.errors import VidensbankError

__all__ = ["Answer", "AnswerGroup", "Citation", "Comparison", "DocumentView", "FileProgress", "Hit",
           "IngestReport", "Library", "PlaceRow", "Stats", "push",
           "recipe_changes", "reindex"]


@dataclass(frozen=True)
class DocumentView:
    """A stored document: its text (empty in listings) and metadata, layout spans included."""

    doc_id: str
    metadata: dict[str, Any]
    text: str
    chunks: int

    @property
    def title(self) -> str:
        return self.metadata.get(schema.TITLE) or self.doc_id

    def as_dict(self) -> dict[str, Any]:
        meta = self.metadata
        return {"doc_id": self.doc_id, "title": meta.get(schema.TITLE),
                "source": meta.get(schema.SOURCE), "doc_type": meta.get(schema.DOC_TYPE),
                "text": self.text, "metadata": meta}


@dataclass(frozen=True)
class Stats:
    index: str
    documents: int
    chunks: int
    points: int  # one per embedded window: several per chunk
    model: dict[str, Any]
    size_mb: float
    doc_types: dict[str, int]  # documents per type
    recipe: dict[str, Any] | None = None  # how the vectors were made (index.recipe)
    recipe_changes: list[str] = field(default_factory=list)  # how that differs from today's
    reranker: str = ""  # the reader in use (Config.reranker; index.reranking)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def folder_size(path: Path) -> int:
    # Blocks actually used: Qdrant preallocates sparse files far larger than their data.
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


@dataclass
class Library:
    """An open index: search, answers, documents, figures and ingest."""

    idx: OpenIndex

    @classmethod
    def open(cls, config: Config, *, create: bool = False) -> Library:
        return cls(OpenIndex.open(config, create=create))

    @property
    def config(self) -> Config:
        return self.idx.config

    @property
    def index_dir(self) -> Path:
        return self.idx.index_dir

    def close(self) -> None:
        self.idx.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading
    @query_log.logged("search")
    def search(self, query: str, *, top_k: int | None = None, mode: str | None = None,
               filters: Filters | None = None) -> list[Hit]:
        return search(self.idx, query, top_k=top_k, mode=mode, filters=filters)

    @query_log.logged("ask")
    def ask(self, question: str, *, top_k: int | None = None,
            filters: Filters | None = None) -> Answer:
        return answer(self.idx, question, top_k=top_k, filters=filters)

    def compare(self, question: str, *, filters: Filters | None = None) -> Comparison:
        """The question answered per place: a row per kommune/boligområde with its quotes."""
        return compare(self.idx, question, filters=filters)

    @query_log.logged("generate")
    def generate(self, question: str, *, llm: Any = None, top_k: int | None = None,
                 filters: Filters | None = None) -> Any:
        """A generated, checked answer (index.answers.generated.GeneratedAnswer); needs an LLM
        URL."""
        from vidensbank.index.answers.generated import generate

        return generate(self.idx, question, llm=llm, top_k=top_k, filters=filters)

    def term_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        """Words of `text` that matched `query` by their Danish stem (for highlighting)."""
        return term_spans(query, text)

    def document(self, doc_id: str) -> DocumentView | None:
        doc = self.idx.docs.get(doc_id)
        return DocumentView(doc.doc_id, doc.metadata, doc.text, doc.chunks) if doc else None

    def show(self, doc_id: str) -> DocumentView:
        doc = self.document(doc_id)
        if doc is None:
            raise VidensbankError(f"intet dokument med id '{doc_id}' (se `vidensbank stats`)")
        return doc

    def documents(self) -> list[DocumentView]:
        """Every document, without its text."""
        return [DocumentView(d.doc_id, d.metadata, "", d.chunks) for d in self.idx.docs.list()]

    def facets(self, key: str, *, limit: int = 100,
               filters: Filters | None = None) -> list[tuple[Any, int]]:
        return self.idx.store.facet(key, filters=filters, limit=limit)

    def stats(self) -> Stats:
        idx = self.idx
        return Stats(str(idx.index_dir.resolve()), idx.docs.count(), idx.docs.chunk_count(),
                     idx.store.count(), idx.manifest["model"], folder_size(idx.index_dir) / 1e6,
                     dict(Counter(str(d.metadata.get("doc_type")) for d in idx.docs.list())),
                     idx.manifest.get("recipe"), idx.recipe_changes(), idx.config.reranker)

    def recipe_changes(self) -> list[str]:
        """How the recipe the index was built with differs from today's, in Danish (empty: the
        same). A notice, not an error: `reindex` brings the index up to date."""
        return self.idx.recipe_changes()

    def citation_is_exact(self, citation: Citation) -> bool:
        """The quote stands at its offsets in the stored document, word for word."""
        doc = self.idx.docs.get(citation.doc_id)
        return bool(doc) and is_exact(doc.text, citation.start_char, citation.end_char,
                                      citation.quote)

    # Writing
    def ingest(self, paths: Iterable[Path | str], *, doc_type: str | None = None,
               on_progress: Callable[[int, int, str], None] | None = None,
               on_file: Callable[[FileProgress], None] | None = None) -> IngestReport:
        """`on_progress` follows the files; `on_file` the pages and chunks of each file."""
        return ingest_paths(self.idx, paths, doc_type=doc_type, on_progress=on_progress,
                            on_file=on_file)


def push(config: Config, **kwargs: Any) -> Any:
    """Copy the embedded index to a Qdrant server (index.build.push.PushReport)."""
    from vidensbank.index.build.push import push as run

    return run(config, **kwargs)


def reindex(config: Config, model: str | None = None, **kwargs: Any) -> Any:
    """New vectors for the stored chunks with the current recipe and `model` (None: the
    index's own); index.build.reindex.ReindexReport."""
    from vidensbank.index.build.reindex import reindex as run

    return run(config, model, **kwargs)


def recipe_changes(config: Config) -> list[str]:
    """The index's recipe against today's without opening its stores (empty: no index, the same
    recipe, or another model than the index's, which opening refuses anyway)."""
    from vidensbank.index.embedders import identity_of, load_embedder
    from vidensbank.index.open_index import stored_manifest
    from vidensbank.index.recipe import current_recipe
    from vidensbank.index.recipe import recipe_changes as changes

    manifest = stored_manifest(config, config.index_dir)
    if manifest is None:
        return []
    embedder = load_embedder(config.model, config.device)  # cached: the command uses it too
    if identity_of(embedder).as_dict() != manifest.get("model"):
        return []
    return changes(manifest.get("recipe"), current_recipe(config, embedder))


def configure_logging(level: str | None) -> None:
    """vidensbank's log lines (one per question at INFO) to stderr from `level` up."""
    query_log.configure(level)


def make_llm(config: Config) -> Any:
    from vidensbank.index.answers.generated import make_llm as make

    return make(config)
