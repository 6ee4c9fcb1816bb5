"""Choose the refusal threshold for questions in another language, and show the path they take.

    python -m evals.tuning.tune_language INDEX_DIR

A question that index.text.language finds foreign is searched by meaning alone, and refusal
reads its evidence against refusal.FOREIGN_THRESHOLD without the shared-word sign. The threshold
is the highest that refuses no answerable English tune question (questions_english `split:
tune`); the English off-topic lines (`oe*` and the few in `o*`) judge it, tune and held-apart
split (`ny4`) apart, and `e01`-`e16` (`ny3`) judge it as questions nobody tuned on. Each figure is
printed for the path as it was (every question read as Danish) and as it is, from one run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from vidensbank.index.answers import extractive, refusal
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation.answers import covered, load_offtopic
from vidensbank.index.evaluation.runs import (
    OFFTOPIC_QUESTIONS,
    first_relevant_rank,
    gold_span,
    load_all_questions,
)
from vidensbank.index.retrieval import search as search_mod
from vidensbank.index.text.language import is_foreign

REFUSE = refusal.refuse


@contextlib.contextmanager
def as_danish() -> Iterator[None]:
    """Every question read as Danish: the path before questions in other languages had one."""
    with mock.patch.object(search_mod, "is_foreign", lambda _q: False), \
            mock.patch.object(refusal, "is_foreign", lambda _q: False):
        yield


def foreign_threshold(threshold: float):
    """Refusal with `threshold` for questions in another language."""
    return mock.patch.object(refusal, "refuse", functools.partial(
        REFUSE, foreign_threshold=threshold))


def figures(idx, answerable, offtopic, threshold: float) -> dict[str, str]:
    """MRR@10, answer recall and wrongly refused per split of the answerable questions, and
    off-topic refused per split."""
    out: dict[str, str] = {}
    by_split: dict[str, list] = {}
    for q, span in answerable:
        hits = search_mod.search(idx, q.question, top_k=10)
        rank = first_relevant_rank(hits, q.doc_id, span)
        with foreign_threshold(threshold):
            a = extractive.answer(idx, q.question)
        found = covered(a.citations, q.doc_id, span) > 0
        by_split.setdefault(q.split, []).append((1 / rank if rank else 0.0, found, a.refused))
    for split, rows in by_split.items():
        n = len(rows)
        out[f"answerable {split}"] = (f"MRR@10 {sum(r[0] for r in rows) / n:.3f}  answer recall "
                                      f"{sum(r[1] for r in rows) / n:.3f}  wrongly refused "
                                      f"{sum(r[2] for r in rows)}/{n}")
    refused: dict[str, list[bool]] = {}
    for o in offtopic:
        with foreign_threshold(threshold):
            refused.setdefault(o.split or "-", []).append(extractive.answer(idx, o.question)
                                                         .refused)
    for split, flags in refused.items():
        out[f"off-topic {split}"] = f"refused {sum(flags)}/{len(flags)}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    args = parser.parse_args()
    english = [q for q in load_all_questions() if q.set_name == "questions_english"]
    offtopic = [o for o in load_offtopic(OFFTOPIC_QUESTIONS) if is_foreign(o.question)]
    with Library.open(Config(index_dir=args.index)) as lib:
        idx = lib.idx
        answerable = [(q, s) for q in english if (s := gold_span(idx, q))]
        tune = [(q, s) for q, s in answerable if q.split == "tune"]
        evidence = {}
        for q, _ in tune:
            hits = search_mod.search(idx, q.question, top_k=extractive.SEARCH_DEPTH)
            query = search_mod.normalize_query(q.question)
            evidence[q.id] = refusal.evidence(extractive.candidates(idx, query, hits))
        threshold = min(evidence.values()) - 1e-4
        print(f"{len(answerable)} English answerable questions, {len(offtopic)} off-topic; "
              f"evidence of answerable tune: min {min(evidence.values()):.4f}")
        print(f"threshold (just under the weakest answerable tune question): {threshold:.4f} "
              f"(code: {refusal.FOREIGN_THRESHOLD})\n")
        with as_danish():
            before = figures(idx, answerable, offtopic, refusal.THRESHOLD)  # not read: Danish
        after = figures(idx, answerable, offtopic, threshold)
    for key in sorted(before):
        print(f"{key:<18} before: {before[key]}\n{'':<18} after:  {after[key]}")


if __name__ == "__main__":
    main()
