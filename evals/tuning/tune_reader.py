"""Choose how much the reader counts, in search, in the quotes and in refusal, on the tune halves.

    python -m evals.tuning.tune_reader INDEX_DIR [--reranker vidensbank-reader]

Search and quote candidates are computed once per question without the reader, and the reader's
scores of the first RERANK_DEPTH windows and READ_DEPTH quote candidates once too; each weight is
then a re-sort. Tuned on `split: tune` (questions_paraphrase and the off-topic set) and on
questions.jsonl, which has no split; the test halves and the held-apart splits (ny, ny2, ny3,
questions_english) are printed beside, never chosen on.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
from vidensbank.index.answers import extractive, quotes, selection
from vidensbank.index.api import Library
from vidensbank.index.config import READER, Config
from vidensbank.index.evaluation.answers import load_offtopic
from vidensbank.index.evaluation.runs import (
    OFFTOPIC_QUESTIONS,
    first_relevant_rank,
    gold_span,
    load_all_questions,
)
from vidensbank.index.reranking.base import load
from vidensbank.index.retrieval import search as search_mod

SEARCH_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 1e6)  # rank weight; 1e6: no reader
QUOTE_WEIGHTS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)  # 0: no reader


def group_of(q) -> str:
    if q.set_name == "questions":
        return "tune"  # questions.jsonl has no split: tuned on, as before
    if q.set_name == "questions_english":
        return "english"
    return q.split or q.set_name


def reranked(hits, scores, w_rank: float):
    fused = [float(s) + w_rank * 1 / h.rank if w_rank < 1e5 else 1 / h.rank
             for s, h in zip(scores, hits, strict=True)]
    order = sorted(range(len(hits)), key=lambda i: -fused[i])
    return [dataclasses.replace(hits[i], rank=r) for r, i in enumerate(order, 1)]


def with_reader(cands, scores, w: float):
    class Fixed:
        def rerank(self, _q, passages):
            return np.asarray(scores[:len(passages)], dtype=np.float32)

    saved = quotes.W_READER
    quotes.W_READER = w
    try:
        return quotes.read(Fixed(), "", cands) if w > 0 else cands
    finally:
        quotes.W_READER = saved


def table(name: str, by_group: dict[str, list], figure: Callable) -> None:
    cells = "  ".join(f"{g} {figure(items):.3f} ({len(items)})" for g, items in by_group.items())
    print(f"{name:<28}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--reranker", default=READER)
    args = parser.parse_args()
    reader = load(args.reranker)
    questions = load_all_questions()
    offtopic = load_offtopic(OFFTOPIC_QUESTIONS)
    with Library.open(Config(index_dir=args.index)) as lib:
        idx = lib.idx
        gold = [(q, s) for q in questions if (s := gold_span(idx, q))]
        deep = {q.id: search_mod.search(idx, q.question, top_k=search_mod.RERANK_DEPTH)
                for q, _ in gold}
        win = {k: reader.rerank(next(q.question for q, _ in gold if q.id == k),
                                [h.span(h.window_start, h.window_end) for h in hits])
               for k, hits in deep.items()}
        groups: dict[str, list] = {}
        for q, s in gold:
            groups.setdefault(group_of(q), []).append((q, s))
        print("Søgning (hybrid): MRR@10 og Recall@5 med læseren, pr. vægt på den smeltede rang")
        for w in SEARCH_WEIGHTS:
            ranks = {q.id: first_relevant_rank(reranked(deep[q.id], win[q.id], w)[:10],
                                               q.doc_id, s) for q, s in gold}
            label = "uden læser" if w >= 1e5 else f"rang-vægt {w}"
            table(f"{label} MRR@10", groups, lambda items, r=ranks: float(np.mean(
                [1 / r[q.id] if r[q.id] else 0.0 for q, _ in items])))
            table(f"{label} Recall@5", groups, lambda items, r=ranks: float(np.mean(
                [bool(r[q.id] and r[q.id] <= 5) for q, _ in items])))
        w_search = search_mod.W_RERANK_RANK
        print(f"\nCitater fra søgningen med rang-vægt {w_search} (koden):")
        hits_of = {k: reranked(deep[k], win[k], w_search)[:extractive.SEARCH_DEPTH] for k in deep}
        cands = {q.id: quotes.candidates(idx, q.question, hits_of[q.id]) for q, _ in gold}
        read = {q.id: reader.rerank(q.question, [c.text for c in cands[q.id][:quotes.READ_DEPTH]])
                for q, _ in gold}
        off = {}
        for o in offtopic:
            hits = search_mod.search(idx, o.question, top_k=search_mod.RERANK_DEPTH)
            scores = reader.rerank(o.question, [h.span(h.window_start, h.window_end)
                                                for h in hits])
            hits = reranked(hits, scores, w_search)[:extractive.SEARCH_DEPTH]
            c = quotes.candidates(idx, o.question, hits)
            off[o.id] = (o, hits, c, reader.rerank(o.question, [x.text for x in
                                                               c[:quotes.READ_DEPTH]]))
    for w in QUOTE_WEIGHTS:
        def recall(items, w=w) -> float:
            ok = 0
            for q, s in items:
                chosen = selection.select(with_reader(cands[q.id], read[q.id], w))
                ok += any(c.hit.doc_id == q.doc_id and c.start < s[1] and s[0] < c.end
                          for c in chosen)
            return ok / len(items)
        table(f"svar-recall, vægt {w}", groups, recall)
    refusals(gold, groups, cands, read, off)


def refusals(gold, groups, cands, read, off) -> None:
    """Refusal evidence with the reader at each weight: the threshold just under the weakest
    answerable tune question, and what it refuses in every group."""
    print("\nAfvisning: evidens + vægt x læser; tærskel lige under det svageste besvarlige "
          "tune-spørgsmål")
    off_groups: dict[str, list] = {}
    for k, (o, *_rest) in off.items():
        off_groups.setdefault(o.split or "-", []).append(k)
    for w in QUOTE_WEIGHTS:
        def value(c, r, w=w) -> float:
            top = c[:quotes.READ_DEPTH]
            return max((quotes.evidence_of(x.dense, x.lexical) + w * float(s)
                        for x, s in zip(top, r, strict=True)), default=float("-inf"))
        ans = {q.id: value(cands[q.id], read[q.id]) for q, _ in gold}
        offv = {k: value(c, r) for k, (_, _, c, r) in off.items()}
        tune = sorted(ans[q.id] for q, _ in groups["tune"])
        # Just under the weakest answerable tune question, and under all but the weakest 3 %.
        for threshold in (tune[0] - 1e-4, tune[int(0.03 * len(tune))] - 1e-4):
            wrong = "  ".join(f"{g} {sum(ans[q.id] < threshold for q, _ in items)}/"
                              f"{len(items)}" for g, items in groups.items())
            right = "  ".join(f"{g} {sum(offv[k] < threshold for k in ks)}/{len(ks)}"
                              for g, ks in off_groups.items())
            print(f"vægt {w}: tærskel {threshold:.4f}\n  besvarlige afvist: {wrong}\n"
                  f"  uden for emnet afvist: {right}")


if __name__ == "__main__":
    main()
