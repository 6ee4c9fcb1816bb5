"""Retrieval evaluation over `evals/questions.jsonl` (BEIR style: gold is a text span, not a chunk).

A retrieved chunk is relevant when it belongs to the gold document and its character span overlaps
the span where the gold answer occurs in that document's extracted text; the gold therefore
survives any change of chunker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.answer import answer
from index.kb import KnowledgeBase
from index.search import Hit, search
from ingest.errors import VidensbankError

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "questions.jsonl"
MODES = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc_id: str
    answer: str
    page: str | None = None
    kind: str | None = None


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    if not path.exists():
        raise VidensbankError(f"evalueringssættet {path} findes ikke")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(Question(row["id"], row["question"], row["doc_id"], row["answer"],
                                row.get("page"), row.get("kind")))
        except (ValueError, KeyError) as exc:
            raise VidensbankError(f"{path}:{n}: ugyldig linje ({exc})") from None
    return out


def gold_span(kb: KnowledgeBase, q: Question) -> tuple[int, int] | None:
    doc = kb.docs.get(q.doc_id)
    if doc is None:
        return None
    start = doc.text.find(q.answer)
    return (start, start + len(q.answer)) if start >= 0 else None


def is_relevant(hit: Hit, doc_id: str, span: tuple[int, int]) -> bool:
    return hit.doc_id == doc_id and hit.start_char < span[1] and span[0] < hit.end_char


def metrics(ranks: Sequence[int | None], k_recall: int = 5, k_mrr: int = 10) -> dict[str, float]:
    """Recall@k and MRR@k from the 1-based rank of the first relevant hit (None: not found)."""
    n = len(ranks) or 1
    return {
        f"Recall@{k_recall}": sum(1 for r in ranks if r and r <= k_recall) / n,
        f"MRR@{k_mrr}": sum(1 / r for r in ranks if r and r <= k_mrr) / n,
    }


def first_relevant_rank(hits: list[Hit], doc_id: str, span: tuple[int, int]) -> int | None:
    return next((h.rank for h in hits if is_relevant(h, doc_id, span)), None)


def evaluate(kb: KnowledgeBase, questions: list[Question], modes: Sequence[str] = MODES,
             on_progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Metrics per mode, the per-question ranks, and citation exactness of `ask`."""
    golds = {q.id: gold_span(kb, q) for q in questions}
    missing = [q.id for q in questions if golds[q.id] is None]
    usable = [q for q in questions if golds[q.id] is not None]
    ranks: dict[str, dict[str, int | None]] = {m: {} for m in modes}
    exact = total = 0
    for i, q in enumerate(usable):
        span = golds[q.id]
        assert span is not None
        for mode in modes:
            hits = search(kb, q.question, top_k=10, mode=mode)
            ranks[mode][q.id] = first_relevant_rank(hits, q.doc_id, span)
        result = answer(kb, q.question)
        for c in result.citations:
            doc = kb.docs.get(c.doc_id)
            total += 1
            exact += bool(doc and doc.text[c.start_char:c.end_char] == c.quote)
        if on_progress:
            on_progress(i + 1, len(usable))
    return {
        "questions": len(usable),
        "missing_gold": missing,
        "modes": {m: metrics(list(ranks[m].values())) for m in modes},
        "ranks": ranks,
        "citations": {"total": total, "exact": exact},
    }
