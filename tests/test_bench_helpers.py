"""The benchmark's pure helpers (evals/common/stats.py): percentiles, disk accounting, targets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from evals.common import stats as st


@pytest.mark.parametrize(("values", "q"), [
    ([5.0], 50), ([5.0], 95), ([1.0, 2.0], 50), ([3.0, 1.0, 2.0], 50),
    (list(range(1, 201)), 95), (list(range(1, 201)), 50), ([0.2, 9.0, 1.5, 1.4, 30.0], 95),
    ([4.0, 4.0, 4.0], 0), ([1.0, 7.0, 3.0], 100),
])
def test_percentile_matches_numpy_linear(values: list[float], q: float) -> None:
    assert st.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        st.percentile([], 50)


def test_summarize_ms_converts_seconds() -> None:
    summary = st.summarize_ms([0.001, 0.002, 0.003, 0.004])
    assert summary["n"] == 4
    assert summary["p50"] == pytest.approx(2.5)
    assert summary["max"] == pytest.approx(4.0)
    assert summary["mean"] == pytest.approx(2.5)


def test_allocated_bytes_counts_blocks_not_apparent_size(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # 64 MiB apparent, nothing written
    dense = tmp_path / "sub" / "dense.bin"
    dense.parent.mkdir()
    dense.write_bytes(os.urandom(100_000))
    total = st.allocated_bytes(tmp_path)
    assert sparse.stat().st_size == 64 * 1024 * 1024
    assert 100_000 <= total < 1024 * 1024
    assert st.allocated_bytes(dense) == dense.stat().st_blocks * 512


@pytest.mark.parametrize(("encoder", "seq_len", "expected"), [
    # e5-small: 12 x (4 x 384^2 + 2 x 384 x 1536) = 21,233,664 matmul weights.
    (st.E5_SMALL, 0, 2 * 21_233_664),
    (st.E5_SMALL, 100, 2 * 21_233_664 + 12 * 4 * 100 * 384),
    (st.Encoder(layers=1, hidden=2, ffn=4), 3, 2 * (4 * 4 + 2 * 2 * 4) + 4 * 3 * 2),
])
def test_flops_per_token(encoder: object, seq_len: int, expected: float) -> None:
    assert encoder.flops_per_token(seq_len) == expected  # type: ignore[attr-defined]


def test_matmul_flops() -> None:
    assert st.matmul_flops(2) == 16


@pytest.mark.parametrize(("target", "value", "verdict"), [
    (st.Target("p95", 50.0, "ms"), 12.0, "ok"),
    (st.Target("p95", 50.0, "ms"), 50.0, "ok"),
    (st.Target("p95", 50.0, "ms"), 75.0, "misset med 25 ms (50 %)"),
    (st.Target("x", 2.0, "x", higher_is_better=True), 2.5, "ok"),
    (st.Target("x", 2.0, "x", higher_is_better=True), 1.5, "misset med 0.5 x (25 %)"),
    (st.Target("p95", 50.0, "ms"), None, "ikke målt"),
])
def test_target_verdict(target: object, value: float | None, verdict: str) -> None:
    assert target.verdict(value) == verdict  # type: ignore[attr-defined]


def test_format_table_aligns_columns() -> None:
    text = st.format_table(["navn", "ms"], [["edge", 1.25], ["local mode", 333.4], ["x", None]])
    lines = text.splitlines()
    assert lines[0].startswith("navn")
    assert lines[2] == "edge        1.25"
    assert lines[3] == "local mode   333"
    assert lines[4] == "x              -"
    assert len({len(line) for line in lines[:2]}) == 1
