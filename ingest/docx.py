"""Word (.docx) reader, built for samarbejdsaftaler.

Body paragraphs and tables in document order, one block each, blocks separated by a blank line;
a table row is its cells joined by " | ". Headings (by style, outline level or numbering such as
"§ 4 Økonomi" and "4.2 Opgavefordeling") become section spans. Tracked insertions are read as
accepted and deletions left out; headers, footers, footnotes and text boxes are not read.
"""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from llama_index.core.schema import Document
from lxml.etree import XMLSyntaxError
from vidensbank.ingest import schema
from vidensbank.ingest.agreement import PARTS, agreement_metadata
from vidensbank.ingest.facets import detect_doc_type

from vidensbank.errors import IngestError

log = logging.getLogger(__name__)

# Style names that mark headings, in English and in Danish Word.
HEADING_STYLE_RE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
TITLE_STYLE_RE = re.compile(r"^(?:title|titel)$", re.IGNORECASE)
# Plain paragraphs that are headings by their numbering: "§ 4 Økonomi", "4.2 Opgavefordeling".
NUMBERED_HEADING_RE = re.compile(
    r"^(§\s*\d+[a-z]?|\d{1,2}(?:\.\d{1,2})*|Bilag\s+\d+)\.?:?\s+[A-ZÆØÅ]"
)
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 10
MAX_TITLE_CHARS = 150
# Body blocks in order, also inside content controls (templates wrap whole sections in them).
BLOCK_XPATH = "./w:p | ./w:tbl | ./w:sdt/w:sdtContent/w:p | ./w:sdt/w:sdtContent/w:tbl"
# Runs that count as text: plain, in links, in fields, and tracked insertions.
RUN_XPATH = ("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:fldSimple/w:r | ./w:smartTag/w:r"
             " | ./w:sdt/w:sdtContent/w:r")
CELL_SEPARATOR = " | "
BLOCK_SEPARATOR = "\n\n"
# An agreement shows at least this many of its usual parts as headings.
MIN_AGREEMENT_PARTS = 3


@dataclass(frozen=True)
class Block:
    text: str
    level: int | None = None  # 0 title, 1.. heading level, None body text


def read_docx(path: Path, doc_id: str) -> Document:
    """Read a Word document into a Document; agreements get parts, parties and period."""
    blocks, title = _content(path, _open(path))
    text = BLOCK_SEPARATOR.join(block.text for block in blocks)
    if not text.strip():
        raise IngestError(str(path), "Word-dokumentet indeholder ingen tekst")
    spans = _section_spans(blocks)
    agreement = agreement_metadata(text, spans)
    looks_agreed = len(agreement[PARTS]) >= MIN_AGREEMENT_PARTS
    guess = schema.SAMARBEJDSAFTALE if looks_agreed else schema.ANDET
    doc_type = detect_doc_type(text, {schema.DOC_TYPE: guess})
    extra: dict = {schema.SECTION_SPANS: spans}
    if doc_type == schema.SAMARBEJDSAFTALE:  # parties and period mean nothing elsewhere
        extra.update(agreement)
    return schema.make_document(
        text,
        doc_id=doc_id,
        title=title or path.stem,
        doc_type=doc_type,
        path=str(path),
        extra=extra,
    )


def _open(path: Path) -> WordDocument:
    """Open the file with python-docx; anything that is not a readable .docx is an IngestError."""
    if not zipfile.is_zipfile(path):
        raise IngestError(str(path), "filen er ikke et Word-dokument (.docx); er det en gammel "
                                     ".doc-fil, så gem den som .docx")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        log.debug("not a docx package: %s: %s", path, exc)
        raise IngestError(str(path), "zip-filen indeholder ikke et Word-dokument (.docx)") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, XMLSyntaxError, OSError) as exc:
        log.debug("broken docx: %s: %s", path, exc)
        raise IngestError(str(path), "Word-dokumentet er beskadiget og kan ikke læses") from None


def _content(path: Path, word: WordDocument) -> tuple[list[Block], str | None]:
    """The text blocks and the title. python-docx reads styles and properties lazily, so a
    damaged part shows only here, as one of several errors."""
    try:
        blocks = [block for block in _blocks(word) if block.text]
        return blocks, _title(blocks, word) if blocks else None
    except (AttributeError, KeyError, ValueError, TypeError, XMLSyntaxError) as exc:
        log.debug("broken docx part: %s: %s", path, exc)
        raise IngestError(str(path), "Word-dokumentet er beskadiget og kan ikke læses") from None


def _blocks(word: WordDocument) -> Iterator[Block]:
    body = word.element.body
    for element in body.xpath(BLOCK_XPATH):
        if element.tag == qn("w:tbl"):
            yield Block(_table_text(Table(element, word)))
        else:
            paragraph = Paragraph(element, word)
            text = _clean("".join(run.text for run in element.xpath(RUN_XPATH)))
            yield Block(text, _heading_level(paragraph, text) if text else None)


def _clean(text: str) -> str:
    # Soft line breaks stay; tabs and odd spaces become one space.
    text = re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell repeats per grid column
                continue
            seen.append(cell._tc)
            cells.append(_clean(cell.text).replace("\n", " "))
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _heading_level(paragraph: Paragraph, text: str) -> int | None:
    level = _style_level(paragraph.style)
    if level is None:
        level = _outline_level(paragraph)
    if level is None:
        level = _numbered_level(text)
    return level


def _style_level(style: BaseStyle | None) -> int | None:
    # Custom styles often derive from a heading style ("Aftale overskrift" based on "Heading 1").
    for _ in range(5):
        if style is None or not style.name:
            return None
        if TITLE_STYLE_RE.match(style.name):
            return 0
        if match := HEADING_STYLE_RE.match(style.name):
            return int(match.group(1))
        style = style.base_style
    return None


def _outline_level(paragraph: Paragraph) -> int | None:
    p_pr = paragraph._p.pPr
    outline = p_pr.find(qn("w:outlineLvl")) if p_pr is not None else None
    if outline is None:
        return None
    value = int(outline.get(qn("w:val"), "9"))
    return value + 1 if value < 9 else None  # 9 means body text


def _numbered_level(text: str) -> int | None:
    match = NUMBERED_HEADING_RE.match(text)
    short = len(text) <= MAX_HEADING_CHARS and len(text.split()) <= MAX_HEADING_WORDS
    if not match or not short or "\n" in text or text[-1] in ".,;:!?":
        return None
    number = match.group(1)
    return number.count(".") + 1 if number[0].isdigit() else 1


def _section_spans(blocks: list[Block]) -> list[list]:
    spans: list[list] = []
    position = 0
    for block in blocks:
        if block.level is not None:
            spans.append([position, _one_line(block.text)])
        position += len(block.text) + len(BLOCK_SEPARATOR)
    return spans


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _title(blocks: list[Block], word: WordDocument) -> str | None:
    """Title style; else an opening heading or short line; else the top heading; else properties."""
    titles = [block for block in blocks if block.level == 0]
    if titles:
        return _one_line(titles[0].text)
    first = blocks[0].text
    if blocks[0].level is not None or (len(first) <= MAX_TITLE_CHARS and first[-1] not in ".:;,"):
        return _one_line(first)
    headings = [block for block in blocks if block.level is not None]
    if headings:
        return _one_line(min(headings, key=lambda block: block.level or 0).text)
    return (word.core_properties.title or "").strip() or None
