"""Evaluate one index under several embedding models, for `vidensbank eval --model A --model B`.

The index given is evaluated as it is for the model it was built with; for any other model a
temporary copy is re-embedded from the stored chunk texts (index.reindex.rebuild) and removed
afterwards, so every model is judged on exactly the same chunks.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vidensbank.index.citation_eval import evaluate_citations
from vidensbank.index.config import Config
from vidensbank.index.embedders import identity_of, load_embedder
from vidensbank.index.evaluation import Question, evaluate
from vidensbank.index.kb import KnowledgeBase, stored_manifest
from vidensbank.index.reindex import Progress, rebuild

from vidensbank.errors import IndexNotFoundError


@contextmanager
def kb_for_model(config: Config, model: str, *, copy_other: bool = True,
                 on_progress: Progress | None = None) -> Iterator[KnowledgeBase]:
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
                    on_progress=on_progress)
            opened = dataclasses.replace(config, model=model, index_dir=Path(tmp) / "index")
        kb = KnowledgeBase.open(opened)
        try:
            yield kb
        finally:
            kb.close()


def evaluate_with_citations(kb: KnowledgeBase, questions: list[Question], *,
                            llm: Any = None) -> dict[str, Any]:
    """Retrieval metrics plus ALCE citation quality (extractive; LLM answers when given)."""
    answers: dict[str, Any] = {}
    result = evaluate(kb, questions, answers=answers)
    generate_fn: Callable[[str], Any] | None = None
    if llm is not None:
        from vidensbank.index.generate import generate

        def generate_fn(question: str) -> Any:
            return generate(kb, question, llm=llm)

    # Questions about documents not in this index say nothing about its citations.
    indexed = [q for q in questions if q.id not in set(result["not_indexed"])]
    result["citation_quality"] = evaluate_citations(kb, indexed, generate=generate_fn,
                                                    answers=answers)
    return result


def evaluate_models(config: Config, models: Sequence[str], questions: list[Question], *,
                    llm: Any = None, copy_other: bool = True,
                    on_progress: Progress | None = None) -> dict[str, Any]:
    """{model name as recorded: evaluation result}, in the order given."""
    results: dict[str, Any] = {}
    for model in dict.fromkeys(models):
        with kb_for_model(config, model, copy_other=copy_other, on_progress=on_progress) as kb:
            results[kb.manifest["model"]["name"]] = evaluate_with_citations(kb, questions, llm=llm)
    return results
