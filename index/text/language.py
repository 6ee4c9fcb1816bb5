"""Whether a question is asked in Danish, the language of the library, or in another language.

The library's texts are Danish; a question in English about them shares no word with its
answer, so the signs that read words (BM25, the share of the question's terms in a quote) say
nothing about it, while the multilingual embedding still does. The guess counts the question's
words in NLTK's stopword lists (bundled with llama-index, so no download): a question is foreign
where another language's list holds more of its words than the Danish one. A question with no
function word at all ("kernedrift") counts as Danish.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

# NLTK's Danish list lacks question words ("hvordan", "hvem", "hvilke") that its Norwegian one
# holds, and a question in Norwegian reads Danish words: both count as Danish.
DANISH = "danish"
DANISH_LISTS = ("danish", "norwegian")
# Languages a user of a Danish library might ask in otherwise.
OTHERS = ("english", "german", "swedish", "dutch", "french", "spanish", "arabic", "turkish")
_WORD = re.compile(r"\w+")


@cache
def stopwords(language: str) -> frozenset[str]:
    """NLTK's stopword list for `language`, read from the copy llama-index bundles; importing
    nltk to find it costs a process about 1.6 s here, so the file is read directly where it is."""
    import llama_index.core

    bundled = Path(llama_index.core.__file__).parent / "_static" / "nltk_cache"
    path = bundled / "corpora" / "stopwords" / language
    if not path.exists():  # another llama-index layout: ask nltk where its data lies
        from llama_index.core.utils import globals_helper

        globals_helper.wait_for_nltk_check()
        from nltk.corpus import stopwords as lists

        return frozenset(lists.words(language))
    return frozenset(path.read_text(encoding="utf-8").split())


@cache
def danish_words() -> frozenset[str]:
    return frozenset().union(*(stopwords(language) for language in DANISH_LISTS))


def language_of(question: str) -> str:
    """The language whose stopwords cover most of the question's words; Danish on a tie."""
    words = [w.lower() for w in _WORD.findall(question)]
    best, count = DANISH, sum(w in danish_words() for w in words)
    for language in OTHERS:
        n = sum(w in stopwords(language) for w in words)
        if n > count:
            best, count = language, n
    return best


def is_foreign(question: str) -> bool:
    return language_of(question) != DANISH
