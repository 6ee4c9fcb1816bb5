"""Speed and memory benchmarks; `python -m evals.benchmarks.suite` runs the main set."""
