"""Citation quality of generated answers from a real model: free text against structured output.

Per mode, over the questions: ALCE citation recall and precision (index.citation_eval) over all
the model's sentences, the share of sentences shown as supported, the share of answers that fell
back to the extractive answer, and the citation precision of the sentences shown as supported as
two other judges score them (all-MiniLM-L6-v2 with its own calibration, and stem overlap alone):
the checker itself passes those by construction, so only another judge can say if it errs.

    python -m llama_cpp.server --model .../SmolLM2-135M-Instruct.Q4_1.gguf --port 8077 &
    python evals/bench_llm.py --llm http://127.0.0.1:8077 --index .vidensbank --limit 24
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from statistics import median

from vidensbank.index.citation_check import (
    CALIBRATION,
    LEXICAL,
    SentenceCheck,
    SupportScorer,
    scorer_for,
    strip_markers,
)
from vidensbank.index.citation_eval import citation_metrics
from vidensbank.index.config import load_config
from vidensbank.index.evaluation import load_questions
from vidensbank.index.generate import generate, make_llm
from vidensbank.index.kb import KnowledgeBase

MODES = ("free", "structured")
MINILM = "sentence-transformers/all-MiniLM-L6-v2"


def judges(kb: KnowledgeBase) -> dict[str, SupportScorer]:
    from vidensbank.index.embedders.st_model import SentenceTransformerEmbedding

    minilm = SentenceTransformerEmbedding(MINILM)
    return {"minilm": SupportScorer(minilm, kb.bm25, CALIBRATION[MINILM]),
            "lexical": SupportScorer(kb.embedder, kb.bm25, LEXICAL)}


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llm", required=True)
    ap.add_argument("--index", type=Path, default=Path(".vidensbank"))
    ap.add_argument("--limit", type=int, default=24, help="the first N questions")
    ap.add_argument("--top-k", type=int, default=None, help="passages per answer")
    ap.add_argument("--out", type=Path, default=Path("test-output/bench_llm.json"))
    args = ap.parse_args()
    config = load_config(index_dir=args.index)
    kb = KnowledgeBase.open(config)
    try:
        llm = make_llm(replace(config, llm_url=args.llm))
        questions = load_questions()[: args.limit]
        checks: dict[str, list[SentenceCheck]] = {m: [] for m in MODES}
        shown: dict[str, list] = {m: [] for m in MODES}
        fallbacks = dict.fromkeys(MODES, 0)
        outputs: dict[str, list[str]] = {m: [] for m in MODES}
        seconds: dict[str, list[float]] = {m: [] for m in MODES}
        rows = []
        for i, q in enumerate(questions, start=1):
            for mode in MODES:  # interleaved: both modes see the same load
                t0 = time.perf_counter()
                result = generate(kb, q.question, llm=llm, top_k=args.top_k,
                                  constrained=mode == "structured")
                seconds[mode].append(time.perf_counter() - t0)
                checks[mode] += result.sentences
                shown[mode] += [(s, result.hits) for s in result.sentences if s.supported]
                fallbacks[mode] += result.mode == "fallback"
                outputs[mode].append(result.output)
                rows.append({"id": q.id, "mode": mode, **result.as_dict()})
            print(f"{i}/{len(questions)}", flush=True)
        scorer_for(kb)  # the checker's own figures are in the sentence checks
        others = judges(kb)
        figures = {}
        for mode in MODES:
            m = citation_metrics(checks[mode])
            m["fallback_share"] = fallbacks[mode] / len(questions)
            m["structured_replies"] = outputs[mode].count("structured")
            m["shown_supported"] = len(shown[mode])
            m.update({f"shown_precision_{name}": judged_precision(shown[mode], judge)
                      for name, judge in others.items()})
            m["median_s"] = median(seconds[mode])
            figures[mode] = m
    finally:
        kb.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"questions": len(questions), "figures": figures,
                                    "answers": rows}, ensure_ascii=False, indent=1, default=str))
    print(json.dumps({"questions": len(questions), "figures": figures}, indent=1))


if __name__ == "__main__":
    main()
