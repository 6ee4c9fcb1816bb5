"""Answer-level figures: do the quotes hold the answer, are they whole sentences, is nonsense
refused.

- answer recall: share of questions where a cited quote from the gold document overlaps the gold
  span (the retrieval rule, applied to the quotes a reader actually gets);
- gold coverage: mean share of the gold span's characters that the quotes cover;
- fragment rate: share of quotes that are not whole sentences (`fragment_reason`);
- citations and distinct documents per answer;
- refusal: off-topic questions (evals/offtopic_questions.jsonl) refused, and answerable ones
  wrongly refused, per tune/test half where the questions carry one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from vidensbank.index.text.fragments import fragment_reason

from vidensbank.errors import VidensbankError

T = TypeVar("T")


class Cited(Protocol):
    doc_id: str
    quote: str
    start_char: int
    end_char: int


class Answered(Protocol):
    citations: Sequence[Cited]
    refused: bool


@dataclass(frozen=True)
class OfftopicQuestion:
    id: str
    question: str
    kind: str | None
    split: str | None


def jsonl_rows(path: Path, make: Callable[[dict[str, Any]], T]) -> list[T]:
    """`make(row)` for each JSON line of a question file; a bad line is one Danish error."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(make(json.loads(line)))
        except (ValueError, KeyError) as exc:
            raise VidensbankError(f"{path}:{n}: ugyldig linje ({exc})") from None
    return out


def load_offtopic(path: Path) -> list[OfftopicQuestion]:
    if not path.exists():
        return []
    return jsonl_rows(path, lambda row: OfftopicQuestion(row["id"], row["question"],
                                                         row.get("kind"), row.get("split")))


def covered(citations: Sequence[Cited], doc_id: str, span: tuple[int, int]) -> float:
    """Share of the gold span's characters inside the quotes from its document."""
    a, b = span
    hit = [False] * (b - a)
    for c in citations:
        if c.doc_id == doc_id:
            for i in range(max(a, c.start_char), min(b, c.end_char)):
                hit[i - a] = True
    return sum(hit) / len(hit) if hit else 0.0


def answer_figures(judged: Sequence[tuple[str, tuple[int, int], Answered]]) -> dict[str, Any]:
    """Figures over (gold doc_id, gold span, answer) triples."""
    n = len(judged) or 1
    quotes = [c for _, _, a in judged for c in a.citations]
    fragments = [c for c in quotes if fragment_reason(c.quote)]
    coverage = [covered(a.citations, d, s) for d, s, a in judged]
    return {
        "questions": len(judged),
        "answer_recall": sum(x > 0 for x in coverage) / n,
        "gold_coverage": sum(coverage) / n,
        "quotes": len(quotes),
        "fragments": len(fragments),
        "fragment_rate": len(fragments) / len(quotes) if quotes else 0.0,
        "citations_per_answer": len(quotes) / n,
        "documents_per_answer": sum(len({c.doc_id for c in a.citations})
                                    for _, _, a in judged) / n,
        "refused": sum(a.refused for _, _, a in judged),
    }


def refusal_figures(offtopic: Sequence[tuple[OfftopicQuestion, Answered]],
                    answerable: Sequence[tuple[str | None, Answered]]) -> dict[str, Any]:
    """Off-topic refused and answerable wrongly refused: overall and per split (tune/test)."""
    def rate(flags: list[bool]) -> dict[str, Any]:
        return {"refused": sum(flags), "total": len(flags),
                "share": sum(flags) / len(flags) if flags else None}

    splits = sorted({q.split for q, _ in offtopic if q.split} |
                    {s for s, _ in answerable if s})
    out: dict[str, Any] = {"offtopic": rate([a.refused for _, a in offtopic]),
                           "answerable": rate([a.refused for _, a in answerable])}
    out["splits"] = {s: {"offtopic": rate([a.refused for q, a in offtopic if q.split == s]),
                         "answerable": rate([a.refused for x, a in answerable if x == s])}
                     for s in splits}
    return out
