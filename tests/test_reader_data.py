"""The reader's training data stays apart from what judges it: the training-only articles
(evals/tuning/reader_texts/) hold no evaluation text and no place the corpus is about, and every
question written over them names a sentence that is there, once, and no evaluated place."""

from __future__ import annotations

import json
import re

from evals.tuning.reader_pairs import (
    TRAINING_PREFIX,
    TRAINING_TEXTS,
    WRITTEN,
    gold_answers,
    touches_gold,
)

# The places corpus/ and the evaluation sets are about: training text must not teach them.
EVALUATED_PLACES = ("Sønderborg", "Aabenraa", "Roskilde", "Ishøj", "Silkeborg", "Varde", "Randers",
                    "Vejleåparken", "Lupinvej", "Resedavej", "Lerpøtparken", "Isbjerg Parken",
                    "Strandgårdsskolen", "Rønnebærparken", "Æblehaven")


def _evaluated_places_in(text: str) -> list[str]:
    return [p for p in EVALUATED_PLACES if re.search(rf"(?<!\w){p}", text)]


def _articles() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(TRAINING_TEXTS.glob("*.txt"))}


def test_training_articles_name_no_evaluated_place_and_hold_no_gold():
    articles = _articles()
    assert len(articles) >= 50
    gold = [g for g in gold_answers() if len(g) >= 20]
    for name, text in articles.items():
        assert name.startswith(TRAINING_PREFIX), name  # how the miner tells them (no ict pairs)
        assert text.splitlines()[0].strip(), name  # the first line is the title
        assert not (named := _evaluated_places_in(text)), (name, named)
        assert not touches_gold([text], gold), name  # the miner's own check


def test_written_questions_over_training_articles_point_at_one_sentence():
    articles = _articles()
    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    mine = [r for r in rows if r["doc"] in articles]
    assert len(mine) >= 10 * len(articles) * 0.9
    for r in mine:
        assert articles[r["doc"]].count(r["answer"]) == 1, (r["doc"], r["answer"])
        assert 40 <= len(r["answer"]) <= 300 and "\n" not in r["answer"]
        # asked in other words, still about fictional places
        assert not (named := _evaluated_places_in(r["question"])), (r["question"], named)
