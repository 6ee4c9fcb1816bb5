"""Quote candidates: whole sentences from the retrieved passages, scored by meaning and by words.

A candidate is a span of a hit's text that reads on its own: one or more sentences, never a
heading, never a lead-in ending in ":" without what it introduces, never starting or ending inside
a quotation (the sentences of a quotation stay together; a quotation too long to quote whole,
such as a long interview reply, gives its sentences one by one, the first and last without the
marks around it). Each is scored by
- meaning: the embedding model's cosine between the question and the candidate,
- words: the question's stemmed BM25 terms it contains, weighted by their rarity among the hits,
- the passage's retrieval rank, and whether the window that matched lies over it.
An interview question ("?") is never quoted; its match passes on to the reply after it.
Candidate vectors are cached per document version and span, so a warm process embeds only
passages it has not seen.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from vidensbank.index.answer_eval import fragment_reason, unbalanced_quotation
from vidensbank.index.kb import KnowledgeBase, sparse_document, sparse_query
from vidensbank.index.search import Hit
from vidensbank.index.sentences import sentence_spans

MIN_QUOTE_CHARS = 40  # shorter sentences are joined with the next one on their line
MAX_QUOTE_CHARS = 500
# Fusion weights, chosen on the tune half of evals/questions_paraphrase.jsonl and on
# evals/questions.jsonl (evals/tune_answers.py): meaning counts most (cosines lie within about 0.1
# of each other); words and the passage's rank break ties. The matched window adds nothing there.
W_DENSE = 1.0
W_LEXICAL = 0.1
W_RANK = 0.04
W_WINDOW = 0.0
CARRY = 0.5  # share of an interview question's match its reply inherits
CACHE_SIZE = 50_000  # candidate vectors (1.5 KB each)


@dataclass(frozen=True)
class Candidate:
    score: float
    hit: Hit
    start: int  # offsets in the document
    end: int
    dense: float = 0.0  # cosine between question and candidate
    lexical: float = 0.0  # share of the question's term weight it contains
    # The unit's own evidence, without what an interview question before it passed on and
    # without the passage's rank: how documents compare with each other (index.answer.select).
    own: float = 0.0


_MARKS = "”“„«»\""


def _opens_quotation(text: str) -> bool:
    return text.lstrip()[:1] in "”“„«\""


def _bare(text: str, a: int, b: int) -> tuple[int, int]:
    """The sentence `text[a:b]` without the quotation mark it opens or closes a quotation with:
    «”For eksempel med det fremskudte jobcenter.» reads whole as «For eksempel med ...».
    """
    piece = text[a:b]
    if _opens_quotation(piece):
        a += len(piece) - len(piece.lstrip()) + 1
    elif piece.rstrip()[-1:] in _MARKS:
        b = a + len(piece.rstrip()) - 1
    return a, b


def units(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_question) of the readable units of `text`, in its own offsets."""
    spans = sentence_spans(text)
    out: list[tuple[int, int, bool]] = []

    def emit(a: int, b: int) -> None:
        piece = text[a:b]
        closing = piece.rstrip("”\"’»)] ")[-1:]
        if b - a <= MAX_QUOTE_CHARS and (closing == "?" or fragment_reason(piece) is None):
            out.append((a, b, closing == "?"))

    i = 0
    while i < len(spans):
        a, b = spans[i]
        piece = text[a:b]
        if unbalanced_quotation(piece) and not _opens_quotation(piece):
            emit(*_bare(text, a, b))  # the last sentence of a quotation begun before it
            i += 1
            continue
        j = i
        while j + 1 < len(spans) and b - a <= MAX_QUOTE_CHARS:
            piece = text[a:b]
            short = b - a < MIN_QUOTE_CHARS and "\n" not in text[b:spans[j + 1][0]]
            if not (short or piece.endswith(":") or unbalanced_quotation(piece)):
                break
            j += 1
            b = spans[j][1]
        if b - a > MAX_QUOTE_CHARS and j > i:
            # Too long to quote whole (a long interview reply): its sentences stand on their
            # own, the first and last without the quotation marks around the reply.
            emit(*_bare(text, *spans[i]))
            i += 1
            continue
        emit(a, b)
        i = j + 1
    return out


_cache: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
_lock = threading.Lock()


def _vectors(kb: KnowledgeBase, hit: Hit, spans: list[tuple[int, int]]) -> np.ndarray:
    """Passage vectors of `spans` of `hit` (document offsets), from the cache where it can."""
    model = str(kb.manifest.get("model", {}).get("name", ""))
    version = str(hit.metadata.get("record_hash") or "")
    keys = [(model, hit.doc_id, version, str(a), str(b)) for a, b in spans]
    with _lock:
        found = {k: _cache[k] for k in keys if k in _cache}
    missing = [(k, s) for k, s in zip(keys, spans, strict=True) if k not in found]
    if missing:
        texts = [hit.text[a - hit.start_char:b - hit.start_char] for _, (a, b) in missing]
        made = kb.embedder.embed_passages(texts)
        with _lock:
            for (k, _), v in zip(missing, made, strict=True):
                found[k] = _cache[k] = np.asarray(v, dtype=np.float32)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)


def term_weights(kb: KnowledgeBase, question: str, hits: list[Hit]) -> dict[int, float]:
    """Query terms weighted by rarity among the retrieved passages (a local idf)."""
    terms = set(sparse_query(kb.bm25, question).indices)
    docs = [set(sparse_document(kb.bm25, h.text).indices) for h in hits]
    n = len(docs) or 1
    return {t: math.log(1 + n / (1 + sum(t in d for d in docs))) for t in terms}


def candidates(kb: KnowledgeBase, question: str, hits: list[Hit]) -> list[Candidate]:
    """Every readable unit of the hits, best first."""
    weights = term_weights(kb, question, hits)
    total = sum(weights.values()) or 1.0
    query = kb.embedder.embed_query(" ".join(question.split())) if hits else None
    out = []
    for hit in hits:
        found = units(hit.text)
        spans = [(hit.start_char + a, hit.start_char + b) for a, b, _ in found]
        cosines = _vectors(kb, hit, spans) @ query if spans else []
        carried = (0.0, 0.0)  # an interview question passes its match on to the reply after it
        for (a, b), (_, _, asked), cos in zip(spans, found, cosines, strict=True):
            text = hit.text[a - hit.start_char:b - hit.start_char]
            terms = set(sparse_document(kb.bm25, text).indices)
            lexical = sum(w for t, w in weights.items() if t in terms) / total
            dense = float(cos)
            own = dense + W_LEXICAL * lexical
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
