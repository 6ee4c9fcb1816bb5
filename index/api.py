"""The one door to an index. The CLI and the app call this and nothing else of `index/`.

`Library.open(config)` opens an index; its methods answer with dataclasses that have `.as_dict()`
(the JSON the CLI prints). Operations on a whole index rather than an open one (`evaluate_models`,
`push`, `reindex`) are functions here too. Nothing outside `index/` touches a store or docstore.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidensbank.index import evaluation, query_log
from vidensbank.index.answer import Answer, answer, item_line
from vidensbank.index.citations import Citation, is_exact
from vidensbank.index.compare import Comparison, PlaceRow, compare
from vidensbank.index.config import Config
from vidensbank.index.highlight import term_spans
from vidensbank.index.ingest_one import FileProgress, IngestReport
from vidensbank.index.kb import KnowledgeBase
from vidensbank.index.pipeline import ingest_paths
from vidensbank.index.search import Hit, search
from vidensbank.index.stores.base import Filters
from vidensbank.ingest import schema

from vidensbank.errors import VidensbankError

__all__ = ["Answer", "Citation", "Comparison", "DocumentView", "EvalRun", "FileProgress", "Hit",
           "IngestReport", "Library", "PlaceRow", "Stats", "evaluate_models", "item_line", "push",
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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class EvalRun:
    """Figures of one evaluation, and one audit row per citation of the answers judged."""

    figures: dict[str, Any]
    audit: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.figures


def folder_size(path: Path) -> int:
    # Blocks actually used: Qdrant preallocates sparse files far larger than their data.
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


@dataclass
class Library:
    """An open index: search, answers, documents, figures and ingest."""

    kb: KnowledgeBase

    @classmethod
    def open(cls, config: Config, *, create: bool = False) -> Library:
        return cls(KnowledgeBase.open(config, create=create))

    @property
    def config(self) -> Config:
        return self.kb.config

    @property
    def index_dir(self) -> Path:
        return self.kb.index_dir

    def close(self) -> None:
        self.kb.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading
    @query_log.logged("search")
    def search(self, query: str, *, top_k: int | None = None, mode: str | None = None,
               filters: Filters | None = None) -> list[Hit]:
        return search(self.kb, query, top_k=top_k, mode=mode, filters=filters)

    @query_log.logged("ask")
    def ask(self, question: str, *, top_k: int | None = None,
            filters: Filters | None = None) -> Answer:
        return answer(self.kb, question, top_k=top_k, filters=filters)

    def compare(self, question: str, *, filters: Filters | None = None) -> Comparison:
        """The question answered per place: a row per kommune/boligområde with its quotes."""
        return compare(self.kb, question, filters=filters)

    @query_log.logged("generate")
    def generate(self, question: str, *, llm: Any = None, top_k: int | None = None,
                 filters: Filters | None = None) -> Any:
        """A generated, checked answer (index.generate.GeneratedAnswer); needs an LLM URL."""
        from vidensbank.index.generate import generate

        return generate(self.kb, question, llm=llm, top_k=top_k, filters=filters)

    def term_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        """Words of `text` that matched `query` by their Danish stem (for highlighting)."""
        return term_spans(query, text)

    def document(self, doc_id: str) -> DocumentView | None:
        doc = self.kb.docs.get(doc_id)
        return DocumentView(doc.doc_id, doc.metadata, doc.text, doc.chunks) if doc else None

    def show(self, doc_id: str) -> DocumentView:
        doc = self.document(doc_id)
        if doc is None:
            raise VidensbankError(f"intet dokument med id '{doc_id}' (se `vidensbank stats`)")
        return doc

    def documents(self) -> list[DocumentView]:
        """Every document, without its text."""
        return [DocumentView(d.doc_id, d.metadata, "", d.chunks) for d in self.kb.docs.list()]

    def facets(self, key: str, *, limit: int = 100,
               filters: Filters | None = None) -> list[tuple[Any, int]]:
        return self.kb.store.facet(key, filters=filters, limit=limit)

    def stats(self) -> Stats:
        kb = self.kb
        return Stats(str(kb.index_dir.resolve()), kb.docs.count(), kb.docs.chunk_count(),
                     kb.store.count(), kb.manifest["model"], folder_size(kb.index_dir) / 1e6,
                     dict(Counter(str(d.metadata.get("doc_type")) for d in kb.docs.list())),
                     kb.manifest.get("recipe"), kb.recipe_changes())

    def recipe_changes(self) -> list[str]:
        """How the recipe the index was built with differs from today's, in Danish (empty: the
        same). A notice, not an error: `reindex` brings the index up to date."""
        return self.kb.recipe_changes()

    def citation_is_exact(self, citation: Citation) -> bool:
        """The quote stands at its offsets in the stored document, word for word."""
        doc = self.kb.docs.get(citation.doc_id)
        return bool(doc) and is_exact(doc.text, citation.start_char, citation.end_char,
                                      citation.quote)

    # Writing
    def ingest(self, paths: Iterable[Path | str], *, doc_type: str | None = None,
               on_progress: Callable[[int, int, str], None] | None = None,
               on_file: Callable[[FileProgress], None] | None = None) -> IngestReport:
        """`on_progress` follows the files; `on_file` the pages and chunks of each file."""
        return ingest_paths(self.kb, paths, doc_type=doc_type, on_progress=on_progress,
                            on_file=on_file)

    # Figures
    def evaluate(self, questions: list[evaluation.Question], *,
                 on_progress: Callable[[int, int], None] | None = None) -> EvalRun:
        """Retrieval figures per mode and an audit of every citation; `answer` runs once per
        question and both come from that one run."""
        answers: dict[str, Answer] = {}
        figures = evaluation.evaluate(self.kb, questions, on_progress=on_progress,
                                      answers=answers)
        return EvalRun(figures, evaluation.audit_rows(self.kb, questions, answers))


def evaluate_models(config: Config, models: Sequence[str], questions: list[Any], *,
                    llm: Any = None, copy_other: bool = True,
                    extra: Sequence[Path] = ()) -> dict[str, Any]:
    """{model: figures}: retrieval and ALCE citation quality per embedding model; with `extra`
    folders also on a temporary copy of the index with them ingested (under "with")."""
    from vidensbank.index.compare_models import evaluate_models as run

    return run(config, models, questions, llm=llm, copy_other=copy_other, extra=extra)


def push(config: Config, **kwargs: Any) -> Any:
    """Copy the embedded index to a Qdrant server (index.push.PushReport)."""
    from vidensbank.index.push import push as run

    return run(config, **kwargs)


def reindex(config: Config, model: str | None = None, **kwargs: Any) -> Any:
    """New vectors for the stored chunks with the current recipe and `model` (None: the
    index's own); index.reindex.ReindexReport."""
    from vidensbank.index.reindex import reindex as run

    return run(config, model, **kwargs)


def recipe_changes(config: Config) -> list[str]:
    """The index's recipe against today's without opening its stores (empty: no index, the same
    recipe, or another model than the index's, which opening refuses anyway)."""
    from vidensbank.index.embedders import identity_of, load_embedder
    from vidensbank.index.kb import stored_manifest
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
    from vidensbank.index.generate import make_llm as make

    return make(config)


def default_questions() -> list[evaluation.Question]:
    """The project's main question set (evals/questions.jsonl)."""
    return evaluation.load_questions(evaluation.DEFAULT_QUESTIONS)


def load_questions(path: Path | None = None) -> list[evaluation.Question]:
    """One question file, or every evals/questions*.jsonl set when no path is given."""
    return evaluation.load_questions(path) if path else evaluation.load_all_questions()
