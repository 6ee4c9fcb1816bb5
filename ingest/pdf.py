"""Read report PDFs (VIVE, BUILD, CFBU ...) into one Document with printed pages and sections.

Per page: extract the text with pypdf, repair the lines (`ingest.pdf_text`), drop running
headers, footers and page numbers (lines that recur at the page edges) and table-of-contents
pages, then rebuild paragraphs. PAGE_SPANS carry the page number as printed on the page, which
differs from the PDF's page index in reports with unnumbered or roman-numbered front matter.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from llama_index.core.schema import Document
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError
from vidensbank.ingest import schema
from vidensbank.ingest.ocr import add_ocr_text
from vidensbank.ingest.pdf_headings import (
    StyledLine,
    heading_lines,
    largest_text,
    styled_page_text,
)
from vidensbank.ingest.pdf_pages import (
    furniture_keys,
    page_labels,
    strip_furniture,
    toc_pages,
)
from vidensbank.ingest.pdf_text import (
    SOFT_HYPHEN,
    Block,
    check_outline,
    clean_line,
    continues_across,
    join_lines,
    paragraphs,
    typical_width,
)
from vidensbank.ingest.report_meta import extract_report_meta

from vidensbank.errors import IngestError

log = logging.getLogger(__name__)

# Cover and colophon come before the table of contents; without one, this many pages.
FRONT_PAGES = 2

# pypdf decrypts AES (also of PDFs that open without a password) only with a crypto package.
NO_AES = (
    "PDF'en er krypteret med AES, og pakken 'cryptography' mangler (pip install 'pypdf[crypto]')"
)

Span = list[int | str]

# (pages read, pages in all) after each page. Readers share one signature (ingest.readers), so
# whoever wants to follow a long PDF sets this around the read instead of passing it through.
PAGE_PROGRESS: ContextVar[Callable[[int, int], None] | None] = ContextVar("page_progress",
                                                                          default=None)


def read_pdf(path: Path, doc_id: str, *, ocr: str = "auto") -> Document:
    """Read a report PDF from disk; scanned pages are recognised (ingest.ocr) unless ocr is
    "never". Raises IngestError for unreadable or encrypted PDFs and for PDFs without text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"filen kunne ikke læses ({exc.strerror or exc})") from None
    return parse_pdf(data, doc_id=doc_id, path=str(path), ocr=ocr)


def parse_pdf(
    data: bytes, *, doc_id: str, path: str | None = None, url: str | None = None,
    ocr: str = "auto",
) -> Document:
    """A Document of doc_type "rapport" from PDF bytes (read from disk or fetched from a URL)."""
    source = path or url or doc_id
    reader = _open(data, source)
    texts, styles = _page_texts(reader, source)
    texts, ocr_meta = add_ocr_text(data, reader, texts, mode=ocr, source=source)
    pages = [[clean_line(line) for line in text.splitlines()] for text in texts]
    furniture = furniture_keys(pages)
    labels, numbers = page_labels(pages, furniture, _defined_labels(reader))
    body = [strip_furniture(lines, furniture, n) for lines, n in zip(pages, numbers, strict=True)]
    toc = toc_pages(body)
    meta = extract_report_meta(_front_pages(body, toc), **_info_fields(reader),
                               printed_title=largest_text(styles))
    front = toc.index(True) if any(toc) else 0  # a cover's big type is no heading
    headings = heading_lines(styles, skip=[i < front or s for i, s in enumerate(toc)])
    text, page_spans, section_spans = assemble(body, labels, skip=toc, headings=headings)
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
            **ocr_meta,
        },
    )


def _open(data: bytes, source: str) -> PdfReader:
    if not data:
        raise IngestError(source, "filen er tom")
    if b"%PDF-" not in data[:1024]:
        raise IngestError(source, "filen er ikke en PDF: den er nok en anden slags fil, der har "
                                  "fået endelsen .pdf, eller den er beskadiget")
    # pypdf reads past a cut-off end in lenient mode; a missing end marker means lost pages.
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(source, "PDF'en er afkortet: filen slutter for tidligt (måske ikke "
                                  "hentet helt) eller er beskadiget")
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


def _page_texts(reader: PdfReader, source: str) -> tuple[list[str], list[list[StyledLine]]]:
    """Text and styled lines of each page; a page pypdf cannot read is logged and left empty."""
    texts: list[str] = []
    styles: list[list[StyledLine]] = []
    failed = 0
    report, total = PAGE_PROGRESS.get(), len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        styles.append([])
        try:
            text, styles[-1] = styled_page_text(page)
            texts.append(text)
        except DependencyError:
            raise IngestError(source, NO_AES) from None
        except Exception as exc:  # one broken font should cost a page, not the report
            log.warning("%s: side %d kunne ikke læses: %s", source, number, exc)
            failed += 1
            texts.append("")
        if report:
            report(number, total)
    if failed == len(texts):
        raise IngestError(source, "PDF'en er beskadiget: ingen af siderne kunne læses")
    return texts, styles


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


def assemble(
    pages: list[list[str]], labels: list[str], *, skip: list[bool],
    headings: list[frozenset[str]] | None = None,
) -> tuple[str, list[Span], list[Span]]:
    """Document text with page and section spans; a paragraph cut by a page break is rejoined.
    `headings` are lines per page that the typography marks as headings (ingest.pdf_headings)."""
    width = typical_width(pages)
    styled = headings or [frozenset()] * len(pages)
    blocks_per_page = [
        [] if skipped else paragraphs(lines, width, styled[i])
        for i, (lines, skipped) in enumerate(zip(pages, skip, strict=True))
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
