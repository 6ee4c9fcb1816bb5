"""A report's pages as printed: running headers and footers, the table of contents, and the page
number printed on each page (arabic or roman), made consistent across neighbouring pages."""

from __future__ import annotations

import re
from collections import Counter

# Headers and footers live in the first and last few lines of a page's text.
EDGE_LINES = 3
# An edge line recurring on this share of pages is furniture. Below one half on purpose: reports
# alternate headers on even and odd pages, and front matter has none.
FURNITURE_SHARE = 0.4
FURNITURE_MIN_PAGES = 3
# Unnumbered pages get the number their neighbours imply, up to this many pages away.
MAX_LABEL_GAP = 4
PAGE_NUMBER_LINE = re.compile(
    r"(?:side\s+)?(\d{1,4}|[ivxlc]{1,8})(?:\s*(?:/|af)\s*\d{1,4})?", re.IGNORECASE
)
# A number at either end of a header or footer line: "12 Fremskudte indsatser", "Rapport | 12".
EDGE_NUMBER = re.compile(r"(\d{1,4})\s.*\S|.*\S\s(\d{1,4})")
ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
ROMAN_VALUES = (
    (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"),
    (1, "i"),
)
TOC_TITLES = frozenset({"indhold", "indholdsfortegnelse", "indholdsoversigt", "contents"})
# Table-of-contents entries: dot leaders before a page number, or a numbered heading ending in
# one (tab-stop leaders come out as nothing).
DOT_LEADER_ENTRY = re.compile(r".*?(?:\.{3,}|…|(?: ?\. ?){3,})\s*(?:\d{1,4}|[ivxlc]{1,6})", re.I)
NUMBERED_ENTRY = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?\s+\S.*\s\d{1,4}")
TOC_MIN_ENTRIES = 5
TOC_MIN_SHARE = 0.5

def _edge_indexes(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def furniture_key(line: str) -> str:
    """A line with its numbers masked, so "Rapport 12" and "Rapport 13" compare equal."""
    key = re.sub(r"\d+", "#", line.lower())
    return re.sub(r"\b[ivxlc]+\b", "#", key)


def furniture_keys(pages: list[list[str]]) -> set[str]:
    """Keys of the edge lines that recur on enough pages to be running headers or footers."""
    counts: Counter[str] = Counter()
    for lines in pages:
        # Bare page numbers are left to page_labels: "#" would also match a year on the cover.
        edges = [lines[i] for i in _edge_indexes(lines) if _page_number(lines[i]) is None]
        counts.update({furniture_key(line) for line in edges})
    least = max(FURNITURE_MIN_PAGES, len(pages) * FURNITURE_SHARE)
    return {key for key, count in counts.items() if count >= least}


def strip_furniture(lines: list[str], furniture: set[str], number: str | None) -> list[str]:
    """The page without running headers and footers, nor its printed page `number`."""
    drop = {
        i for i in _edge_indexes(lines)
        if furniture_key(lines[i]) in furniture
        or (number is not None and _page_number(lines[i]) == number)
    }
    return [line for i, line in enumerate(lines) if i not in drop]


def toc_pages(pages: list[list[str]]) -> list[bool]:
    """Which pages are a table of contents (or a list of tables and figures)."""
    flags: list[bool] = []
    for lines in pages:
        flags.append(is_toc_page(lines, after_toc=bool(flags and flags[-1])))
    return flags


def is_toc_page(lines: list[str], *, after_toc: bool = False) -> bool:
    """Titled "Indhold" with entries, or mostly entries.

    Numbered lines ending in a number ("3.2 Fremskudt jobcenter 9") count as entries only on a
    titled page and the page after one: elsewhere they may be the rows of a table.
    """
    filled = [line for line in lines if line]
    titled = any(line.lower() in TOC_TITLES for line in filled[:3])
    numbered = titled or after_toc
    entries = sum(
        1 for line in filled
        if DOT_LEADER_ENTRY.fullmatch(line) or (numbered and NUMBERED_ENTRY.fullmatch(line))
    )
    if titled:
        return entries >= 2
    return entries >= TOC_MIN_ENTRIES and entries >= len(filled) * TOC_MIN_SHARE


def _page_number(line: str) -> str | None:
    """The number when the whole line is a page number ("12", "iv", "Side 3 af 20")."""
    match = PAGE_NUMBER_LINE.fullmatch(line)
    if not match:
        return None
    number = match[1]
    if number.isdigit():
        return number
    # Roman only in one case and well formed: "iv", "IV"; not "Iv" or "vx".
    one_case = number.islower() or number.isupper()
    return number if one_case and ROMAN.fullmatch(number.lower()) else None


def printed_number(lines: list[str], furniture: set[str]) -> str | None:
    """The page number printed in the header or footer of one page, if any."""
    edges = [lines[i] for i in _edge_indexes(lines)]
    for line in edges:
        if (number := _page_number(line)) is not None:
            return number
    for line in edges:
        if furniture_key(line) in furniture and (match := EDGE_NUMBER.fullmatch(line)):
            return match[1] or match[2]
    return None


def _value(label: str) -> tuple[str, int]:
    """("arabic", 12) or ("roman", 4): the numbering style and value of a label."""
    if label.isdigit():
        return "arabic", int(label)
    total, rest = 0, label.lower()
    for value, numeral in ROMAN_VALUES:
        while rest.startswith(numeral):
            total, rest = total + value, rest[len(numeral):]
    return "roman", total


def _format(style: str, value: int, like: str) -> str:
    if style == "arabic":
        return str(value)
    roman = ""
    for part, numeral in ROMAN_VALUES:
        count, value = divmod(value, part)
        roman += numeral * count
    return roman.upper() if like.isupper() else roman


def consistent_numbers(found: list[str | None]) -> list[str | None]:
    """Keep the numbers that agree with a nearby page: same style, same offset to the index.

    A year in a footer or a number in the last row of a table does not advance with the pages.
    """
    keyed = {i: (_value(n)[0], _value(n)[1] - i) for i, n in enumerate(found) if n is not None}
    if len(keyed) <= 1:
        return found
    return [
        n if i in keyed and any(
            j != i and abs(j - i) <= MAX_LABEL_GAP and key == keyed[i] for j, key in keyed.items()
        ) else None
        for i, n in enumerate(found)
    ]


def page_labels(
    pages: list[list[str]], furniture: set[str], defined: list[str] | None = None
) -> tuple[list[str], list[str | None]]:
    """The label of every page, and the number found printed on it (None where none).

    Printed numbers win. Pages without one take the PDF's own labels when those agree with the
    printed ones, else the number their nearest numbered neighbour implies (a cover before "iii"
    is "i", a chapter opener between 6 and 8 is 7), else the PDF index + 1.
    """
    found = consistent_numbers([printed_number(lines, furniture) for lines in pages])
    if defined and len(defined) == len(pages) and all(
        n is None or n == d for n, d in zip(found, defined, strict=True)
    ):
        return defined, found
    return [n if n is not None else _implied(found, i) for i, n in enumerate(found)], found


def _implied(found: list[str | None], index: int) -> str:
    for distance in range(1, MAX_LABEL_GAP + 1):
        for j, step in ((index - distance, distance), (index + distance, -distance)):
            label = found[j] if 0 <= j < len(found) else None
            if label is not None:
                style, value = _value(label)
                if value + step >= 1:
                    return _format(style, value + step, label)
    return str(index + 1)
