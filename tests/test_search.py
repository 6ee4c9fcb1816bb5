"""Search and answers on the real corpus, with the real model and a real Qdrant Edge shard."""

from __future__ import annotations

import pytest
from vidensbank.index.answers.extractive import answer
from vidensbank.index.retrieval.search import search

KERNEDRIFT = "artikel-sonderborg-helhedsplanens-vaerdi-for-kernedriften"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_top_hit_for_kernedriften(corpus_open_index, mode: str) -> None:
    hits = search(corpus_open_index, "hvordan kobler andre til kernedriften", top_k=5, mode=mode)
    assert hits and hits[0].doc_id == KERNEDRIFT
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_hits_are_exact_slices_of_their_documents(corpus_open_index) -> None:
    for query in ("fremskudt jobcenter", "brandkadetter i Ishøj", "sociale effektinvesteringer"):
        for hit in search(corpus_open_index, query, top_k=8):
            doc = corpus_open_index.docs.get(hit.doc_id)
            assert doc is not None
            assert doc.text[hit.start_char:hit.end_char] == hit.text


def test_filters_restrict_results(corpus_open_index) -> None:
    hits = search(corpus_open_index, "samarbejde med kommunen", top_k=10,
                  filters={"source": ["BL"]})
    assert hits and {h.source for h in hits} == {"BL"}
    assert search(corpus_open_index, "samarbejde", filters={"doc_type": ["rapport"]}) == []


def test_empty_and_huge_queries(corpus_open_index) -> None:
    assert search(corpus_open_index, "   ") == []
    assert len(search(corpus_open_index, "boligsocial " * 5000, top_k=3)) == 3


@pytest.mark.parametrize("question", [
    "Hvordan kobler andre til kernedriften?",
    "Hvordan kan en boligsocial indsats samarbejde med jobcentret?",
    "Hvor mange nationaliteter bor der i Vejleåparken?",
])
def test_every_citation_is_the_document_text_at_its_offsets(corpus_open_index,
                                                              question: str) -> None:
    result = answer(corpus_open_index, question)
    assert result.citations
    for c in result.citations:
        doc = corpus_open_index.docs.get(c.doc_id)
        assert doc is not None and doc.text[c.start_char:c.end_char] == c.quote
        assert f"[{c.n}]" in result.answer and c.quote in result.answer
    markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", result.answer)}
    assert markers == {c.n for c in result.citations}


def test_kernedriften_answer_quotes_the_jobcenter_example(corpus_open_index) -> None:
    result = answer(corpus_open_index, "Hvordan kobler andre til kernedriften?")
    assert any("fremskudte jobcenter" in c.quote for c in result.citations)


def test_several_documents_are_cited_for_a_broad_question(corpus_open_index) -> None:
    result = answer(corpus_open_index,
                    "Hvordan kan en boligsocial indsats samarbejde med jobcentret?")
    assert len({c.doc_id for c in result.citations}) >= 2


def test_no_answer_without_hits(corpus_open_index) -> None:
    result = answer(corpus_open_index, "samarbejde", filters={"doc_type": ["rapport"]})
    assert result.citations == [] and "ingen passager" in result.answer
