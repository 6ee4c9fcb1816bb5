"""Citation quality of answers in the sense of ALCE (Gao et al. 2023), over the evaluation set.

Citation recall: the share of answer sentences whose citations together support them (a sentence
without a citation counts as not recalled). Citation precision: the share of citations whose
passage alone supports their sentence (a marker beyond the sources counts as imprecise). Support
is index.answers.citation_check's calibrated score in place of ALCE's NLI model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vidensbank.index.answers.citation_check import SentenceCheck, check_answer, scorer_for
from vidensbank.index.answers.extractive import answer
from vidensbank.index.open_index import OpenIndex


def citation_metrics(checks: Sequence[SentenceCheck]) -> dict[str, Any]:
    verdicts = [v for c in checks for v in c.verdicts]
    return {
        "sentences": len(checks),
        "citations": len(verdicts),
        "precision": sum(v.supports for v in verdicts) / len(verdicts) if verdicts else 0.0,
        "recall": sum(c.recalled for c in checks) / len(checks) if checks else 0.0,
        "supported": sum(c.supported for c in checks) / len(checks) if checks else 0.0,
    }


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> dict[str, float]:
    """The threshold (score >= t means supported) with the best F1, the first such on ties.

    Any threshold in (below, threshold] scores the same; `below` is the next lower score.
    """
    best = {"threshold": 0.0, "below": 0.0, "f1": -1.0, "precision": 0.0, "recall": 0.0}
    positives = sum(labels)
    ordered = sorted(set(scores))
    for below, t in zip([0.0, *ordered], ordered, strict=False):
        predicted = [s >= t for s in scores]
        tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
        precision = tp / sum(predicted) if any(predicted) else 0.0
        recall = tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best["f1"]:
            best = {"threshold": t, "below": below, "f1": f1, "precision": precision,
                    "recall": recall}
    return best


def evaluate_citations(idx: OpenIndex, questions: Sequence[Any], *,
                       generate: Callable[[str], Any] | None = None,
                       on_progress: Callable[[int, int], None] | None = None,
                       answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """ALCE citation precision/recall of extractive answers, and of generated ones if given.

    `generate(question)` returns an object with `answer` (text) and `hits` (the numbered
    passages), e.g. index.answers.generated.generate bound to an LLM. `answers` (question id ->
    extractive answer) reuses answers already made, e.g. by evaluation.evaluate.
    """
    scorer = scorer_for(idx)
    checks: dict[str, list[SentenceCheck]] = {"extractive": []}
    if generate is not None:
        checks["llm"] = []
    for i, q in enumerate(questions):
        result = (answers or {}).get(q.id) or answer(idx, q.question)
        numbered = [c.passage for c in result.citations]  # extractive [n] = its n-th citation
        checks["extractive"] += check_answer(result.answer, numbered, scorer)
        if generate is not None:
            generated = generate(q.question)
            checks["llm"] += check_answer(generated.answer, generated.hits, scorer)
        if on_progress:
            on_progress(i + 1, len(questions))
    return {mode: citation_metrics(found) for mode, found in checks.items()}
