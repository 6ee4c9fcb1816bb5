"""Choose the quote fusion weights and the refusal threshold on the tune halves.

    python -m evals.tuning.tune_answers INDEX_DIR [--depth 8]

Candidates are computed once per question (index.answers.quotes with the code's weights), then
re-scored for each weight setting: answer recall of the selected quotes on
evals/questions_paraphrase.jsonl `split: tune` (questions.jsonl shown beside it). The refusal
threshold is the highest that wrongly refuses no answerable tune question (questions_paraphrase
`tune` and questions.jsonl, which has no split); with the word and place signs of
index.answers.refusal, its figures on the tune and test halves are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path

from vidensbank.index.answers import extractive as answer_mod
from vidensbank.index.answers import quotes, refusal, selection
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.index.evaluation.answers import load_offtopic
from vidensbank.index.evaluation.runs import OFFTOPIC_QUESTIONS, gold_span, load_all_questions
from vidensbank.index.retrieval.search import search


def rescore(cands, w_lex: float, w_rank: float, w_win: float):
    def window(c) -> bool:
        return c.start < c.hit.window_end and c.hit.window_start < c.end

    out = [dataclasses.replace(c, score=c.dense + w_lex * c.lexical + w_rank / c.hit.rank
                               + w_win * window(c)) for c in cands]
    return sorted(out, key=lambda c: -c.score)


def hit_gold(chosen, doc_id: str, span) -> bool:
    return any(c.hit.doc_id == doc_id and c.start < span[1] and span[0] < c.end for c in chosen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("--depth", type=int, default=answer_mod.SEARCH_DEPTH)
    args = parser.parse_args()
    questions = load_all_questions()
    offtopic = load_offtopic(OFFTOPIC_QUESTIONS)
    with Library.open(Config(index_dir=args.index)) as library:
        idx = library.idx
        gold = {q.id: (q, gold_span(idx, q)) for q in questions}
        gold = {k: v for k, v in gold.items() if v[1]}
        found = {qid: search(idx, q.question, top_k=args.depth) for qid, (q, _) in gold.items()}
        cands = {qid: quotes.candidates(idx, gold[qid][0].question, hits)
                 for qid, hits in found.items()}
        off_hits = {o.id: search(idx, o.question, top_k=args.depth) for o in offtopic}
        off = {o.id: quotes.candidates(idx, o.question, off_hits[o.id]) for o in offtopic}

    def group(name: str, split: str | None = None) -> list[str]:
        return [k for k, (q, _) in gold.items() if q.set_name == name
                and (split is None or q.split == split)]

    groups = {"para:tune": group("questions_paraphrase", "tune"),
              "para:test": group("questions_paraphrase", "test"),
              "questions": group("questions")}
    print("oracle (any candidate holds gold):", {n: round(sum(
        hit_gold(cands[k], gold[k][0].doc_id, gold[k][1]) for k in ids) / len(ids), 3)
        for n, ids in groups.items()})
    rows = []
    for w_lex, w_rank, w_win, margin, limit in itertools.product(
            (0.0, 0.1, 0.25, 0.5), (0.0, 0.04, 0.08, 0.15), (0.0, 0.03),
            (0.0, 0.01, 0.02, 0.04, 0.08), (4, 5)):
        score = {}
        for name, ids in groups.items():
            ok = sum(hit_gold(selection.select(rescore(cands[k], w_lex, w_rank, w_win), limit,
                                                margin), gold[k][0].doc_id, gold[k][1])
                     for k in ids)
            score[name] = round(ok / len(ids), 3)
        rows.append((score["para:tune"], score["questions"], w_lex, w_rank, w_win, margin, limit,
                     score))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    for r in rows[:15]:
        print(f"lex={r[2]} rank={r[3]} win={r[4]} margin={r[5]} limit={r[6]} -> {r[7]}")
    now = [r for r in rows if r[2:7] == (quotes.W_LEXICAL, quotes.W_RANK, quotes.W_WINDOW,
                                          selection.MARGIN, selection.MAX_CITATIONS)]
    print("the code's setting:", now[0][7] if now else "not in the grid")

    # Refusal: the highest threshold that refuses no answerable tune question.
    ev_ans = {k: refusal.evidence(c) for k, c in cands.items()}
    ev_off = {k: refusal.evidence(c) for k, c in off.items()}
    split_of = {o.id: o.split for o in offtopic}
    tune_ans = [ev_ans[k] for k in groups["para:tune"] + groups["questions"]]
    threshold = min(tune_ans)
    question_of = {k: q.question for k, (q, _) in gold.items()} | {o.id: o.question
                                                                   for o in offtopic}
    hits_of = found | off_hits

    def refused(k: str, c) -> bool:
        return refusal.refuse(c, threshold, question=question_of[k], hits=hits_of[k])

    print(f"\nevidence: answerable tune min {min(tune_ans):.4f}; off-topic tune max "
          f"{max(v for k, v in ev_off.items() if split_of[k] == 'tune'):.4f}")
    for o in sorted(offtopic, key=lambda o: -ev_off[o.id])[:8]:
        print(f"  {ev_off[o.id]:.4f} {o.split} {o.kind} {o.question}")
    for k in sorted(ev_ans, key=lambda k: ev_ans[k])[:8]:
        print(f"  {ev_ans[k]:.4f} {gold[k][0].split} {k} {gold[k][0].question}")
    print(f"threshold (just under the weakest answerable tune question): {threshold:.4f}")
    for split in ("tune", "test"):
        offs = [refused(k, c) for k, c in off.items() if split_of[k] == split]
        ans = [refused(k, cands[k]) for k in groups[f"para:{split}"]]
        print(f"{split}: off-topic refused {sum(offs)}/{len(offs)}, "
              f"answerable wrongly refused {sum(ans)}/{len(ans)}")
    qs = [refused(k, cands[k]) for k in groups["questions"]]
    print(f"questions.jsonl: wrongly refused {sum(qs)}/{len(qs)}")


if __name__ == "__main__":
    main()
