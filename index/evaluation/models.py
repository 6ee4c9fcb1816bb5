"""Evaluate one index under several embedding models, for `vidensbank eval --model A --model B`.

The index given is evaluated as it is for the model it was built with; for any other model a
temporary copy is re-embedded from the stored chunk texts (index.build.reindex.rebuild) and removed
afterwards, so every model is judged on exactly the same chunks. With `extra` folders
(`--with DIR`) each model is judged a second time on a temporary copy with those folders
ingested too: a library where other documents share the questions' vocabulary.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vidensbank.index.build.reindex import Progress, rebuild
from vidensbank.index.config import Config
from vidensbank.index.embedders import identity_of, load_embedder
from vidensbank.index.evaluation.citations import evaluate_citations
from vidensbank.index.evaluation.runs import Question, evaluate, metrics
from vidensbank.index.open_index import OpenIndex, stored_manifest

from vidensbank.errors import IndexNotFoundError, VidensbankError


@contextmanager
def index_for_model(config: Config, model: str, *, copy_other: bool = True,
                 on_progress: Progress | None = None) -> Iterator[OpenIndex]:
    """The index opened with `model`: itself if built with it, else a re-embedded temp copy.

    With copy_other False another model is refused as usual (ModelMismatchError).
    """
    manifest = stored_manifest(config, config.index_dir)
    if manifest is None:
        raise IndexNotFoundError(f"intet indeks i {config.index_dir}: kør `vidensbank ingest`")
    identity = identity_of(load_embedder(model, config.device))
    with tempfile.TemporaryDirectory(prefix="vidensbank-eval-") as tmp:
        if manifest["model"] == identity.as_dict() or config.qdrant_url or not copy_other:
            opened = dataclasses.replace(config, model=model)
        else:
            rebuild(config.index_dir, Path(tmp) / "index", model, device=config.device,
                    reranker=config.reranker, on_progress=on_progress)
            opened = dataclasses.replace(config, model=model, index_dir=Path(tmp) / "index")
        idx = OpenIndex.open(opened)
        try:
            yield idx
        finally:
            idx.close()


def evaluate_with_citations(idx: OpenIndex, questions: list[Question], *,
                            llm: Any = None) -> dict[str, Any]:
    """Retrieval metrics plus ALCE citation quality (extractive; LLM answers when given)."""
    answers: dict[str, Any] = {}
    result = evaluate(idx, questions, answers=answers)
    generate_fn: Callable[[str], Any] | None = None
    if llm is not None:
        from vidensbank.index.answers.generated import generate

        def generate_fn(question: str) -> Any:
            return generate(idx, question, llm=llm)

    # Questions about documents not in this index say nothing about its citations.
    indexed = [q for q in questions if q.id not in set(result["not_indexed"])]
    result["citation_quality"] = evaluate_citations(idx, indexed, generate=generate_fn,
                                                    answers=answers)
    return result


def check_folders(folders: Sequence[Path]) -> None:
    missing = [str(f) for f in folders if not Path(f).is_dir()]
    if missing:
        raise VidensbankError(f"mappen findes ikke: {', '.join(missing)}")


@contextmanager
def with_extra(idx: OpenIndex, folders: Sequence[Path]) -> Iterator[OpenIndex]:
    """A temporary copy of `idx`'s index with `folders` ingested too (removed afterwards)."""
    from vidensbank.index.build.pipeline import ingest_paths

    if idx.config.qdrant_url:
        raise VidensbankError("--with kræver et lokalt indeks (ikke en Qdrant-server)")
    check_folders(folders)
    idx.store.finish_writes()
    with tempfile.TemporaryDirectory(prefix="vidensbank-with-") as tmp:
        target = Path(tmp) / "index"
        shutil.copytree(idx.index_dir, target, ignore=shutil.ignore_patterns("write.lock"))
        copy = OpenIndex.open(dataclasses.replace(idx.config, index_dir=target))
        try:
            report = ingest_paths(copy, folders)
            if report.failed:
                path, reason = report.failed[0]
                raise VidensbankError(f"kunne ikke indlæse {path}: {reason}")
            yield copy
        finally:
            copy.close()


def question_splits(questions: list[Question]) -> dict[str, list[str]]:
    """{"set:split": [question ids]} for questions that carry a `split` (tune/test)."""
    out: dict[str, list[str]] = {}
    for q in questions:
        if getattr(q, "split", None):
            out.setdefault(f"{q.set_name}:{q.split}", []).append(q.id)
    return out


def add_splits(result: dict[str, Any], splits: dict[str, list[str]]) -> None:
    """Figures per tune/test half: tuning looks at `tune`, the held-apart `test` half judges."""
    result["splits"] = {
        name: {"questions": len([i for i in ids if i in result["ranks"]["hybrid"]]),
               "modes": {m: metrics([r[i] for i in ids if i in r])
                         for m, r in result["ranks"].items()}}
        for name, ids in splits.items()}


def evaluate_models(config: Config, models: Sequence[str], questions: list[Question], *,
                    llm: Any = None, copy_other: bool = True, extra: Sequence[Path] = (),
                    on_progress: Progress | None = None) -> dict[str, Any]:
    """{model name as recorded: evaluation result}, in the order given. With `extra` folders
    each result also holds `with` {"folders", "documents", **the result with them ingested}."""
    check_folders(extra)  # before the first evaluation, not after it
    results: dict[str, Any] = {}
    splits = question_splits(questions)
    for model in dict.fromkeys(models):
        with index_for_model(config, model, copy_other=copy_other, on_progress=on_progress) as idx:
            result = evaluate_with_citations(idx, questions, llm=llm)
            add_splits(result, splits)
            if extra:
                with with_extra(idx, extra) as bigger:
                    more = evaluate_with_citations(bigger, questions, llm=llm)
                    add_splits(more, splits)
                    result["with"] = {"folders": [str(f) for f in extra],
                                      "documents": bigger.docs.count(), **more}
            results[idx.manifest["model"]["name"]] = result
    return results
