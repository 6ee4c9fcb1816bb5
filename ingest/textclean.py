"""Clean-up shared by the article readers: decoding, whitespace, page chrome, header metadata.

An article is handled as paragraphs, each a list of lines. The readers build the paragraphs (from a
text dump or from HTML blocks) and `clean_article` turns them into the text users read and cite:
title first, then the body, paragraphs joined by one blank line, lines inside a paragraph kept.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from vidensbank.ingest import boilerplate as bp
from vidensbank.ingest.bylines import names_in_author_box, parse_byline
from vidensbank.ingest.dates import parse_date_line

Paragraph = list[str]

# Byte order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order when nothing is declared: old Danish pages and Windows exports are cp1252.
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
# More control characters than this share of the text means it is not text at all.
MAX_CONTROL_SHARE = 0.01
SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u3000]+")
INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero widths
# Control characters (Unicode category Cc) as regex classes: a per-character loop took seconds
# on a multi-megabyte file. Tab, line ends and form feed are layout, not binary noise.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
CONTROLS_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
BULLET = re.compile(r"^[•·▪◦*-]\s")
# Two sentences glued by the copy ("kommunen.Hvad så ..."): split where a lower-case word ends a
# sentence and a capitalised word starts straight after it.
GLUED_SENTENCES = re.compile(
    r"(?<=[a-zæøå]{2}[.?!])(?=[A-ZÆØÅ][a-zæøå])|(?<=[a-zæøå][.?!]”)(?=[A-ZÆØÅ][a-zæøå])"
)
NOT_PROSE = ("://", "www.", "@")  # URLs and e-mail addresses legitimately have "x.Y"
HEADING_MAX_CHARS = 150


@dataclass
class Article:
    title: str
    paragraphs: list[Paragraph]  # the title is the first paragraph
    date: str | None
    authors: list[str]
    source: str | None

    @property
    def text(self) -> str:
        return "\n\n".join("\n".join(p) for p in self.paragraphs)


def decode_bytes(data: bytes, encoding: str | None = None) -> str | None:
    """Text of a file's bytes, or None when they are not text (NUL bytes, control characters)."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _first_decoding(data, (codec,))
    if b"\x00" in data:
        return None
    return _first_decoding(data, ((encoding,) if encoding else ()) + FALLBACK_ENCODINGS)


def _first_decoding(data: bytes, encodings: tuple[str, ...]) -> str | None:
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        controls = len(CONTROLS.findall(text))
        return None if controls > len(text) * MAX_CONTROL_SHARE else text
    return None


def normalise_line(line: str) -> str:
    """One line with invisible characters gone and every run of spaces (nbsp too) made one space."""
    line = INVISIBLE.sub("", line)
    line = CONTROLS_BUT_TAB.sub("", line)
    return SPACES.sub(" ", line).strip()


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text dump: blank (or nbsp-only) lines separate them.

    An indented line after a list item continues that item and keeps a two-space indent.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[Paragraph] = []
    current: Paragraph = []
    for raw in text.split("\n"):
        line = normalise_line(raw)
        if not line:
            if current:
                paragraphs.append(current)
            current = []
            continue
        continues_item = current and raw[:1].isspace() and not BULLET.match(line)
        if continues_item and (BULLET.match(current[-1]) or current[-1].startswith("  ")):
            line = "  " + line
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def _key(line: str) -> str:
    return line.strip().casefold()


def _is_heading(para: Paragraph) -> bool:
    return len(para) == 1 and len(para[0]) <= HEADING_MAX_CHARS and not para[0].endswith(
        (".", ":", ";", ",")
    )


def is_chrome_line(line: str) -> bool:
    """Navigation, image labels, photo credits and copyright lines: never article text."""
    text = line.strip()
    if _key(text) in bp.NAV_LINES or bp.COPYRIGHT_LINE.fullmatch(text):
        return True
    patterns = bp.NAV_PATTERNS + bp.IMAGE_LABEL_PATTERNS
    return any(p.fullmatch(text) for p in patterns) or _is_photo_credit(text)


def _is_photo_credit(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= bp.PHOTO_CREDIT_MAX_WORDS:
        return False
    if words[0].rstrip(":").casefold() not in bp.PHOTO_CREDIT_WORDS:
        return False
    return all(w[0].isupper() or w.casefold() in bp.PHOTO_CREDIT_CONNECTORS for w in words[1:])


def source_from_text(paragraphs: list[Paragraph]) -> str | None:
    """The publisher named on a copyright line, mapped through PUBLISHERS; None if there is none."""
    for line in (line for para in paragraphs for line in para):
        match = bp.COPYRIGHT_LINE.fullmatch(line)
        if not match:
            continue
        owner = match["owner"].casefold()
        for name in sorted(bp.PUBLISHERS, key=len, reverse=True):
            if re.search(rf"\b{re.escape(name)}\b", owner):
                return bp.PUBLISHERS[name]
    return None


def _author_box_names(paragraphs: list[Paragraph]) -> list[str]:
    names: list[str] = []
    for i, para in enumerate(paragraphs):
        if _key(para[0]) not in bp.AUTHOR_BOX_MARKERS:
            continue
        box = para[1:] + [line for p in paragraphs[i + 1 : i + 3] for line in p]
        names += [n for n in names_in_author_box(box)[:1] if n not in names]
    return names


def _cut_tail(paragraphs: list[Paragraph]) -> list[Paragraph]:
    for i, para in enumerate(paragraphs):
        if i >= bp.TAIL_MIN_PARAGRAPH and _key(para[0]) in bp.TAIL_MARKERS:
            return paragraphs[:i]
    return paragraphs


def _is_related_list(para: Paragraph) -> bool:
    """Entries of "title, title again, Skrevet d. 8-6-2020": a list of other articles or films."""
    stamps = [
        i for i, line in enumerate(para) if bp.RELATED_STAMP.match(line) and parse_date_line(line)
    ]
    if len(stamps) >= 2:
        return True
    return len(stamps) == 1 and stamps[0] >= 2 and para[stamps[0] - 1] == para[stamps[0] - 2]


def _drop_widgets(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Drop teaser buttons and related lists, each with the heading or teaser title above it."""
    kept: list[Paragraph] = []
    in_widget = False  # HTML puts each button in a paragraph of its own: one widget, one title
    for para in paragraphs:
        teaser = {_key(line) for line in para} <= bp.TEASER_BUTTONS
        if teaser or _is_related_list(para):
            if not in_widget and kept and _is_heading(kept[-1]):
                kept.pop()
            in_widget = True
            continue
        in_widget = False
        kept.append(para)
    return kept


def _split_glued(line: str) -> list[str]:
    if any(marker in line for marker in NOT_PROSE):
        return [line]
    return GLUED_SENTENCES.split(line)


def _clean_lines(para: Paragraph, earlier: list[Paragraph]) -> Paragraph:
    """The paragraph without chrome lines, alt texts, repeated captions and glued sentences."""
    kept: Paragraph = []
    for i, line in enumerate(para):
        alt_text = i < len(para) - 1 and (_key(line).startswith(bp.ALT_TEXT_PREFIXES)
                                          or bool(bp.ALT_TEXT_PHOTO.fullmatch(line)))
        if alt_text or is_chrome_line(line):
            continue
        if bp.GALLERY_COUNTER.match(line):
            line = bp.GALLERY_COUNTER.sub("", line)
            if any(line in seen for p in earlier for seen in p):
                continue  # a slideshow caption repeating a sentence of the article
        if kept and kept[-1] == line:
            continue  # the same caption twice in a row (alt text and caption alike)
        kept.extend(_split_glued(line))
    return kept


def _take_header(paragraphs: list[Paragraph]) -> tuple[str | None, list[str], list[Paragraph]]:
    """The article's date stamp and byline near the top, and the paragraphs without them.

    Only the header is searched: a date further down belongs to something the article mentions.
    Related lists are gone by now, so their "Skrevet d." stamps (the dates of those other
    articles or films) never become the article's date; a page printing only those has no date.
    """
    date: str | None = None
    authors: list[str] = []
    cleaned: list[Paragraph] = []
    for i, para in enumerate(paragraphs):
        in_header = i <= bp.HEADER_PARAGRAPHS
        kept: Paragraph = []
        for line in para:
            if in_header and date is None and (found := parse_date_line(line)):
                date = found
            elif in_header and not authors and (names := parse_byline(line)):
                authors = names
            else:
                kept.append(line)
        cleaned.append(kept)
    return date, authors, cleaned


def _drop_lead_image_name(paragraphs: list[Paragraph]) -> list[Paragraph]:
    first = paragraphs[0][0] if paragraphs else ""
    if len(paragraphs) > 1 and bp.LEAD_IMAGE_NAME.fullmatch(first) and not parse_date_line(first):
        return [paragraphs[0][1:], *paragraphs[1:]]
    return paragraphs


def _without_repeats(paragraphs: list[Paragraph]) -> list[Paragraph]:
    kept: list[Paragraph] = []
    for para in paragraphs:
        if para and (not kept or para != kept[-1]):
            kept.append(para)
    return kept


def _with_title(paragraphs: list[Paragraph], title: str | None) -> tuple[str, list[Paragraph]]:
    """The title as its own first paragraph, so the headline can be cited like any sentence."""
    if title:
        if paragraphs and _key(" ".join(paragraphs[0])) == _key(title):
            paragraphs = paragraphs[1:]  # the headline again, maybe broken over lines by <br>
        elif paragraphs and _key(paragraphs[0][0]) == _key(title):
            paragraphs = [paragraphs[0][1:], *paragraphs[1:]]
        return title, _without_repeats([[title], *paragraphs])
    first = paragraphs[0]
    if len(first[0]) > bp.TITLE_MAX_CHARS:  # no headline: name it by its opening words
        return first[0][: bp.TITLE_MAX_CHARS].rsplit(" ", 1)[0] + " …", paragraphs
    return first[0], _without_repeats([[first[0]], first[1:], *paragraphs[1:]])


def clean_article(
    paragraphs: list[Paragraph], *, title: str | None = None, lead_image: bool = True
) -> Article | None:
    """Article text and header metadata from raw paragraphs; None when no text is left.

    `title` is a headline known from elsewhere (HTML metadata); otherwise the first line is the
    headline. `lead_image` says the first line may be an image's name printed before the headline.
    """
    paragraphs = [para for para in paragraphs if para]
    source = source_from_text(paragraphs)
    authors = _author_box_names(paragraphs)
    paragraphs = _drop_widgets(_cut_tail(paragraphs))
    if lead_image:
        paragraphs = _drop_lead_image_name(paragraphs)
    cleaned: list[Paragraph] = []
    for para in paragraphs:
        cleaned.append(_clean_lines(para, cleaned))
    date, byline_authors, cleaned = _take_header(_without_repeats(cleaned))
    cleaned = _without_repeats(cleaned)
    if not cleaned:
        return None
    title, cleaned = _with_title(cleaned, title)
    return Article(title, cleaned, date, byline_authors or authors, source)
