"""Quote candidates: whole sentences from the retrieved passages, scored by meaning and by words.

A candidate is a unit of a hit's text that reads on its own (index.text.quote_units). Each is
scored by
- meaning: the embedding model's cosine between the question and the candidate,
- words: the question's stemmed BM25 terms it contains, weighted by their rarity among the hits,
- the passage's retrieval rank, and whether the window that matched lies over it.
An interview question ("?") is never quoted; its match passes on to the reply after it.
With a reader configured (index.reranking), it reads the question with each of the best
READ_DEPTH candidates in one pass, and its score orders them instead (`read`).
Candidate vectors are embedded at ingest and kept beside the index (index.stores.unit_store),
keyed by model, document version and span; a unit found nowhere (an index built before, another
model after a reindex) is embedded on first use and kept. A process also holds recent ones in
memory.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from vidensbank.index.open_index import OpenIndex, sparse_document, sparse_query
from vidensbank.index.retrieval.search import Hit, normalize_query
from vidensbank.index.stores.unit_store import UnitKey
from vidensbank.index.text.quote_units import units

# Fusion weights, chosen on the tune half of evals/questions_paraphrase.jsonl and on
# evals/questions.jsonl (evals/tuning/tune_answers.py): meaning counts most (cosines lie within
# about 0.1 of each other); words and the passage's rank break ties. The matched window adds nothing
# there.
W_DENSE = 1.0
W_LEXICAL = 0.1
W_RANK = 0.04
W_WINDOW = 0.0
FRAMING_WORDS = "andre andres"  # who a question asks about, not what (term_weights)
CARRY = 0.5  # share of an interview question's match its reply inherits
CACHE_SIZE = 50_000  # candidate vectors (1.5 KB each)
READ_DEPTH = 12  # candidates the reader reads, the best by meaning and words first
W_READER = 0.05  # the reader's score beside meaning and words (tuned: evals/tuning/tune_reader)


@dataclass(frozen=True)
class Candidate:
    score: float
    hit: Hit
    start: int  # offsets in the document
    end: int
    dense: float = 0.0  # cosine between question and candidate
    lexical: float = 0.0  # share of the question's term weight it contains
    # The unit's own evidence, without what an interview question before it passed on and
    # without the passage's rank: how documents compare with each other
    # (index.answers.selection.select).
    own: float = 0.0
    reader: float | None = None  # the reader's score, where it read this candidate

    @property
    def text(self) -> str:
        return self.hit.span(self.start, self.end)


def evidence_of(dense: float, lexical: float) -> float:
    """Meaning and words fused as one unit's evidence (its own, and refusal's of the best)."""
    return dense + W_LEXICAL * lexical


_cache: OrderedDict[UnitKey, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def unit_vectors(idx: OpenIndex, wanted: list[tuple[Hit, list[tuple[int, int]]]]
                 ) -> list[np.ndarray]:
    """Vectors of each hit's unit spans (document offsets): from memory, else from the unit
    store ingest filled, else embedded now (all hits in one batch) and kept in both."""
    model = idx.model_name
    keys = [[(model, hit.doc_id, str(hit.metadata.get("record_hash") or ""), a, b)
             for a, b in spans] for hit, spans in wanted]
    flat = [k for ks in keys for k in ks]
    with _lock:
        found = {k: _cache[k] for k in flat if k in _cache}
    if len(found) < len(flat):
        found |= idx.units.get_many(k for k in flat if k not in found)
    text_of = {k: hit.span(k[3], k[4])
               for (hit, _), ks in zip(wanted, keys, strict=True) for k in ks}
    missing = list(dict.fromkeys(k for k in flat if k not in found))
    if missing:
        made = [np.asarray(v, dtype=np.float32)
                for v in idx.embedder.embed_passages([text_of[k] for k in missing])]
        found |= dict(zip(missing, made, strict=True))
        idx.units.put_many(zip(missing, made, strict=True))
    with _lock:
        for k in flat:
            _cache[k] = found[k]
            _cache.move_to_end(k)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return [np.stack([found[k] for k in ks]) if ks else np.zeros((0, 1), np.float32)
            for ks in keys]


def term_weights(idx: OpenIndex, question: str, hits: list[Hit]) -> dict[int, float]:
    """Query terms weighted by rarity among the retrieved passages (a local idf). "andre" in
    "Hvordan kobler andre til kernedriften?" names who is asked about, not what: a sentence
    with "andre tilbud" in it says no more about kernedriften."""
    terms = set(sparse_query(idx.bm25, question).indices) - set(
        sparse_query(idx.bm25, FRAMING_WORDS).indices)
    docs = [set(sparse_document(idx.bm25, h.text).indices) for h in hits]
    n = len(docs) or 1
    return {t: math.log(1 + n / (1 + sum(t in d for d in docs))) for t in terms}


def candidates(idx: OpenIndex, question: str, hits: list[Hit]) -> list[Candidate]:
    """Every readable unit of the hits, best first."""
    weights = term_weights(idx, question, hits)
    total = sum(weights.values()) or 1.0
    query = idx.embedder.embed_query(normalize_query(question)) if hits else None
    out = []
    found_of = [units(hit.text) for hit in hits]
    spans_of = [[(hit.start_char + a, hit.start_char + b) for a, b, _ in found]
                for hit, found in zip(hits, found_of, strict=True)]
    vectors_of = unit_vectors(idx, list(zip(hits, spans_of, strict=True)))
    for hit, found, spans, vectors in zip(hits, found_of, spans_of, vectors_of, strict=True):
        cosines = vectors @ query if spans else []
        carried = (0.0, 0.0)  # an interview question passes its match on to the reply after it
        for (a, b), (_, _, asked), cos in zip(spans, found, cosines, strict=True):
            text = hit.span(a, b)
            terms = set(sparse_document(idx.bm25, text).indices)
            lexical = sum(w for t, w in weights.items() if t in terms) / total
            dense = float(cos)
            own = evidence_of(dense, lexical)
            if asked:
                carried = (dense, lexical)
                continue
            dense, lexical = max(dense, carried[0]), max(lexical, carried[1])
            carried = (carried[0] * CARRY, carried[1] * CARRY)
            in_window = a < hit.window_end and hit.window_start < b
            score = (W_DENSE * dense + W_LEXICAL * lexical + W_RANK / hit.rank
                     + W_WINDOW * in_window)
            out.append(Candidate(score, hit, a, b, dense, lexical, own))
    return sorted(out, key=lambda c: -c.score)


def read(reader: Any, question: str, cands: list[Candidate]) -> list[Candidate]:
    """The best READ_DEPTH candidates with the reader's score added to their score and their own
    evidence (W_READER each), the rest after them, below every one read. Without a reader,
    `cands` as they are."""
    if reader is None or not cands:
        return cands
    head = cands[:READ_DEPTH]
    scores = reader.rerank(question, [c.text for c in head])
    read_ = [dataclasses.replace(c, score=c.score + W_READER * float(r),
                                 own=c.own + W_READER * float(r), reader=float(r))
             for c, r in zip(head, scores, strict=True)]
    drop = W_READER * (float(scores.min()) - 1.0)  # what the unread lose: more than any read
    rest = [dataclasses.replace(c, score=c.score + drop, own=c.own + drop)
            for c in cands[READ_DEPTH:]]
    return sorted(read_, key=lambda c: -c.score) + rest
