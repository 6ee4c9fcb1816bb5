"""Compare judged against its question set (index.evaluation.comparisons): the set's gold is in
the articles, a row counts only where it quotes its own article's gold, and the figures on the
real corpus add up."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from vidensbank.app.cli.evaluate import compare_text
from vidensbank.index.answers.compare import PlaceRow
from vidensbank.index.evaluation.comparisons import (
    COMPARE_QUESTIONS,
    CompareQuestion,
    compare_figures,
    load_compare_questions,
    right_rows,
)

ARTICLES = Path(__file__).resolve().parent.parent / "corpus" / "artikler"


def test_every_gold_sentence_occurs_once_in_its_article():
    questions = load_compare_questions(COMPARE_QUESTIONS)
    assert len(questions) >= 20 and len({q.id for q in questions}) == len(questions)
    assert {q.split for q in questions} == {"tune", "ny5"}
    for q in questions:
        for doc_id, answers in q.gold.items():
            text = (ARTICLES / f"{doc_id}.txt").read_text(encoding="utf-8")
            for answer in answers:
                assert text.count(answer) == 1, (q.id, doc_id, answer)
                assert 40 <= len(answer) <= 300 and "\n" not in answer, (q.id, answer)


def _row(doc_id: str, *quotes: tuple[str, int, int]) -> PlaceRow:
    citations = [SimpleNamespace(doc_id=d, start_char=a, end_char=b) for d, a, b in quotes]
    return PlaceRow("Sted", None, None, doc_id, "Titel", citations)  # type: ignore[arg-type]


def test_a_row_is_right_only_where_it_quotes_its_own_articles_gold():
    spans = {"a": [(100, 200)], "b": [(0, 50)]}
    rows = [_row("a", ("a", 150, 260)),  # overlaps a's gold
            _row("a", ("a", 200, 300)),  # touches it only at the end: no overlap
            _row("c", ("c", 0, 50)),  # an article that does not answer
            _row("b", ("b", 60, 90), ("b", 40, 45))]  # its second quote is inside b's gold
    assert right_rows(rows, spans) == [True, False, False, True]


def test_compare_figures_on_the_corpus_add_up(corpus_open_index):
    questions = load_compare_questions()
    missing = CompareQuestion("x1", "Hvordan arbejder andre med lektiehjælp?", "tune",
                              {"findes-ikke": ("En sætning, der ikke står i noget dokument her.",)})
    figures = compare_figures(corpus_open_index, [*questions, missing])
    assert figures["not_indexed"] == ["x1"]
    total = figures["all"]
    assert total["questions"] == len(questions)
    assert total["gold_places"] == sum(len(q.gold) for q in questions)
    assert 0 < total["found"] <= total["with_row"] <= total["gold_places"]
    assert total["found"] <= total["right"] <= total["rows"]
    splits = figures["splits"]
    assert sum(s["questions"] for s in splits.values()) == total["questions"]
    assert sum(s["right"] for s in splits.values()) == total["right"]
    text = "\n".join(compare_text(figures))
    assert f"steder fundet {total['found']}/{total['gold_places']}" in text
    assert "halvdel tune" in text and "halvdel ny5" in text
