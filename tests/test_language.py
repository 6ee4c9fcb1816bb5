"""Questions in another language than the library's (index.text.language): how they are told
apart, searched by meaning and judged for refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cli
from test_reranking import ANSWER, QUESTION, make_hit
from vidensbank.index.answers import refusal
from vidensbank.index.answers.quotes import Candidate
from vidensbank.index.text.language import is_foreign, language_of, stopwords

ENGLISH = "How does the housing plan work with the municipality?"


@pytest.mark.parametrize("question", [
    QUESTION, "Hvordan kobler andre til kernedriften?", "kernedrift", "Hvem er Marlene Wullf?",
    "Hvilke boligorganisationer er med i partnerskabet om Lupinvej?",
    "Hvordan jobber kommunen sammen med boligområdet?",  # Norwegian reads Danish words
])
def test_danish_and_nordic_questions_are_read_as_danish(question: str) -> None:
    assert language_of(question) == "danish"
    assert not is_foreign(question)


@pytest.mark.parametrize(("question", "language"), [
    (ENGLISH, "english"),
    ("What did the mayor of Silkeborg say about the women's project?", "english"),
    ("Wie arbeitet der Wohnungsplan mit der Gemeinde zusammen?", "german"),
])
def test_questions_in_other_languages_are_foreign(question: str, language: str) -> None:
    assert language_of(question) == language
    assert is_foreign(question)


def test_stopword_lists_come_from_the_bundled_nltk_data() -> None:
    assert {"og", "det", "ikke"} <= stopwords("danish")
    assert {"the", "and", "what"} <= stopwords("english")


def test_a_foreign_question_is_judged_by_meaning_on_its_own_threshold() -> None:
    hit = make_hit(1, ANSWER)

    def cand(dense: float) -> Candidate:
        return Candidate(0.9, hit, 0, len(ANSWER), dense=dense, lexical=0.0, own=dense)

    between = (refusal.FOREIGN_THRESHOLD + refusal.THRESHOLD) / 2
    assert refusal.FOREIGN_THRESHOLD < between < refusal.THRESHOLD
    # English shares no word with the Danish passage: close meaning answers it ...
    assert not refusal.refuse([cand(between)], question=ENGLISH, hits=[hit])
    # ... while a Danish question as close in meaning, but sharing no word, is refused.
    assert refusal.refuse([cand(between)], question=QUESTION, hits=[hit])
    assert refusal.refuse([cand(refusal.THRESHOLD + 0.01)], question=QUESTION, hits=[hit])
    # Far in meaning, the English question is refused too.
    assert refusal.refuse([cand(refusal.FOREIGN_THRESHOLD - 0.01)], question=ENGLISH,
                          hits=[hit])


def test_an_english_question_is_searched_by_meaning_and_answered_in_danish(
        corpus_index: Path) -> None:
    question = "How does the Sønderborg housing plan work with the job centre?"
    hybrid = json.loads(cli("search", question, "--json", index=corpus_index).stdout)
    dense = json.loads(cli("search", question, "--mode", "dense", "--json",
                           index=corpus_index).stdout)
    assert [(h["doc_id"], h["start_char"]) for h in hybrid] == [(h["doc_id"], h["start_char"])
                                                       for h in dense]
    out = cli("ask", question, "--json", index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert not result["refused"], result["answer"]
    assert any("jobcenter" in c["quote"] and "sonderborg" in c["doc_id"]
               for c in result["citations"]), result["citations"]


def test_an_english_question_off_the_library_is_refused(corpus_index: Path) -> None:
    out = cli("ask", "Who won the Champions League final in 2024?", "--json", index=corpus_index)
    result = json.loads(out.stdout)
    assert result["refused"] and not result["citations"]
