"""How fast the app answers: opening the index once, then questions on the Spørg page.

    python -m evals.benchmarks.app --index .vidensbank [--repeat 20]

Prints the one-off start (model and index opened through the app's cache), the time of
`answer()` on the cached knowledge base, and a whole Streamlit run of the Spørg page asking an
example question (AppTest: script run, answer and rendering, no browser).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from vidensbank.app import resources
from vidensbank.app import ui_text as T
from vidensbank.index.answers.extractive import answer
from vidensbank.index.config import load_config

ROOT = Path(__file__).resolve().parents[2]


def timed(fn: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    return (f"{name:<34} n={len(ms):<3} p50 {statistics.median(ms):7.1f} ms   "
            f"p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms")


def page_run(question: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "app_pages" / "ask.py"), default_timeout=120)
    at.run()
    at.text_input(key="ask_input").set_value(question)
    start = time.perf_counter()
    at.button[0].click().run()
    elapsed = time.perf_counter() - start
    if at.exception or not at.session_state["ask_result"].citations:
        raise SystemExit(f"Spørg-siden svarede ikke på {question!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="indeksmappe (standard: $VIDENSBANK_INDEX)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.index:
        os.environ["VIDENSBANK_INDEX"] = args.index
    config = load_config()
    start = time.perf_counter()
    idx = resources.open_library(config)
    print(f"{'start (model + index, once)':<34} {1000 * (time.perf_counter() - start):7.1f} ms")
    questions = list(T.EXAMPLE_QUESTIONS)
    first = timed(answer, idx, questions[0])
    print(f"{'first question after start':<34} {1000 * first:7.1f} ms")
    runs = [timed(answer, idx, questions[i % len(questions)]) for i in range(args.repeat)]
    print(summary("answer() on the cached index", runs))
    pages = [page_run(questions[i % len(questions)]) for i in range(max(3, args.repeat // 4))]
    print(summary("Spørg page run (AppTest)", pages))
    resources.close_all()


if __name__ == "__main__":
    main()
