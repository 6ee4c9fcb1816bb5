"""Answer quality of `ask` on an index, fast (hybrid only, no ALCE): per question set and half.

    python -m evals.quality.answer_report INDEX_DIR [--json OUT.json] [--fragments]

Prints answer recall, gold coverage, fragment rate, citations and documents per answer for every
evals/questions*.jsonl set (and its tune/test halves), and the refusal figures of the off-topic
set. `vidensbank eval` reports the same figures beside the retrieval ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation.answers import answer_figures
from vidensbank.index.evaluation.runs import evaluate, load_all_questions
from vidensbank.index.text.fragments import fragment_reason

COLUMNS = ("questions", "answer_recall", "gold_coverage", "fragment_rate", "citations_per_answer",
           "documents_per_answer", "refused")


def row(name: str, figures: dict) -> str:
    return f"{name:<28}" + "".join(
        f"{figures[k]:>10}" if isinstance(figures[k], int) else f"{figures[k]:>10.3f}"
        for k in COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--fragments", action="store_true", help="list the fragment quotes")
    args = parser.parse_args()
    questions = load_all_questions()
    with Library.open(Config(index_dir=args.index)) as library:
        answers: dict = {}
        result = evaluate(library.idx, questions, modes=("hybrid",), answers=answers)
        spans = {q.id: q for q in questions if q.id in answers}
        print(f"{'sæt':<28}" + "".join(f"{k[:9]:>10}" for k in COLUMNS))
        print(row("alle", result["answers"]))
        for name, s in result["sets"].items():
            if s["questions"]:
                print(row(name, s["answers"]))
            for half in sorted({q.split for q in spans.values() if q.set_name == name} - {None}):
                mine = [q for q in spans.values() if q.set_name == name and q.split == half]
                if mine:
                    gold = [(q.doc_id, library.idx.docs.get(q.doc_id).text.find(q.answer),
                             q) for q in mine]
                    judged = [(d, (a, a + len(q.answer)), answers[q.id]) for d, a, q in gold]
                    print(row(f"  {name}:{half}", answer_figures(judged)))
        print("\nAfvisning:", json.dumps(result["refusal"], ensure_ascii=False))
        if args.fragments:
            for qid, a in answers.items():
                for c in a.citations:
                    if reason := fragment_reason(c.quote):
                        print(f"{qid} [{reason}] {c.quote}")
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
