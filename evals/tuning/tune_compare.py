"""Choose how far under the strongest place another place may lie and still get a row in `compare`.

    python -m evals.tuning.tune_compare INDEX_DIR [--verbose]

`compare_questions.jsonl` holds questions about how places do something, each with the articles
that answer it and their answering sentences; index.evaluation.comparisons judges the rows. For
each margin (selection.Margins.others) its figures are printed per split: places found (with a
right row; beside it, with any row), rows right, and the questions with two or more right places.
The margin is chosen on `tune` alone: the smallest that finds the most places there (a wider one
adds rows, padded ones first); `ny5` is printed beside it, never used to choose. The question the
product is measured by ("Hvordan kobler andre til kernedriften?") is printed on its own: it
belongs to neither split.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from vidensbank.index.answers import compare as compare_mod
from vidensbank.index.answers import selection
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation.comparisons import (
    compare_figures,
    gold_spans,
    load_compare_questions,
    right_rows,
)

KERNEDRIFT = "Hvordan kobler andre til kernedriften?"
MARGINS = (0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.10)


@contextmanager
def others_margin(margin: float) -> Iterator[None]:
    with mock.patch.object(selection, "E5_MARGINS",
                           dataclasses.replace(selection.E5_MARGINS, others=margin)):
        yield


def line(t: dict[str, Any]) -> str:
    return (f"places found {t['found']}/{t['gold_places']} ({t['place_recall']:.2f}), with a row "
            f"{t['with_row']}/{t['gold_places']}  rows right {t['right']}/{t['rows']} "
            f"({t['row_precision'] or 0:.2f})  2+ right places {t['two_right']}/{t['questions']}")


def show_tune(idx, questions) -> None:
    """Each tune question's rows, the padded marked, and the gold articles without a right row."""
    for q in questions:
        spans = gold_spans(idx, q)
        if q.split != "tune" or spans is None:
            continue
        rows = compare_mod.compare(idx, q.question).rows
        right = right_rows(rows, spans)
        marks = ", ".join(f"{r.place}{'' if ok else ' (padded)'} {r.score:.4f}"
                          for r, ok in zip(rows, right, strict=True))
        missed = sorted(set(q.gold) - {r.doc_id for r, ok in zip(rows, right, strict=True) if ok})
        print(f"  {q.id} {q.question}\n     rows: {marks or '-'}\n     missed: {missed}")


def kernedrift_rows(idx) -> str:
    result = compare_mod.compare(idx, KERNEDRIFT)
    return ", ".join(f"{r.place} {r.score:.4f}" for r in result.rows) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--verbose", action="store_true", help="each tune question's rows")
    args = parser.parse_args()
    questions = load_compare_questions()
    shipped = selection.E5_MARGINS.others
    with Library.open(Config(index_dir=args.index)) as lib:
        if args.verbose:
            show_tune(lib.idx, questions)
        results = {}
        for margin in sorted({*MARGINS, shipped}):
            with others_margin(margin):
                results[margin] = (compare_figures(lib.idx, questions)["splits"],
                                   kernedrift_rows(lib.idx))
    print(f"{len(questions)} questions; shipped margin {shipped}\n")
    for margin, (splits, kernedrift) in results.items():
        print(f"margin {margin:.2f}")
        for split, figures in splits.items():
            print(f"  {split:<5} {line(figures)}")
        print(f"  {KERNEDRIFT} {kernedrift}")
    best = max(results, key=lambda m: (results[m][0]["tune"]["found"], -m))
    print(f"\nchosen on tune (the smallest margin that finds the most places): {best:.2f}")


if __name__ == "__main__":
    main()
