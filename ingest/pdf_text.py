"""Repair what PDF text extraction breaks in Danish text, and rebuild paragraphs and headings.

pypdf gives one string per printed line. Words are hyphenated across line ends, paragraphs are
cut into lines, ligatures and soft hyphens leak through and accents may come out decomposed.
These helpers work on such lines; `ingest.pdf` applies them page by page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
}
# Accents some PDFs (LaTeX above all) draw as a separate glyph, so "å" comes out as "a˚" or "˚a".
SPACING_ACCENTS = {
    "a\u02da": "å", "\u02daa": "å", "A\u02da": "Å", "\u02daA": "Å",
    "\u00b4e": "é", "\u00a8o": "ö", "\u00a8u": "ü", "\u00a8a": "ä",
}
# Unicode hyphens some layout programs emit (the repairs below look for "-"), and the bullets
# Word's Symbol and Wingdings fonts leave in the private use area.
SYMBOLS = {"\u2010": "-", "\u2011": "-", "\uf0b7": "•", "\uf0a7": "▪"}
SOFT_HYPHEN = "\u00ad"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# A hyphen before these words marks a shared word part: "bolig- og beskæftigelsesindsats".
SUSPENSION_WORDS = frozenset({"og", "eller", "samt", "&"})
SENTENCE_END = re.compile(r"[.!?:][\"”’»)]*$")
# List items. A dash may also open an aside on a wrapped line, and "12. maj" is a date, so dashes
# and numbers followed by lower case are left to the line-width rule.
BULLET = re.compile(r"(?:[•▪◦●■*·]\s+\S|\d{1,2}[.)]\s+[A-ZÆØÅ]|[a-z]\)\s+\S)")

# Numbered headings: "3 Samarbejde med kommunen", "3.2 Fremskudt jobcenter", "Kapitel 3 Metode".
NUMBERED_HEADING = re.compile(
    r"(?:(?:Kapitel|Bilag|Appendiks)\s+)?\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?P<title>[A-ZÆØÅ].*)"
)
HEADING_NUMBER = re.compile(
    r"(?:(?P<annex>Bilag|Appendiks)\s+|Kapitel\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)"
)
# Heading numbers advance by one, or two when a heading was missed; a new level starts at 1 or 2.
MAX_STEP = 2
# "Kapitel 3" alone on a line, its title on the next.
CHAPTER_LABEL = re.compile(r"(?:Kapitel|Bilag|Appendiks)\s+\d{1,2}\.?")
# Unnumbered headings reports use for front and back matter (compared in lower case).
UNNUMBERED_HEADINGS = frozenset({
    "forord", "sammenfatning", "resumé", "resume", "summary", "english summary", "indledning",
    "konklusion", "konklusioner", "anbefalinger", "læsevejledning", "litteratur",
    "litteraturliste", "referencer", "noter", "bilag", "bilagsoversigt",
})
HEADING_MAX_CHARS = 100
HEADING_MAX_WORDS = 14
# A line is a paragraph end when the next line's first word would have fitted on it: within
# this share of a full line after a sentence end, within the smaller share after anything else.
FULL_LINE = 0.95
LOOSE_LINE = 0.8
# A line shorter than this share of a full line is not inside a wrapped sentence.
SHORT_LINE = 0.6


@dataclass(frozen=True)
class Block:
    """A paragraph or a heading of one page, as it goes into Document.text."""

    text: str
    heading: bool = False


def clean_line(line: str) -> str:
    """One extracted line with ligatures, accents, spaces and stray soft hyphens repaired (NFC)."""
    for broken, fixed in (*LIGATURES.items(), *SPACING_ACCENTS.items(), *SYMBOLS.items()):
        line = line.replace(broken, fixed)
    line = unicodedata.normalize("NFC", INVISIBLE.sub("", line))
    line = re.sub(r"\s+", " ", line).strip()
    # A soft hyphen means something only at the line end (a discretionary break); keep that one.
    trailing = line.endswith(SOFT_HYPHEN)
    line = line.replace(SOFT_HYPHEN, "").rstrip()
    return line + SOFT_HYPHEN if trailing and line else line


def join_lines(left: str, right: str) -> tuple[str, str]:
    """How `left` and the following line join: (left as kept, separator), text = left + sep + right.

    A line ending in a soft hyphen is a discretionary break: the halves are one word. A "-" at
    the end is a real hyphen, kept without a space, when the next line starts with a capital or a
    digit ("Aarhus-|Modellen", "2015-|18"), or when the part before it is an abbreviation, a
    number or already hyphenated ("FN-|konvention", "skole-hjem-|samarbejde"). Before "og" or
    "eller" it marks a shared word part and gets a space ("bolig-|og" -> "bolig- og"). Any other
    "-" is a word broken at the margin: "ud-|satte" -> "udsatte" ("|" is the line break).
    """
    if left.endswith(SOFT_HYPHEN):
        return left[:-1], ""
    if left.endswith("–") and left[-2:-1].isdigit() and right[:1].isdigit():
        return left, ""  # a range: "2015–|18"
    if not left.endswith("-") or left.endswith(" -"):
        return left, "" if left.endswith("/") else " "
    stem = left[:-1].rsplit(" ", 1)[-1]
    word = right.split(" ", 1)[0]
    if word.lower() in SUSPENSION_WORDS:
        return left, " "
    if _keeps_hyphen(stem, word):
        return left, ""
    return left[:-1], ""


def _keeps_hyphen(stem: str, word: str) -> bool:
    if not stem or not stem[-1].isalpha() or "-" in stem or stem.isupper():
        return True
    return not word or word[0].isupper() or word[0].isdigit()


def ends_sentence(line: str) -> bool:
    return bool(SENTENCE_END.search(line))


def ends_with_break(line: str) -> bool:
    """True when the line ends in a hyphen or soft hyphen that the next line continues."""
    return line.endswith(SOFT_HYPHEN) or (line.endswith("-") and not line.endswith(" -"))


def starts_new_paragraph(prev: str, line: str, width: int) -> bool:
    """Whether `line` starts a paragraph after `prev` (both non-empty lines of one page).

    A lower-case start or a hyphen at the end of `prev` always continues. Otherwise the rule is
    the one a layout engine follows: a line ends early only when the next word does not fit. If
    the next word would have fitted on `prev`, the break was deliberate (a paragraph end, heading,
    caption or list line). Widths are counted in characters, which is rough with proportional
    fonts, so the word must fit clearly; after a sentence end a near fit is enough.
    """
    if BULLET.match(line):
        return True
    if ends_with_break(prev) or line[0].islower():
        return False
    limit = FULL_LINE if ends_sentence(prev) else LOOSE_LINE
    return len(prev) + 1 + len(line.split(" ", 1)[0]) < width * limit


def continues_across(left: Block, right: Block) -> bool:
    """Whether the first block of a page continues the last paragraph of the page before."""
    if left.heading or right.heading or BULLET.match(right.text):
        return False
    if ends_with_break(left.text):
        return True
    return not ends_sentence(left.text) and right.text[:1].islower()


def is_heading(line: str, prev: str | None, width: int) -> bool:
    """A numbered or known unnumbered heading on a line of its own, not a wrapped body line."""
    if prev is not None and _inside_sentence(prev, width):
        return False
    if line.lower() in UNNUMBERED_HEADINGS:
        return True
    match = NUMBERED_HEADING.fullmatch(line)
    if not match or len(line) > HEADING_MAX_CHARS:
        return False
    title = match["title"]
    # Table rows and table-of-contents entries end in a number; sentences end in punctuation.
    if title[-1] in ".,;" or title[-1].isdigit() or title.endswith("%") or "..." in title:
        return False
    return len(title.split()) <= HEADING_MAX_WORDS


def _inside_sentence(prev: str, width: int) -> bool:
    """`prev` is a full line that did not finish its sentence, so the next line continues it."""
    if ends_with_break(prev):
        return True
    return not ends_sentence(prev) and len(prev) >= width * SHORT_LINE


def check_outline(pages: list[list[Block]]) -> list[list[Block]]:
    """Demote numbered "headings" that do not fit the numbering so far to plain paragraphs.

    Footnotes and table rows can look like headings ("12 Kilde: Danmarks Statistik"), but their
    numbers do not continue the outline. An annex ("Bilag 1") starts a numbering of its own.
    """
    last: tuple[int, ...] | None = None
    checked: list[list[Block]] = []
    for blocks in pages:
        kept: list[Block] = []
        for block in blocks:
            match = HEADING_NUMBER.match(block.text) if block.heading else None
            if not match:
                kept.append(block)
                continue
            number = tuple(int(part) for part in match["number"].split("."))
            fits = bool(match["annex"]) or last is None or follows(last, number)
            if fits:
                last = None if match["annex"] else number
            kept.append(block if fits else Block(block.text))
        checked.append(kept)
    return checked


def follows(prev: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether a heading numbered `number` may come after one numbered `prev` (3.1 -> 3.2, 4)."""
    if number == prev:
        return True  # the same heading again, e.g. a chapter title repeated as a page header
    level = next((i for i, (a, b) in enumerate(zip(prev, number, strict=False)) if a != b), None)
    if level is None:  # one is a prefix of the other: only going one level deeper fits
        level = len(prev)
        if len(number) <= level:
            return False
        step = number[level]
    else:
        step = number[level] - prev[level]
    return 1 <= step <= MAX_STEP and all(1 <= n <= MAX_STEP for n in number[level + 1:])


def merge_chapter_labels(lines: list[str]) -> list[str]:
    """Put "Kapitel 3" and its title on the next line together: "Kapitel 3 Metode"."""
    merged: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if CHAPTER_LABEL.fullmatch(line) and nxt[:1].isupper():
            merged.append(f"{line} {nxt}")
            skip = True
        else:
            merged.append(line)
    return merged


def paragraphs(lines: list[str], width: int, styled: frozenset[str] = frozenset()) -> list[Block]:
    """The blocks of one page: wrapped lines joined into paragraphs, headings on their own.
    `styled` are lines set in a heading font; the font says more than the line's shape."""
    blocks: list[Block] = []
    current = ""
    prev: str | None = None
    for line in merge_chapter_labels(lines):
        if not line:  # a blank line always ends the paragraph
            current = _flush(blocks, current)
            prev = None
            continue
        if line in styled or is_heading(line, prev, width):
            current = _flush(blocks, current)
            blocks.append(Block(line, heading=True))
            prev = None  # a heading ends its block, as a blank line does
            continue
        if current and prev is not None and not starts_new_paragraph(prev, line, width):
            kept, sep = join_lines(current, line)
            current = kept + sep + line
        else:
            current = _flush(blocks, current) + line
        prev = line
    _flush(blocks, current)
    return blocks


def _flush(blocks: list[Block], current: str) -> str:
    if current:
        blocks.append(Block(current))
    return ""


def typical_width(pages: list[list[str]]) -> int:
    """Length of a full body line in characters: the 90th percentile over all lines."""
    lengths = sorted(len(line) for lines in pages for line in lines if len(line) > 1)
    if not lengths:
        return 80
    return max(lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))], 20)
