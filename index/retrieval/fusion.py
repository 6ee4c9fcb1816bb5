"""Weighted reciprocal-rank fusion of the dense and BM25 arms of a hybrid search.

Qdrant's RRF weighs both arms alike. In a library where laws and plans share a question's words
("kommunen", "boligorganisationen", "beboerne"), BM25 ranks those passages high and drags them
into the fused list; the dense arm is fooled less. The weights, and leaving question words out of
the BM25 query, were chosen on the `tune` half of evals/questions_paraphrase.jsonl, with and
without evals/distractors/ ingested (the ablation in evals/LOG.md); the `test` half and the
other sets were only measured.
"""

from __future__ import annotations

import re
from dataclasses import replace

from vidensbank.index.stores.base import RRF_K, ScoredChunk

DENSE_WEIGHT = 2.0
BM25_WEIGHT = 1.0
# How a question is asked, not what it is about: the Danish BM25 stopword list keeps these, and
# in laws ("kommunen kan", "hvordan ... bliver") they match everything.
QUESTION_WORDS = frozenset({
    "hvad", "hvem", "hvor", "hvordan", "hvorfor", "hvilke", "hvilken", "hvilket", "hvornår",
    "kan", "får", "gør", "bliver", "blev", "man", "være", "været"})


def bm25_query(question: str) -> str:
    """The question without its question words (all of it, if nothing else is left)."""
    kept = "".join(t for t in re.findall(r"\w+|\W+", question)
                   if t.lower() not in QUESTION_WORDS)
    return kept if re.search(r"\w", kept) else question


def fuse(dense: list[ScoredChunk], sparse: list[ScoredChunk], *, k: int = RRF_K,
         weights: tuple[float, float] = (DENSE_WEIGHT, BM25_WEIGHT)) -> list[ScoredChunk]:
    """Points of both arms ranked by sum(weight / (k + rank)); each carries its fused score."""
    score: dict[str, float] = {}
    point: dict[str, ScoredChunk] = {}
    for arm, weight in zip((dense, sparse), weights, strict=True):
        for rank, hit in enumerate(arm, start=1):
            score[hit.id] = score.get(hit.id, 0.0) + weight / (k + rank)
            point.setdefault(hit.id, hit)
    order = sorted(score, key=lambda pid: -score[pid])
    return [replace(point[pid], score=score[pid]) for pid in order]
