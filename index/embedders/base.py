"""What every embedder has: the identity an index records, and the check that refuses to mix
vectors of two models in one index. One module per backend beside this one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from llama_index.core.embeddings import BaseEmbedding

from vidensbank.errors import ModelMismatchError


@dataclass(frozen=True)
class ModelIdentity:
    """What the index records about the model that built it."""

    name: str
    dim: int
    fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "dim": self.dim, "fingerprint": self.fingerprint}


@cache
def file_fingerprint(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


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
