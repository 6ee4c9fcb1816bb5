"""Libraries the benchmarks share: synthetic data, statistics, the report."""
