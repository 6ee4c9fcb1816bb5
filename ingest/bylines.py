"""Author names from bylines and author boxes. Photographers are credited, not authors."""

from __future__ import annotations

import re

from vidensbank.ingest.boilerplate import BYLINE, NAME_MAX_WORDS, NAME_PARTICLES, NAME_SEPARATORS

# One capitalised name part, hyphenated parts allowed ("Esmarch-Lund"), or an initial ("K.").
_WORD = r"[A-ZÆØÅÄÖÜÉ][a-zæøåäöüéèáíóú'’]+"
_NAME_PART = re.compile(rf"{_WORD}(?:-{_WORD})*|[A-ZÆØÅ]\.")


def is_person_name(text: str) -> bool:
    """True for "Anja Robstrup Andersen"; False for "Anja Andersen BL" or a sentence."""
    words = text.split()
    if not 2 <= len(words) <= NAME_MAX_WORDS:
        return False
    if not (_NAME_PART.fullmatch(words[0]) and _NAME_PART.fullmatch(words[-1])):
        return False
    return all(_NAME_PART.fullmatch(w) or w.lower() in NAME_PARTICLES for w in words[1:-1])


def parse_byline(line: str) -> list[str] | None:
    """Author names when the whole line is a byline, else None (so "Af samme grund ..." is text)."""
    match = BYLINE.fullmatch(line.strip())
    if not match:
        return None
    names = [n for n in NAME_SEPARATORS.split(match["names"]) if n]
    if not names or not all(is_person_name(n) for n in names):
        return None
    return names


def names_in_author_box(lines: list[str]) -> list[str]:
    """Names alone on a line of an author box; an image label like "Anja Andersen BL" is not one."""
    return [line for line in lines if is_person_name(line)]
