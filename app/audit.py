"""Citation audit: every claim the answers make, its source, and whether it is verbatim there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from index.answer import answer
from index.evaluation import Question
from index.kb import KnowledgeBase

AUDIT_FIELDS = ("question", "n", "quote", "source", "page", "exact", "doc_id", "start_char",
                "end_char")


def citation_audit(kb: KnowledgeBase, questions: list[Question],
                   on_progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """One row per citation of `ask` over the questions; `exact` compares with the document."""
    rows = []
    for i, q in enumerate(questions, start=1):
        for c in answer(kb, q.question).citations:
            doc = kb.docs.get(c.doc_id)
            rows.append({
                "question": q.question, "n": c.n, "quote": c.quote, "source": c.citation,
                "page": c.page, "exact": bool(doc and doc.text[c.start_char:c.end_char] == c.quote),
                "doc_id": c.doc_id, "start_char": c.start_char, "end_char": c.end_char,
            })
        if on_progress:
            on_progress(i, len(questions))
    return rows
