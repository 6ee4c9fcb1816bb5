"""`vidensbank eval [--model A --model B ...] [--llm URL]`: retrieval and citation quality.

One model: the index as it is (the JSON keeps evaluate()'s keys, plus `citation_quality`).
Several: one table; each model other than the index's own is judged on a temporary re-embedded
copy of the index (index.compare_models), so all see the same chunks. JSON: {"models": {...}}.
"""

from __future__ import annotations

import argparse
from typing import Any

from app import render
from app.cli import emit
from index.compare_models import evaluate_models
from index.config import Config
from index.evaluation import load_all_questions, load_questions

ANSWER_MODES = {"extractive": "udtræk", "llm": "sprogmodel"}


def retrieval_table(results: dict[str, Any]) -> list[str]:
    keys = list(next(iter(next(iter(results.values()))["modes"].values())))
    width = max(len(m) for m in results) + 2
    lines = [f"{'model':<{width}}{'søgning':<9}" + "".join(f"{k:>11}" for k in keys)]
    for model, result in results.items():
        for mode, values in result["modes"].items():
            lines.append(f"{model:<{width}}{mode:<9}" + "".join(f"{values[k]:>11.3f}"
                                                                   for k in keys))
    return lines


def citation_table(results: dict[str, Any]) -> list[str]:
    width = max(len(m) for m in results) + 2
    lines = [f"{'model':<{width}}{'svar':<12}{'præcision':>11}{'recall':>9}{'sætninger':>11}"]
    for model, result in results.items():
        for mode, c in result["citation_quality"].items():
            lines.append(f"{model:<{width}}{ANSWER_MODES.get(mode, mode):<12}"
                         f"{c['precision']:>11.3f}{c['recall']:>9.3f}{c['sentences']:>11}")
    return lines


def comparison_text(results: dict[str, Any]) -> str:
    first = next(iter(results.values()))
    head = retrieval_table(results) if len(results) > 1 else [render.eval_text(first)]
    return "\n".join([*head, "", "Citater (ALCE: præcision og recall pr. sætning):",
                      *citation_table(results)])


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    # By default every evals/questions*.jsonl; each file is reported as its own set.
    questions = load_questions(args.questions) if args.questions else load_all_questions()
    llm = None
    if config.llm_url:
        from index.generate import make_llm

        llm = make_llm(config)
    # Without --model the index is judged as it is (another configured model is refused).
    results = evaluate_models(config, args.models or [config.model], questions, llm=llm,
                              copy_other=bool(args.models))
    data = next(iter(results.values())) if len(results) == 1 else {"models": results}
    emit(args, data, lambda _: comparison_text(results))
    return 0
