"""Weighted reciprocal-rank fusion of the dense and BM25 arms (index/retrieval/fusion.py)."""

from __future__ import annotations

from vidensbank.index.retrieval.fusion import bm25_query, fuse
from vidensbank.index.stores.base import ScoredChunk


def arm(*ids: str) -> list[ScoredChunk]:
    return [ScoredChunk(i, 1.0 - n / 10, {"doc_id": i}) for n, i in enumerate(ids)]


def test_equal_weights_are_plain_rrf():
    fused = fuse(arm("a", "b", "c"), arm("c", "d"), weights=(1.0, 1.0))
    # c is in both arms: 1/63 + 1/61 beats a's 1/61 alone.
    assert [h.id for h in fused] == ["c", "a", "b", "d"]
    assert abs(fused[0].score - (1 / 63 + 1 / 61)) < 1e-12


def test_the_dense_arm_counts_more_than_shared_words():
    # "law" tops BM25 on words shared with the question; "article" tops the dense arm.
    equal = {h.id: h.score for h in fuse(arm("article"), arm("law"), weights=(1.0, 1.0))}
    assert equal["article"] == equal["law"]
    weighted = {h.id: h.score for h in fuse(arm("article"), arm("law"))}  # default weights
    assert weighted["article"] > weighted["law"]


def test_question_words_are_left_out_of_the_bm25_query():
    assert bm25_query("Hvordan kan kommunen få beboerne med?").split() == [
        "kommunen", "få", "beboerne", "med?"]
    assert bm25_query("Hvem kan?") == "Hvem kan?"  # nothing else left: the question as it is


def test_empty_arms_and_payload_kept():
    assert fuse([], []) == []
    (only,) = fuse([], arm("z"))
    assert only.payload == {"doc_id": "z"} and only.score > 0
