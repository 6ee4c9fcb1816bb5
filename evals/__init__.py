"""Evaluations and benchmarks, run from the repository root as `python -m evals.<folder>.<script>`.

benchmarks/ time and measure; quality/ judge answers; tuning/ calibrate settings; common/ holds
what several of them share. The question sets and distractor documents lie beside these folders.
"""
