"""Question sets: every evals/questions*.jsonl loads by default, and the text report shows each."""

from __future__ import annotations

import pytest
from fixtures.generated_docs import AGREEMENT_DOC_ID, REPORT_DOC_ID
from vidensbank.app.cli.evaluate import eval_text
from vidensbank.index.evaluation.runs import EVALS_DIR, load_all_questions, load_questions

from vidensbank.errors import VidensbankError

KINDS = {"fakta", "hvordan", "case", "hvem"}


def test_default_loads_every_set() -> None:
    questions = load_all_questions()
    sets = {q.set_name for q in questions}
    assert {"questions", "questions_generated"} <= sets
    assert len({q.id for q in questions}) == len(questions), "ids must be unique across sets"


def test_generated_set_is_well_formed() -> None:
    questions = load_questions(EVALS_DIR / "questions_generated.jsonl")
    assert len(questions) >= 12
    assert {q.doc_id for q in questions} == {REPORT_DOC_ID, AGREEMENT_DOC_ID}
    for q in questions:
        assert q.kind in KINDS and 40 <= len(q.answer) <= 300 and "\n" not in q.answer
        # Report answers name the printed page they start on; the Word agreement has none.
        assert (q.page is not None) == (q.doc_id == REPORT_DOC_ID), q.id


def test_no_question_sets_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(VidensbankError, match="ingen evalueringssæt"):
        load_all_questions(tmp_path)


def test_eval_text_shows_sets_and_pages() -> None:
    def part(n: int, recall: float, top1: tuple[int, int], not_indexed: list[str]) -> dict:
        return {"questions": n, "missing_gold": [], "not_indexed": not_indexed,
                "modes": {"hybrid": {"Recall@5": recall, "MRR@10": 0.5}},
                "citations": {"total": 3, "exact": 3},
                "page_accuracy": {"top1": {"correct": top1[0], "total": top1[1]},
                                  "citations": {"correct": 0, "total": 0}}}

    sets = {"questions": part(1, 1.0, (0, 0), []),
            "questions_generated": part(1, 0.0, (1, 1), ["g01"])}
    result = {**part(2, 0.5, (1, 1), ["g01"]), "sets": sets}
    lines = eval_text(result).splitlines()
    assert "Sidetal rigtige: top-1-træf 1/1, citater 0/0" in lines
    assert "Ikke i indekset (udeladt): 1 spørgsmål" in lines
    row = next(line for line in lines if line.startswith("questions_generated"))
    assert row.split() == ["questions_generated", "1", "1", "0.000", "0.500", "1/1", "-"]
