"""The door to evaluation for the CLI's `eval` and the app's evaluation page: figures of a
library on question sets, and of several embedding models. Production code never imports this
package; it imports production code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidensbank.index.answers.extractive import Answer
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation import runs as evaluation

__all__ = ["EvalRun", "default_questions", "evaluate", "evaluate_models", "load_questions"]


@dataclass
class EvalRun:
    """Figures of one evaluation, and one audit row per citation of the answers judged."""

    figures: dict[str, Any]
    audit: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.figures


def evaluate(library: Library, questions: list[evaluation.Question], *,
             on_progress: Callable[[int, int], None] | None = None) -> EvalRun:
    """Retrieval figures per mode and an audit of every citation; `answer` runs once per
    question and both come from that one run."""
    answers: dict[str, Answer] = {}
    figures = evaluation.evaluate(library.idx, questions, on_progress=on_progress,
                                  answers=answers)
    return EvalRun(figures, evaluation.audit_rows(library.idx, questions, answers))


def evaluate_models(config: Config, models: Sequence[str], questions: list[Any], *,
                    llm: Any = None, copy_other: bool = True,
                    extra: Sequence[Path] = ()) -> dict[str, Any]:
    """{model: figures}: retrieval and ALCE citation quality per embedding model; with `extra`
    folders also on a temporary copy of the index with them ingested (under "with")."""
    from vidensbank.index.evaluation.models import evaluate_models as run

    return run(config, models, questions, llm=llm, copy_other=copy_other, extra=extra)


def default_questions() -> list[evaluation.Question]:
    """The project's main question set (evals/questions.jsonl)."""
    return evaluation.load_questions(evaluation.DEFAULT_QUESTIONS)


def load_questions(path: Path | None = None) -> list[evaluation.Question]:
    """One question file, or every evals/questions*.jsonl set when no path is given."""
    return evaluation.load_questions(path) if path else evaluation.load_all_questions()
