"""Retrieval evaluation over `evals/questions*.jsonl` (BEIR style: gold is a text span).

A retrieved chunk is relevant when it belongs to the gold document and its character span overlaps
the span where the gold answer occurs in that document's extracted text; the gold therefore
survives any change of chunker. A question may also name the printed `page` its answer starts on:
page accuracy is then the share of relevant top-1 hits, and of cited quotes overlapping the gold,
that carry that page. Each file is a question set, reported on its own and together; questions
whose document is not in the index are listed as not indexed and left out of every figure.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidensbank.index.answers.extractive import Answer, answer
from vidensbank.index.evaluation.answers import (
    OfftopicQuestion,
    answer_figures,
    jsonl_rows,
    load_offtopic,
    refusal_figures,
)
from vidensbank.index.evaluation.comparisons import (
    CompareQuestion,
    compare_figures,
    load_compare_questions,
)
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.citations import is_exact
from vidensbank.index.retrieval.search import Hit, search

from vidensbank.errors import VidensbankError

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "questions.jsonl"
EVALS_DIR = DEFAULT_QUESTIONS.parent
QUESTION_SETS = "questions*.jsonl"
OFFTOPIC_QUESTIONS = EVALS_DIR / "offtopic_questions.jsonl"  # no answer in the library
MODES = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc_id: str
    answer: str
    page: str | None = None
    kind: str | None = None
    set_name: str = ""  # the file it came from, without .jsonl
    split: str | None = None  # tune/test: thresholds are chosen on tune, judged on test


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    if not path.exists():
        raise VidensbankError(f"evalueringssættet {path} findes ikke")
    return jsonl_rows(path, lambda row: Question(
        row["id"], row["question"], row["doc_id"], row["answer"], row.get("page"),
        row.get("kind"), path.stem, row.get("split")))


def load_all_questions(folder: Path = EVALS_DIR) -> list[Question]:
    """Every question set in `folder`: questions.jsonl, questions_generated.jsonl, ..."""
    paths = sorted(folder.glob(QUESTION_SETS))
    if not paths:
        raise VidensbankError(f"ingen evalueringssæt ({QUESTION_SETS}) i {folder}")
    return [q for path in paths for q in load_questions(path)]


def gold_span(idx: OpenIndex, q: Question) -> tuple[int, int] | None:
    doc = idx.docs.get(q.doc_id)
    return _find(doc.text, q.answer) if doc is not None else None


def _find(text: str, answer_text: str) -> tuple[int, int] | None:
    start = text.find(answer_text)
    return (start, start + len(answer_text)) if start >= 0 else None


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


@dataclass
class Outcome:
    """One question's results: first relevant rank per mode, its citations and their pages."""

    ranks: dict[str, int | None] = field(default_factory=dict)
    cited: int = 0
    exact: int = 0
    top1_page: bool | None = None  # the relevant top-1 hit is on the gold page (None: no check)
    cited_pages: list[bool] = field(default_factory=list)  # per citation overlapping the gold


def judge(idx: OpenIndex, q: Question, span: tuple[int, int],
          modes: Sequence[str], result: Answer | None = None) -> Outcome:
    """Ranks per mode, and the citations of `result` (the question's answer; made if not given)."""
    out = Outcome()
    for mode in modes:
        hits = search(idx, q.question, top_k=10, mode=mode)
        out.ranks[mode] = first_relevant_rank(hits, q.doc_id, span)
        # Pages are judged in the mode users get by default.
        if q.page and mode == idx.config.mode and hits and is_relevant(hits[0], q.doc_id, span):
            out.top1_page = hits[0].page == q.page
    for c in (result or answer(idx, q.question)).citations:
        doc = idx.docs.get(c.doc_id)
        out.cited += 1
        out.exact += bool(doc and is_exact(doc.text, c.start_char, c.end_char, c.quote))
        if q.page and c.doc_id == q.doc_id and c.start_char < span[1] and span[0] < c.end_char:
            out.cited_pages.append(c.page == q.page)
    return out


def share(flags: Sequence[bool]) -> dict[str, Any]:
    return {"correct": sum(flags), "total": len(flags),
            "share": sum(flags) / len(flags) if flags else None}


def summarize(judged: list[tuple[Question, Outcome]], modes: Sequence[str]) -> dict[str, Any]:
    return {
        "questions": len(judged),
        "modes": {m: metrics([o.ranks[m] for _, o in judged]) for m in modes},
        "ranks": {m: {q.id: o.ranks[m] for q, o in judged} for m in modes},
        "citations": {"total": sum(o.cited for _, o in judged),
                      "exact": sum(o.exact for _, o in judged)},
        "page_accuracy": {
            "top1": share([o.top1_page for _, o in judged if o.top1_page is not None]),
            "citations": share([ok for _, o in judged for ok in o.cited_pages]),
        },
    }


def evaluate(idx: OpenIndex, questions: list[Question], modes: Sequence[str] = MODES,
             on_progress: Callable[[int, int], None] | None = None,
             answers: dict[str, Answer] | None = None,
             offtopic: Sequence[OfftopicQuestion] | None = None,
             comparisons: Sequence[CompareQuestion] | None = None) -> dict[str, Any]:
    """Metrics per mode, per-question ranks, citation exactness and page accuracy of `ask`,
    answer figures (index.evaluation.answers), over all questions and per question set (`sets`,
    without ranks), and refusal figures with the off-topic questions (evals/offtopic_questions.jsonl
    unless given), and compare's figures (index.evaluation.comparisons; evals/
    compare_questions.jsonl unless given). `answers`, when given, is filled with each judged
    question's answer (by id), so later figures need not ask again."""
    answers = {} if answers is None else answers
    docs = {d: idx.docs.get(d) for d in dict.fromkeys(q.doc_id for q in questions)}
    spans = {q: _find(doc.text, q.answer) for q in questions if (doc := docs[q.doc_id])}
    usable = [q for q, span in spans.items() if span is not None]
    judged: list[tuple[Question, Outcome]] = []
    ask_ms: list[float] = []  # what one answer costs, the reader's reading included
    for i, q in enumerate(usable):
        span = spans[q]
        assert span is not None
        started = time.perf_counter()
        result = answer(idx, q.question)
        ask_ms.append(1000 * (time.perf_counter() - started))
        answers[q.id] = result
        judged.append((q, judge(idx, q, span, modes, result)))
        if on_progress:
            on_progress(i + 1, len(usable))

    def part(name: str | None) -> dict[str, Any]:
        mine = [q for q in questions if name is None or q.set_name == name]
        gold = [(q.doc_id, spans[q], answers[q.id]) for q, _ in judged if q in mine]
        return {**summarize([(q, o) for q, o in judged if q in mine], modes),
                "answers": answer_figures(gold),  # type: ignore[arg-type]
                "missing_gold": [q.id for q in mine if q in spans and spans[q] is None],
                "not_indexed": [q.id for q in mine if q not in spans]}

    sets = {name: part(name) for name in dict.fromkeys(q.set_name for q in questions)}
    for result in sets.values():
        result.pop("ranks")
    offtopic = load_offtopic(OFFTOPIC_QUESTIONS) if offtopic is None else offtopic
    refusal = refusal_figures([(o, answer(idx, o.question)) for o in offtopic],
                              [(q.split, answers[q.id]) for q, _ in judged])
    comparisons = load_compare_questions() if comparisons is None else comparisons
    return {**part(None), "sets": sets, "refusal": refusal,
            "compare": compare_figures(idx, comparisons) if comparisons else None,
            "ask_ms_p50": round(statistics.median(ask_ms), 1) if ask_ms else None}


AUDIT_FIELDS = ("question", "n", "quote", "source", "page", "exact", "doc_id", "start_char",
                "end_char")


def audit_rows(idx: OpenIndex, questions: list[Question],
               answers: dict[str, Answer]) -> list[dict[str, Any]]:
    """One row per citation of the answers given; `exact` checks the quote in the document."""
    rows = []
    texts: dict[str, str | None] = {}
    for q in questions:
        if q.id not in answers:
            continue
        for c in answers[q.id].citations:
            if c.doc_id not in texts:
                doc = idx.docs.get(c.doc_id)
                texts[c.doc_id] = doc.text if doc else None
            text = texts[c.doc_id]
            rows.append({
                "question": q.question, "n": c.n, "quote": c.quote, "source": c.citation,
                "page": c.page, "doc_id": c.doc_id, "start_char": c.start_char,
                "end_char": c.end_char,
                "exact": text is not None and is_exact(text, c.start_char, c.end_char, c.quote),
            })
    return rows
