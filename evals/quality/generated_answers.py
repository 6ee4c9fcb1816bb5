"""Citation quality of generated answers from a real model: free text against structured output.

Per mode, over the questions: ALCE citation recall and precision (index.evaluation.citations) over
all the model's sentences, the share of sentences shown as supported, the share of answers that fell
back to the extractive answer, and the citation precision of the sentences shown as supported as
two other judges score them (all-MiniLM-L6-v2 with its own calibration, and stem overlap alone):
the checker itself passes those by construction, so only another judge can say if it errs.

    python -m llama_cpp.server --model .../SmolLM2-135M-Instruct.Q4_1.gguf --port 8077 &
    python -m evals.quality.generated_answers --llm http://127.0.0.1:8077 --index .vidensbank \
        --limit 24

Figures come for all questions and for two halves, `tune` (1st, 3rd, 5th ... question) and `test`
(the others): a threshold is chosen on `tune`, and `test` says how it holds. Shown-supported
precision is given apart for the model's own sentences and for quotes shown in their place.

`--replies FILE` keeps the model's replies (temperature 0) keyed by request, so a change in what
is shown or in a threshold can be judged again on the same replies without the server.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import replace
from pathlib import Path
from statistics import median
from types import SimpleNamespace
from typing import Any

from vidensbank.index.answers.citation_check import (
    CALIBRATION,
    LEXICAL,
    SentenceCheck,
    SupportScorer,
    strip_markers,
)
from vidensbank.index.answers.generated import Rejected, complete, generate, make_llm
from vidensbank.index.config import load_config
from vidensbank.index.evaluation.citations import citation_metrics
from vidensbank.index.evaluation.runs import load_questions
from vidensbank.index.open_index import OpenIndex

MODES = ("free", "structured")
MINILM = "sentence-transformers/all-MiniLM-L6-v2"


class RecordedLLM:
    """The model behind a store of its replies: a request seen before is answered from it."""

    def __init__(self, llm: Any, path: Path | None) -> None:
        self.llm, self.path = llm, path
        self.api_base = getattr(llm, "api_base", "")
        self.replies: dict[str, dict[str, str]] = (
            json.loads(path.read_text()) if path and path.exists() else {})

    def chat(self, messages: list[Any], **kwargs: Any) -> Any:
        key = hashlib.sha256(json.dumps([[[m.role, m.content] for m in messages], kwargs],
                                        sort_keys=True, default=str).encode()).hexdigest()
        if key not in self.replies:
            try:
                self.replies[key] = {"content": complete(self.llm, messages, **kwargs)}
            except Rejected as exc:
                self.replies[key] = {"rejected": str(exc)}
            if self.path:
                self.path.write_text(json.dumps(self.replies, ensure_ascii=False))
        if "rejected" in self.replies[key]:
            raise Rejected(self.replies[key]["rejected"])
        return SimpleNamespace(message=SimpleNamespace(content=self.replies[key]["content"]))


def judges(idx: OpenIndex) -> dict[str, SupportScorer]:
    from vidensbank.index.embedders.st_model import SentenceTransformerEmbedding

    minilm = SentenceTransformerEmbedding(MINILM)
    return {"minilm": SupportScorer(minilm, idx.bm25, CALIBRATION[MINILM]),
            "lexical": SupportScorer(idx.embedder, idx.bm25, LEXICAL)}


def judged_precision(shown: list[tuple[SentenceCheck, list]], judge: SupportScorer) -> float:
    """Share of the citations of supported sentences that `judge` finds supporting."""
    good = total = 0
    for s, hits in shown:
        bare = strip_markers(s.text)
        vector = judge.embed([bare])[0]
        for n in s.citations:
            total += 1
            good += judge.supports(judge.score(bare, vector, [hits[n - 1]]))
    return good / total if total else 0.0


def split_of(i: int) -> str:
    return "tune" if i % 2 == 0 else "test"


def figures(results: list, others: dict[str, SupportScorer]) -> dict:
    """One mode's figures over `results` (GeneratedAnswer, seconds) pairs."""
    checks = [s for r, _ in results for s in r.sentences]
    shown = [(s, r.hits) for r, _ in results for s in r.sentences if s.supported]
    m = citation_metrics(checks)
    m["answers"] = len(results)
    m["fallback_share"] = sum(r.mode == "fallback" for r, _ in results) / max(len(results), 1)
    m["structured_replies"] = sum(r.output == "structured" for r, _ in results)
    kinds = {"": shown, "_own": [x for x in shown if x[0].model_sentence is None],
             "_quote": [x for x in shown if x[0].model_sentence is not None],
             "_generated": [(s, r.hits) for r, _ in results if r.mode == "generated"
                            for s in r.sentences if s.supported]}
    for kind, found in kinds.items():
        m[f"shown_supported{kind}"] = len(found)
        m.update({f"shown_precision{kind}_{name}": judged_precision(found, judge)
                  for name, judge in others.items()})
    m["median_s"] = median(t for _, t in results) if results else 0.0
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llm", required=True)
    ap.add_argument("--index", type=Path, default=Path(".vidensbank"))
    ap.add_argument("--limit", type=int, default=24, help="the first N questions")
    ap.add_argument("--top-k", type=int, default=None, help="passages per answer")
    ap.add_argument("--out", type=Path, default=Path("test-output/bench_llm.json"))
    ap.add_argument("--replies", type=Path, default=None, help="store of the model's replies")
    args = ap.parse_args()
    config = load_config(index_dir=args.index)
    idx = OpenIndex.open(config)
    try:
        llm = RecordedLLM(make_llm(replace(config, llm_url=args.llm)), args.replies)
        questions = load_questions()[: args.limit]
        results: dict[str, list] = {m: [] for m in MODES}
        rows = []
        for i, q in enumerate(questions):
            for mode in MODES:  # interleaved: both modes see the same load
                t0 = time.perf_counter()
                result = generate(idx, q.question, llm=llm, top_k=args.top_k,
                                  constrained=mode == "structured")
                results[mode].append((i, result, time.perf_counter() - t0))
                rows.append({"id": q.id, "split": split_of(i), "asked": mode,
                             **result.as_dict()})
            print(f"{i + 1}/{len(questions)}", flush=True)
        others = judges(idx)
        out = {part: {mode: figures([(r, t) for i, r, t in found
                                     if part == "all" or split_of(i) == part], others)
                      for mode, found in results.items()}
               for part in ("all", "tune", "test")}
    finally:
        idx.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"questions": len(questions), "top_k": args.top_k,
                                    "figures": out, "answers": rows},
                                   ensure_ascii=False, indent=1, default=str))
    print(json.dumps({"questions": len(questions), "figures": out}, indent=1))


if __name__ == "__main__":
    main()
