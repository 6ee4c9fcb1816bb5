"""Structured (schema-constrained) generated answers and the fallback, against the stand-in server.

The stand-in replies with a fixed completion, so each test sets exactly the reply whose handling
it checks; the checker, the embedding model and the index are the real ones. The real model
server is in test_llm_server.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from vidensbank.index.answers.extractive import answer
from vidensbank.index.answers.generated import FALLBACK_NOTE, GeneratedAnswer, generate, make_llm
from vidensbank.index.answers.structured import passage_sentences, quoted
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import search

from tests.test_citations import QUESTION, chat_server
from tests.test_cli import run

GOLD = "supplere kernedriften"


def gold(idx: OpenIndex) -> tuple[int, str]:
    """The number of the passage with the gold answer to QUESTION, and its gold sentence."""
    hits = search(idx, QUESTION)
    n = next(i for i, h in enumerate(hits, start=1) if GOLD in h.text)
    return n, next(s for s in passage_sentences(hits[n - 1].text) if GOLD in s)


def reply(*points: tuple[int, str, str]) -> str:
    return json.dumps({"svar": [{"kilde": n, "citat": q, "saetning": s} for n, q, s in points]},
                      ensure_ascii=False)


def test_structured_answer_is_composed_and_checked(corpus_open_index: OpenIndex) -> None:
    n, quote = gold(corpus_open_index)
    completion = reply(
        (n, quote, "Helhedsplanen skal supplere kernedriften, fx jobcentret [3]"),
        (n, "Borgmesteren holder ugentlige møder med alle.", "Borgmesteren holder møder."))
    with chat_server(completion) as (url, requests):
        result = generate(corpus_open_index, QUESTION,
                          llm=make_llm(replace(corpus_open_index.config, llm_url=url)))
    assert len(requests) == 1
    sent = requests[0]["response_format"]
    assert sent["type"] == "json_schema"
    choices = sent["json_schema"]["schema"]["properties"]["svar"]["items"]["anyOf"]
    assert [c["properties"]["kilde"]["const"] for c in choices] == [1, 2, 3, 4, 5]
    assert quote in choices[n - 1]["properties"]["citat"]["enum"]
    assert "JSON" in requests[0]["messages"][0]["content"]
    assert result.output == "structured"
    # The model's own [3] is dropped: the marker is the point's passage.
    assert result.answer.splitlines()[0] == f"Helhedsplanen skal supplere kernedriften, fx " \
                                            f"jobcentret [{n}]."
    first, second = result.sentences
    assert first.supported and first.quote == quote and first.citations == [n]
    assert not second.supported and any("står ikke ordret" in p for p in second.problems)
    # One of two supported: exactly at the threshold, so the model's answer is shown.
    assert result.mode == "generated" and result.as_dict()["extractive"] is None


@pytest.mark.parametrize("status", [400, 422, 500])
def test_server_without_schema_is_asked_for_free_text(corpus_open_index: OpenIndex,
                                                      status: int) -> None:
    n, _ = gold(corpus_open_index)
    completion = f"Helhedsplanen supplerer kernedriften, fx jobcenterindsatsen [{n}]."
    with chat_server(completion, reject_schema=status) as (url, requests):
        result = generate(corpus_open_index, QUESTION,
                          llm=make_llm(replace(corpus_open_index.config, llm_url=url)))
    forms = [r.get("response_format") for r in requests]  # the client retries a 500 once
    assert list(dict.fromkeys(f and f["type"] for f in forms)) == [
        "json_schema", "json_object", None]
    assert forms[0]["json_schema"]["schema"] == forms[-2]["schema"]
    assert forms[-1] is None and "Svar på dansk" in requests[-1]["messages"][0]["content"]
    assert result.output == "free" and result.mode == "generated" and result.all_supported


def test_uncited_small_talk_falls_back(corpus_index: Path) -> None:
    small_talk = "Sure! I am happy to help. Helhedsplaner er altid en god idé."
    with chat_server(small_talk) as (url, _):
        out = run("ask", QUESTION, "--llm", url, index=corpus_index)
        data = json.loads(run("ask", QUESTION, "--llm", url, "--json",
                              index=corpus_index).stdout)
    assert data["output"] == "free" and not any(s["supported"] for s in data["sentences"])
    assert data["mode"] == "fallback" and data["note"] == FALLBACK_NOTE
    assert data["answer"] == small_talk and data["extractive"]["citations"]
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and lines[0] == FALLBACK_NOTE
    # The extractive answer comes first, the model's flagged text after it.
    extractive = data["extractive"]["answer"]
    assert out.stdout.index(extractive) < out.stdout.index("Sprogmodellens tekst")
    assert out.stdout.index("Sprogmodellens tekst") < out.stdout.index("⚠ Sure!")


def test_fallback_is_the_extractive_answer(corpus_open_index: OpenIndex) -> None:
    with chat_server("Ingen kilder her.") as (url, _):
        result = generate(corpus_open_index, QUESTION,
                          llm=make_llm(replace(corpus_open_index.config, llm_url=url)))
    assert result.extractive is not None
    assert result.extractive.as_dict() == answer(corpus_open_index, QUESTION).as_dict()


def structured_answer(idx: OpenIndex, completion: str) -> GeneratedAnswer:
    with chat_server(completion) as (url, _):
        return generate(idx, QUESTION, llm=make_llm(replace(idx.config, llm_url=url)))


def test_unsupported_sentence_is_shown_as_its_quote(corpus_open_index: OpenIndex) -> None:
    """The model's sentence is not backed by its passage; its verbatim quote is shown instead."""
    n, quote = gold(corpus_open_index)
    small_talk = "Sure! I am happy to help you with that"
    result = structured_answer(corpus_open_index, reply((n, quote, small_talk)))
    (s,) = result.sentences
    assert small_talk not in result.answer and s.model_sentence == small_talk
    assert quoted(quote) in s.text and s.text == result.answer
    assert s.supported and s.citations == [n] and s.quote == quote
    assert result.as_dict()["sentences"][0]["model_sentence"] == small_talk
    # Nothing of the model's own holds up: the extractive answer is shown, with the note.
    assert result.mode == "fallback" and result.note == FALLBACK_NOTE
    assert result.extractive is not None and result.extractive.citations


def test_own_sentence_is_shown_with_a_quote_beside_it(corpus_open_index: OpenIndex) -> None:
    """One point holds up in the model's words, the other is shown as its quote: half of the
    answer is the model's own and backed, so the answer is shown."""
    n, quote = gold(corpus_open_index)
    hits = search(corpus_open_index, QUESTION)
    other = next(s for s in passage_sentences(hits[n - 1].text) if "individuelle beboer" in s)
    sentence = "Helhedsplanen skal supplere kernedriften, fx jobcenterindsatsen"
    result = structured_answer(corpus_open_index, reply((n, quote, sentence),
                                                (n, other, "Sure! I am happy to help")))
    assert result.answer.splitlines() == [f"{sentence} [{n}].", f"{quoted(other)} [{n}]."]
    own, shown_quote = result.sentences
    assert own.supported and own.model_sentence is None
    assert shown_quote.supported and shown_quote.model_sentence == "Sure! I am happy to help"
    assert result.mode == "generated" and result.extractive is None


def test_sentence_the_quote_does_not_back_is_not_shown(corpus_open_index: OpenIndex) -> None:
    """A sentence the checker passes against the whole passage, but that says something else
    than the quote the model picked for it, gives way to that quote."""
    n, quote = gold(corpus_open_index)
    hits = search(corpus_open_index, QUESTION)
    other = next(s for s in passage_sentences(hits[n - 1].text)
                 if "individuelle beboer" in s).rstrip(".")
    result = structured_answer(corpus_open_index, reply((n, quote, other)))
    (s,) = result.sentences
    assert other not in result.answer and s.model_sentence == other
    assert s.supported and quoted(quote) in s.text


def test_repeated_point_is_shown_once(corpus_open_index: OpenIndex) -> None:
    n, quote = gold(corpus_open_index)
    sentence = "Helhedsplanen skal supplere kernedriften, fx jobcenterindsatsen"
    result = structured_answer(corpus_open_index, reply((n, quote, sentence), (n, quote, sentence)))
    assert result.answer == f"{sentence} [{n}]."
    (s,) = result.sentences
    assert s.supported and s.model_sentence is None


@pytest.mark.parametrize(("quote", "shown"), [
    ("Helt almindelig sætning.", "„Helt almindelig sætning“"),
    ("Han sagde: „ja“ til det.", "«Han sagde: „ja“ til det»"),
    ("Det står i «loven» og „reglen“.", None),  # no pair of marks is free
    ("Se tabel [2] nedenfor.", None),  # a [2] would read as a citation
])
def test_quote_marks_the_checker_can_read_back(quote: str, shown: str | None) -> None:
    assert quoted(quote) == shown


def test_sentence_with_straight_quote_is_no_choice() -> None:
    """llama-cpp-python's server dies on a `"` inside an enum string: no such choice is offered."""
    text = 'Han sagde "nej tak" til hele forslaget i går. Det var en lang dag for alle.'
    assert passage_sentences(text) == ["Det var en lang dag for alle."]
