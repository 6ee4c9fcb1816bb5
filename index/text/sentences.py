"""Danish sentence boundaries as character spans (never copies), so quotes stay exact slices."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence, even before a capital letter.
NO_BREAK_ABBREVIATIONS = frozenset((
    "fx", "f.eks", "bl.a", "ca", "kl", "nr", "jf", "hhv", "evt", "inkl", "ift", "dvs", "pga",
    "mht", "prof", "dr", "st", "tlf", "vedr", "d", "ang", "gl", "hr", "fr", "sdr", "nord", "syd",
    "kap", "afs", "stk", "pkt",
))
# A sentence end: terminal punctuation, optional closing quote/bracket, then whitespace.
_END = re.compile(r"[.!?…]+[”\"’»)\]]*(?=\s)")
_OPENERS = "”“\"«„'‘(–-•"
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# Look this far back for the word before a full stop: far longer than any abbreviation, and a
# bounded search keeps a long text linear (a search from 0 made chunking quadratic).
_WORD_WINDOW = 64
_LINE = re.compile(r"[^\n]+")


def _starts_sentence(text: str, pos: int) -> bool:
    """True when the first visible character at or after pos can open a sentence."""
    match = re.compile(r"\s*").match(text, pos)
    nxt = match.end() if match else pos
    if nxt >= len(text):
        return True
    ch = text[nxt]
    return ch.isupper() or ch in _OPENERS


def _is_abbreviation(text: str, end_of_punct: int) -> bool:
    before = _WORD_BEFORE.search(text, max(0, end_of_punct - _WORD_WINDOW), end_of_punct)
    if not before:
        return False
    word = before.group(1).rstrip(".").lower()
    return word in NO_BREAK_ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of sentences in text[start:end], trimmed of surrounding whitespace.

    A line break also ends a unit: headings, list items and captions stand alone.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):  # only the lines of the span: linear
        lo, hi = line.start(), line.end()
        cut = lo
        for match in _END.finditer(text, lo, hi):
            if _is_abbreviation(text, match.start()) and not match.group().startswith(("!", "?")):
                continue
            if _starts_sentence(text, match.end()):
                spans.append((cut, match.end()))
                cut = match.end()
        spans.append((cut, hi))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
