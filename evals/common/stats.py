"""Pure helpers for the benchmarks: percentiles, disk accounting, model arithmetic, targets.

No imports from the project and nothing timed: `tests/test_bench_helpers.py` checks them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summarize_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Latency summary in milliseconds: n, p50, p95, mean, max."""
    ms = [s * 1000.0 for s in seconds]
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
            "mean": sum(ms) / len(ms), "max": max(ms)}


def allocated_bytes(path: Path) -> int:
    """Bytes the files under path occupy on disk: allocated blocks, not apparent size.

    Qdrant preallocates sparse files (mmap'd vectors, WAL) far larger than their data."""
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


@dataclass(frozen=True)
class Encoder:
    """The shape of a BERT-style encoder (multilingual-e5-small by default)."""

    layers: int = 12
    hidden: int = 384
    ffn: int = 1536

    @property
    def matmul_params(self) -> int:
        """Weights in the per-token matrix products: Q, K, V, output, and the two FFN layers."""
        return self.layers * (4 * self.hidden * self.hidden + 2 * self.hidden * self.ffn)

    def flops_per_token(self, seq_len: int) -> float:
        """2 FLOPs per weight (multiply + add), plus attention: scores QK^T and the weighted sum
        of V, each 2 * seq_len * hidden per token and layer. Embedding lookup, layer norms,
        softmax and GELU are left out (well under 5 % at these sizes)."""
        return 2.0 * self.matmul_params + self.layers * 4.0 * seq_len * self.hidden


E5_SMALL = Encoder()


def matmul_flops(n: int) -> float:
    """FLOPs of an n x n by n x n matrix product."""
    return 2.0 * n ** 3


@dataclass(frozen=True)
class Target:
    name: str
    goal: float
    unit: str
    higher_is_better: bool = False

    def verdict(self, value: float | None) -> str:
        """'ok' or how far the value misses the goal, in the target's own unit and in percent."""
        if value is None:
            return "ikke målt"
        met = value >= self.goal if self.higher_is_better else value <= self.goal
        if met:
            return "ok"
        gap = abs(value - self.goal)
        return f"misset med {gap:.3g} {self.unit} ({gap / self.goal * 100:.0f} %)"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with columns padded to their widest cell; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows)
               for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)
