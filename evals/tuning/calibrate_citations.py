"""Calibrate the citation checker's support score on evals/questions.jsonl; prints the figures.

Pairs: each gold answer sentence vs the chunk that holds it (supported) and vs the most similar
chunk of another document by the model's own dense search (unsupported: the "right answer, wrong
passage" fault). Also reported: a random chunk of another document (an easy negative). For each
cosine weight the F1-best threshold is printed; copy the chosen one into
index/citation_check.CALIBRATION.

    python -m evals.tuning.calibrate_citations --index .vidensbank [--model NAME]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from vidensbank.index.answers.citation_check import Calibration, SupportScorer
from vidensbank.index.config import load_config
from vidensbank.index.evaluation.citations import best_threshold
from vidensbank.index.evaluation.runs import gold_span, load_questions
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import search

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Passage:
    title: str
    text: str


def gold_passage(idx: OpenIndex, doc_id: str, span: tuple[int, int]) -> Passage:
    chunks = {c.payload["chunk_id"]: c.payload for c in idx.store.chunks_of(doc_id)}

    def overlap(p: dict) -> int:
        return min(span[1], p["end_char"]) - max(span[0], p["start_char"])

    best = max(chunks.values(), key=overlap)
    return Passage(best.get("title") or "", best["text"])


def pairs(idx: OpenIndex, rng: random.Random) -> list[tuple[str, Passage, str]]:
    """(sentence, passage, label) with label 'gold', 'hard' or 'random'."""
    every = [c.payload for batch in idx.store.all_chunks(with_vectors=False) for c in batch]
    out = []
    for q in load_questions():
        span = gold_span(idx, q)
        if span is None:
            continue
        out.append((q.answer, gold_passage(idx, q.doc_id, span), "gold"))
        other = next(h for h in search(idx, q.answer, top_k=20, mode="dense")
                     if h.doc_id != q.doc_id)
        out.append((q.answer, Passage(other.title, other.text), "hard"))
        pick = rng.choice([p for p in every if p["doc_id"] != q.doc_id])
        out.append((q.answer, Passage(pick.get("title") or "", pick["text"]), "random"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".vidensbank"))
    parser.add_argument("--model")
    args = parser.parse_args()
    idx = OpenIndex.open(load_config(index_dir=args.index, model=args.model))
    scorer = SupportScorer(idx.embedder, idx.bm25, Calibration(1.0, 0.0))
    rows = []
    for sentence, passage, label in pairs(idx, random.Random(0)):
        cos = scorer.cosine(scorer.embed([sentence])[0], [passage])
        rows.append((cos, scorer.overlap(sentence, [passage]), label))
    print(f"model {idx.manifest['model']['name']}: {sum(r[2] == 'gold' for r in rows)} pairs each")
    for label in ("gold", "hard", "random"):
        cos = sorted(r[0] for r in rows if r[2] == label)
        ovl = sorted(r[1] for r in rows if r[2] == label)
        print(f"  {label:<6} cosine min {cos[0]:.3f} median {cos[len(cos) // 2]:.3f} "
              f"max {cos[-1]:.3f} | overlap min {ovl[0]:.3f} median {ovl[len(ovl) // 2]:.3f} "
              f"max {ovl[-1]:.3f}")
    for negatives in ("hard", "random"):
        used = [r for r in rows if r[2] in ("gold", negatives)]
        for w in WEIGHTS:
            best = best_threshold([w * c + (1 - w) * o for c, o, _ in used],
                                  [lab == "gold" for _, _, lab in used])
            print(f"  vs {negatives:<6} weight {w:.2f}: threshold {best['threshold']:.3f} "
                  f"(same from {best['below']:.3f}) "
                  f"F1 {best['f1']:.3f} P {best['precision']:.3f} R {best['recall']:.3f}")
    idx.close()


if __name__ == "__main__":
    main()
