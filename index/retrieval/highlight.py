"""Which words of a passage matched a query: the same Danish stems BM25 searched with."""

from __future__ import annotations

import re
from functools import lru_cache

from vidensbank.index.open_index import bm25_model, sparse_document, sparse_query

WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _bm25():
    return bm25_model()


@lru_cache(maxsize=50_000)
def _stems(word: str) -> frozenset[int]:
    # A stopword has no stem: it never lights up.
    return frozenset(sparse_document(_bm25(), word).indices)


@lru_cache(maxsize=256)
def _query_stems(query: str) -> frozenset[int]:
    # One search marks up to 50 passages with the same query: its stems are found once.
    return frozenset(sparse_query(_bm25(), query).indices)


def term_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Spans of the words in `text` that share a stem with a word of `query`."""
    wanted = _query_stems(query)
    if not wanted:
        return []
    return [m.span() for m in WORD.finditer(text) if _stems(m.group().lower()) & wanted]
