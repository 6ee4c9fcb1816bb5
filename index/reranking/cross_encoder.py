"""Any sentence-transformers CrossEncoder as the reader, by hub name (from the local cache; no
download at run time) or by folder."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from vidensbank.errors import ConfigError

BATCH = 32


class CrossEncoderReader:
    def __init__(self, name: str) -> None:
        from sentence_transformers import CrossEncoder

        self.name = name
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never fetch weights at run time
        try:
            self.model = CrossEncoder(name, device="cpu", local_files_only=True)
        except (OSError, ValueError):
            raise ConfigError(f"læseren '{name}' kunne ikke indlæses: hverken en mappe med en "
                              "CrossEncoder eller en model i den lokale cache (intet hentes under "
                              "kørsel)") from None

    def rerank(self, question: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, np.float32)
        scores = self.model.predict([(question, p) for p in passages], batch_size=BATCH,
                                    show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(scores, dtype=np.float32).reshape(len(passages), -1)[:, -1]
