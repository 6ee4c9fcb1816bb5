"""Read report PDFs (VIVE, BUILD, CFBU ...) into one Document with printed pages and sections.

Per page: extract the text with pypdf, repair the lines (`ingest.pdf_text`), drop running
headers, footers and page numbers (lines that recur at the page edges) and table-of-contents
pages, then rebuild paragraphs. PAGE_SPANS carry the page number as printed on the page, which
differs from the PDF's page index in reports with unnumbered or roman-numbered front matter.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path

from llama_index.core.schema import Document
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest import schema
from ingest.errors import IngestError
from ingest.pdf_text import (
    SOFT_HYPHEN,
    Block,
    check_outline,
    clean_line,
    continues_across,
    join_lines,
    paragraphs,
    typical_width,
)
from ingest.report_meta import extract_report_meta

log = logging.getLogger(__name__)

# Headers and footers live in the first and last few lines of a page's text.
EDGE_LINES = 3
# An edge line recurring on this share of pages is furniture. Below one half on purpose: reports
# alternate headers on even and odd pages, and front matter has none.
FURNITURE_SHARE = 0.4
FURNITURE_MIN_PAGES = 3
# A page with fewer letters than this has no usable text layer.
MIN_PAGE_LETTERS = 20
# Below this share of pages with text the PDF is treated as a scan, not as a report with figures.
MIN_TEXT_PAGE_SHARE = 0.2
# Unnumbered pages get the number their neighbours imply, up to this many pages away.
MAX_LABEL_GAP = 4
# Cover and colophon come before the table of contents; without one, this many pages.
FRONT_PAGES = 2

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
# pypdf decrypts AES (also of PDFs that open without a password) only with a crypto package.
NO_AES = (
    "PDF'en er krypteret med AES, og pakken 'cryptography' mangler (pip install 'pypdf[crypto]')"
)

Span = list[int | str]


def read_pdf(path: Path, doc_id: str) -> Document:
    """Read a report PDF from disk. Raises IngestError for unreadable, encrypted or scanned PDFs."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"filen kunne ikke læses ({exc.strerror or exc})") from None
    return parse_pdf(data, doc_id=doc_id, path=str(path))


def parse_pdf(
    data: bytes, *, doc_id: str, path: str | None = None, url: str | None = None
) -> Document:
    """A Document of doc_type "rapport" from PDF bytes (read from disk or fetched from a URL)."""
    source = path or url or doc_id
    reader = _open(data, source)
    texts = _page_texts(reader, source)
    _require_text_layer(texts, source)
    pages = [[clean_line(line) for line in text.splitlines()] for text in texts]
    furniture = furniture_keys(pages)
    labels, numbers = page_labels(pages, furniture, _defined_labels(reader))
    body = [strip_furniture(lines, furniture, n) for lines, n in zip(pages, numbers, strict=True)]
    toc = toc_pages(body)
    meta = extract_report_meta(_front_pages(body, toc), **_info_fields(reader))
    text, page_spans, section_spans = assemble(body, labels, skip=toc)
    return schema.make_document(
        text,
        doc_id=doc_id,
        title=meta.title or Path(path or url or doc_id).stem or doc_id,
        doc_type=schema.RAPPORT,
        source=meta.publisher,
        authors=list(meta.authors),
        url=url,
        path=path,
        extra={
            schema.YEAR: meta.year, "subtitle": meta.subtitle, "publisher": meta.publisher,
            "isbn": meta.isbn, schema.PAGE_SPANS: page_spans, schema.SECTION_SPANS: section_spans,
        },
    )


def _open(data: bytes, source: str) -> PdfReader:
    if not data:
        raise IngestError(source, "filen er tom")
    if b"%PDF-" not in data[:1024]:
        raise IngestError(source, "filen er ikke en PDF (mangler %PDF-hovedet)")
    # pypdf reads past a cut-off end in lenient mode; a missing end marker means lost pages.
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(source, "PDF'en er afkortet eller beskadiget (slutmarkøren mangler)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise IngestError(source, "PDF'en er krypteret med adgangskode og kan ikke læses")
        if not reader.pages:
            raise IngestError(source, "PDF'en har ingen sider")
    except IngestError:
        raise
    except DependencyError:
        raise IngestError(source, NO_AES) from None
    except Exception as exc:  # pypdf raises many types on malformed input; all mean "broken"
        detail = " ".join(str(exc).split())[:200]  # the reason is shown on one line
        reason = f"PDF'en er beskadiget og kan ikke læses (pypdf: {detail})"
        raise IngestError(source, reason) from None
    return reader


def _page_texts(reader: PdfReader, source: str) -> list[str]:
    """Text of each page; a page pypdf cannot read is logged and left empty."""
    texts: list[str] = []
    failed = 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except DependencyError:
            raise IngestError(source, NO_AES) from None
        except Exception as exc:  # one broken font should cost a page, not the report
            log.warning("%s: side %d kunne ikke læses: %s", source, number, exc)
            failed += 1
            texts.append("")
    if failed == len(texts):
        raise IngestError(source, "PDF'en er beskadiget: ingen af siderne kunne læses")
    return texts


def _require_text_layer(texts: list[str], source: str) -> None:
    with_text = sum(1 for t in texts if sum(c.isalpha() for c in t) >= MIN_PAGE_LETTERS)
    if with_text == 0 or with_text < len(texts) * MIN_TEXT_PAGE_SHARE:
        raise IngestError(
            source,
            f"PDF'en har intet tekstlag (skannet?) – kun {with_text} af {len(texts)} sider har "
            "tekst; kør tekstgenkendelse (OCR, fx ocrmypdf) og prøv igen",
        )
    if with_text < len(texts):
        log.info("%s: %d af %d sider har ingen tekst", source, len(texts) - with_text, len(texts))


def _defined_labels(reader: PdfReader) -> list[str] | None:
    """The PDF's own page labels, when it defines them (pypdf otherwise returns 1, 2, 3 ...)."""
    try:
        if "/PageLabels" in reader.root_object:
            return list(reader.page_labels)
    except Exception as exc:  # a broken label tree only costs us the hint
        log.debug("page labels unreadable: %s", exc)
    return None


def _info_fields(reader: PdfReader) -> dict[str, str | None]:
    try:
        info = reader.metadata
        return {"info_title": info.title, "info_author": info.author} if info else {}
    except Exception as exc:  # a broken Info dictionary only costs us the fallback title
        log.debug("document info unreadable: %s", exc)
        return {}


def _front_pages(body: list[list[str]], toc: list[bool]) -> list[list[str]]:
    end = toc.index(True) if any(toc) else FRONT_PAGES
    return body[: max(1, min(end, FRONT_PAGES + 2))]


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


def assemble(
    pages: list[list[str]], labels: list[str], *, skip: list[bool]
) -> tuple[str, list[Span], list[Span]]:
    """Document text with page and section spans; a paragraph cut by a page break is rejoined."""
    width = typical_width(pages)
    blocks_per_page = [
        [] if skipped else paragraphs(lines, width)
        for lines, skipped in zip(pages, skip, strict=True)
    ]
    parts: list[str] = []
    size = 0
    page_spans: list[Span] = []
    section_spans: list[Span] = []
    last: Block | None = None
    for blocks, label in zip(check_outline(blocks_per_page), labels, strict=True):
        for number, block in enumerate(blocks):
            if last is not None:
                kept, sep = _separator(last, block, first_on_page=number == 0)
                size += len(kept) - len(parts[-1]) + len(sep)
                parts[-1:] = [kept, sep]
            if number == 0:
                page_spans.append([size, label])
            if block.heading:
                section_spans.append([size, block.text])
            parts.append(block.text)
            size += len(block.text)
            last = block
    if parts:
        parts[-1] = parts[-1].removesuffix(SOFT_HYPHEN)
    return "".join(parts), page_spans, section_spans


def _separator(last: Block, block: Block, *, first_on_page: bool) -> tuple[str, str]:
    """(previous block as kept, separator) between two blocks."""
    if first_on_page and continues_across(last, block):
        return join_lines(last.text, block.text)
    return last.text.removesuffix(SOFT_HYPHEN), "\n\n"
