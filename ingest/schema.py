"""The one place that says what a Document looks like after ingest.

`Document.text` is the canonical extracted text and never changes after ingest: every chunk and
every citation is a slice of it. Metadata is flat and uses the keys below; values are str, int,
float, None or lists of str, so they go straight into a Qdrant payload.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from llama_index.core.schema import Document

# Document types (the Danish words are what users see and filter on).
ARTIKEL = "artikel"
RAPPORT = "rapport"
SAMARBEJDSAFTALE = "samarbejdsaftale"
ANDET = "andet"
DOC_TYPES = (ARTIKEL, RAPPORT, SAMARBEJDSAFTALE, ANDET)

# Flat metadata keys every Document carries (None or [] where unknown).
DOC_ID = "doc_id"
TITLE = "title"
SOURCE = "source"  # publisher / origin, e.g. "Landsbyggefonden", "BL", "VIVE"
DOC_TYPE = "doc_type"
DATE = "date"  # ISO yyyy-mm-dd, or None
YEAR = "year"  # int, or None
AUTHORS = "authors"  # list[str]
URL = "url"
PATH = "path"  # the file it was read from, as given
SOURCES = "sources"  # every place with this text: resolved paths or URLs (index/build/identity.py)
OCR_PAGES = "ocr_pages"  # PDF page numbers (1-based) whose text was recognised (ingest/ocr.py)
OCR_ENGINE = "ocr_engine"  # e.g. "tesseract 5.3.0 (dan)"; both keys only on recognised PDFs
CONTENT_HASH = "content_hash"  # sha256 of the extracted text
KOMMUNER = "kommuner"  # list[str]
BOLIGOMRAADER = "boligomraader"  # list[str]
# Places a document only mentions (ingest.facet_places); the two keys above hold the places it
# is about, which filters and cards use.
KOMMUNER_NAEVNT = "kommuner_naevnt"  # list[str]
BOLIGOMRAADER_NAEVNT = "boligomraader_naevnt"  # list[str]
THEMES = "themes"  # list[str]

# Layout spans, each a list of [start_char, label] sorted by start_char; used to give chunks and
# citations their page and section. Kept on the document, not copied to chunk payloads.
PAGE_SPANS = "page_spans"  # label: the page as printed ("23", "iv")
SECTION_SPANS = "section_spans"  # label: heading text, e.g. "3 Samarbejde med kommunen"

REQUIRED_KEYS = (DOC_ID, TITLE, SOURCE, DOC_TYPE, DATE, YEAR, AUTHORS, URL, PATH, CONTENT_HASH)
LAYOUT_KEYS = (PAGE_SPANS, SECTION_SPANS)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slugify(value: str, max_len: int = 80) -> str:
    """ASCII slug for ids: 'Vejleåparken 2021' -> 'vejleaaparken-2021'."""
    value = value.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", value).strip("-")
    return value[:max_len].rstrip("-") or "dokument"


def make_document(
    text: str,
    *,
    doc_id: str,
    title: str,
    doc_type: str,
    source: str | None = None,
    date: str | None = None,
    authors: list[str] | None = None,
    url: str | None = None,
    path: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Document:
    """Build a Document with every required metadata key set; `extra` adds layout and facets."""
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc_type {doc_type!r}")
    metadata: dict[str, Any] = {
        DOC_ID: doc_id,
        TITLE: title,
        SOURCE: source,
        DOC_TYPE: doc_type,
        DATE: date,
        YEAR: int(date[:4]) if date else None,
        AUTHORS: list(authors or []),
        URL: url,
        PATH: path,
        CONTENT_HASH: content_hash(text),
        KOMMUNER: [],
        BOLIGOMRAADER: [],
        THEMES: [],
    }
    metadata.update(extra or {})
    return Document(
        id_=doc_id,
        text=text,
        metadata=metadata,
        # Layout spans are bookkeeping, not content: keep them out of embeddings and prompts.
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=list(metadata),
    )
