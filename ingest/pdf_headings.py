"""Headings and the title of a typeset PDF, found from the fonts its lines are set in.

Many reports use unnumbered headings ("Samarbejde om beskæftigelse") that only the typography
marks: a larger or bold font on a short line. pypdf's text visitor reports the font and size of
every text run, so one extraction gives both the page text and the style of each of its lines.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from vidensbank.ingest.pdf_text import clean_line, ends_sentence, is_heading, join_lines
from vidensbank.ingest.report_meta import is_meta_line

# A heading is set at least this much larger than the body text (or bold where the body is not).
HEADING_SCALE = 1.12
HEADING_MAX_CHARS = 100
HEADING_MAX_WORDS = 14
BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demibold")


@dataclass(frozen=True)
class StyledLine:
    """One extracted line (as `clean_line` gives it), with the size and weight of most of it."""

    text: str
    size: float
    bold: bool


def styled_page_text(page: PageObject) -> tuple[str, list[StyledLine]]:
    """The page's text as pypdf extracts it, and the style of each of its lines."""
    runs: list[tuple[str, float, bool]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if text:
            runs.append((text, _scaled(size, cm, tm), _is_bold(font)))

    text = page.extract_text(visitor_text=visit) or ""
    return text, _lines(runs)


def _scaled(size: float, cm: Sequence[float], tm: Sequence[float]) -> float:
    """The printed size: Tf's size scaled by the text and transformation matrices."""
    def scale(m: Sequence[float]) -> float:
        return math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) if len(m) >= 4 else 1.0

    return round(float(size or 0) * scale(tm) * scale(cm), 1)


def _is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")).lower() if font else ""
        weight = font.get("/FontDescriptor", {}).get("/FontWeight", 0) if font else 0
        return any(word in name for word in BOLD_NAMES) or float(weight or 0) >= 600
    except Exception:  # a broken font dictionary only costs the weight hint
        return False


def _lines(runs: list[tuple[str, float, bool]]) -> list[StyledLine]:
    """Runs split at line ends; each line takes the style that most of its characters have."""
    lines: list[StyledLine] = []
    parts: list[str] = []
    styles: Counter[tuple[float, bool]] = Counter()

    def flush() -> None:
        text = clean_line("".join(parts))
        if text and styles:
            size, bold = styles.most_common(1)[0][0]
            lines.append(StyledLine(text, size, bold))
        parts.clear()
        styles.clear()

    for text, size, bold in runs:
        for i, piece in enumerate(text.split("\n")):
            if i:
                flush()
            parts.append(piece)
            if piece.strip():
                styles[(size, bold)] += len(piece.strip())
    flush()
    return lines


def body_style(pages: list[list[StyledLine]]) -> tuple[float, bool] | None:
    """Size and weight of the body text: the style of most characters in the document."""
    counts: Counter[tuple[float, bool]] = Counter()
    for line in (line for page in pages for line in page):
        counts[(line.size, line.bold)] += len(line.text)
    return counts.most_common(1)[0][0] if counts else None


def heading_lines(pages: list[list[StyledLine]], *, skip: list[bool]) -> list[frozenset[str]]:
    """Per page, the lines set apart as headings: larger or bolder than the body, short, and not
    a sentence. Skipped pages (cover, colophon) and the title on page 1 give none."""
    body = body_style(pages)
    later = frozenset(line.size for page in pages[1:] for line in page)
    title = set(title_lines(pages[0], body, later)) if pages else set()
    found: list[frozenset[str]] = []
    for number, (lines, skipped) in enumerate(zip(pages, skip, strict=True)):
        if skipped or body is None:
            found.append(frozenset())
            continue
        found.append(frozenset(
            line.text for line in lines
            if _stands_out(line, body) and _heading_text(line.text)
            and not (number == 0 and line.text in title)
        ))
    return found


def _stands_out(line: StyledLine, body: tuple[float, bool]) -> bool:
    size, bold = body
    return line.size >= size * HEADING_SCALE or (line.bold and not bold and line.size >= size)


def _heading_text(text: str) -> bool:
    if len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
        return False
    if not any(c.isalpha() for c in text) or not (text[0].isupper() or text[0].isdigit()):
        return False
    return not ends_sentence(text) and not text.endswith((",", ";"))


def title_lines(
    page: list[StyledLine], body: tuple[float, bool] | None, later: frozenset[float] = frozenset()
) -> list[str]:
    """The first run of lines in the page's largest font, when that is larger than the body and
    not a heading: not a known heading ("Indledning", "1 Baggrund") nor a size that `later`
    pages use (a heading size)."""
    candidates = [line for line in page if not is_meta_line(line.text)
                  and not is_heading(line.text, None, HEADING_MAX_CHARS)]
    if not candidates or body is None:
        return []
    largest = max(line.size for line in candidates)
    if largest < body[0] * HEADING_SCALE or largest in later:
        return []
    lines: list[str] = []
    for line in page:
        if line.size == largest and line in candidates:
            lines.append(line.text)
        elif lines:
            break
    return lines


def largest_text(pages: list[list[StyledLine]]) -> str | None:
    """The largest text on the first page with text, its lines joined: the printed title.
    None when the PDF gives no font sizes (a scan); "" when nothing is larger than the body."""
    body = body_style(pages)
    if body is None:
        return None
    first = next((i for i, page in enumerate(pages) if page), 0)
    later = frozenset(line.size for page in pages[first + 1:] for line in page)
    lines = title_lines(pages[first] if pages else [], body, later)
    if not lines:
        return ""
    text = lines[0]
    for line in lines[1:]:
        kept, sep = join_lines(text, line)
        text = kept + sep + line
    return text
