"""How well `compare` answers: its rows judged against the articles that answer each question.

`evals/compare_questions.jsonl` holds questions about how places do something, each with the
articles that answer it and their answering sentences (`gold`). A row is right when it comes
from a gold article and one of its quotes overlaps one of that article's gold sentences; any
other row was padded in. Figures: places found (gold articles with a right row, of all gold
articles), those with any row at all (the quotes aside), rows right (of all rows), and the
questions answered with two or more right places; overall and per split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidensbank.index.answers.compare import PlaceRow, compare
from vidensbank.index.evaluation.answers import jsonl_rows
from vidensbank.index.open_index import OpenIndex

COMPARE_QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "compare_questions.jsonl"


@dataclass(frozen=True)
class CompareQuestion:
    id: str
    question: str
    split: str | None
    gold: dict[str, tuple[str, ...]]  # doc_id -> the sentences that answer for that article


def load_compare_questions(path: Path = COMPARE_QUESTIONS) -> list[CompareQuestion]:
    if not path.exists():
        return []
    return jsonl_rows(path, lambda row: CompareQuestion(
        row["id"], row["question"], row.get("split"),
        {g["doc_id"]: tuple(g["answers"]) for g in row["gold"]}))


def gold_spans(idx: OpenIndex, q: CompareQuestion) -> dict[str, list[tuple[int, int]]] | None:
    """Each gold article's sentences as offsets in its text; None if one is not in the index."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc_id, answers in q.gold.items():
        doc = idx.docs.get(doc_id)
        if doc is None:
            return None
        for answer in answers:
            start = doc.text.find(answer)
            if start < 0:
                return None
            spans.setdefault(doc_id, []).append((start, start + len(answer)))
    return spans


def right_rows(rows: Sequence[PlaceRow], spans: dict[str, list[tuple[int, int]]]) -> list[bool]:
    """Per row: does one of its quotes overlap a gold sentence of its own article?"""
    return [any(c.doc_id == row.doc_id and a < c.end_char and c.start_char < b
                for c in row.citations for a, b in spans.get(row.doc_id, []))
            for row in rows]


@dataclass
class Tally:
    questions: int = 0
    gold_places: int = 0
    found: int = 0  # gold articles with a right row
    with_row: int = 0  # gold articles with any row
    rows: int = 0
    right: int = 0
    two_right: int = 0  # questions with right rows from two or more articles

    def add(self, q: CompareQuestion, rows: Sequence[PlaceRow], right: Sequence[bool]) -> None:
        found = {r.doc_id for r, ok in zip(rows, right, strict=True) if ok}
        self.questions += 1
        self.gold_places += len(q.gold)
        self.found += len(found)
        self.with_row += len({r.doc_id for r in rows} & set(q.gold))
        self.rows += len(rows)
        self.right += sum(right)
        self.two_right += len(found) >= 2

    def as_dict(self) -> dict[str, Any]:
        return {"questions": self.questions, "gold_places": self.gold_places,
                "found": self.found, "with_row": self.with_row, "rows": self.rows,
                "right": self.right, "two_right": self.two_right,
                "place_recall": self.found / self.gold_places if self.gold_places else None,
                "row_precision": self.right / self.rows if self.rows else None}


def compare_figures(idx: OpenIndex, questions: Sequence[CompareQuestion]) -> dict[str, Any]:
    """Figures over the questions whose gold articles are all in the index: overall
    ("all"), per split ("splits"), and the ids left out ("not_indexed")."""
    total, splits = Tally(), {}
    not_indexed = []
    for q in questions:
        spans = gold_spans(idx, q)
        if spans is None:
            not_indexed.append(q.id)
            continue
        rows = compare(idx, q.question).rows
        right = right_rows(rows, spans)
        total.add(q, rows, right)
        if q.split:
            splits.setdefault(q.split, Tally()).add(q, rows, right)
    return {"all": total.as_dict(), "splits": {s: t.as_dict() for s, t in sorted(splits.items())},
            "not_indexed": not_indexed}
