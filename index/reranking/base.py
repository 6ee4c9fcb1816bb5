"""One interface for every reader: `rerank(question, passages) -> scores`, higher is better.

Backends: the shipped Danish reader (reader.py, onnxruntime), any sentence-transformers
CrossEncoder by name or folder (cross_encoder.py), and none (today's order is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from vidensbank.index.config import NO_RERANKER, READER

from vidensbank.errors import ConfigError


class Reranker(Protocol):
    name: str

    def rerank(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One score per passage (float32), higher where it answers the question better."""
        ...


@cache
def load(name: str) -> Reranker | None:
    """The reader called `name`, loaded once per process; None for 'none'."""
    name = name.strip()
    if name.lower() == NO_RERANKER:
        return None
    if name == READER:
        from vidensbank.index.reranking.reader import DanishReader

        return DanishReader.shipped()
    from vidensbank.index.reranking.cross_encoder import CrossEncoderReader

    try:
        return CrossEncoderReader(name)
    except ImportError:
        raise ConfigError(f"læseren '{name}' kræver sentence-transformers: pip install "
                          "'vidensbank[st]'") from None
