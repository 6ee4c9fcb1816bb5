"""Pick the reader for a file by its suffix, and apply an optional metadata sidecar.

A sidecar `NAME.meta.json` beside `NAME.ext` overrides what the reader found (source, url, date,
title, authors, doc_type ...): the way to give documents metadata their text does not carry.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path

from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.agreement_layout import add_agreement_structure
from vidensbank.ingest.facets import detect_doc_type

from vidensbank.errors import IngestError

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
# Ingest time grows with the text: embedding runs at about 1,000-3,000 characters a second on a
# laptop CPU, so 20 MB of text would take hours. Bigger files are refused before they are read
# (PDF and Word files also hold images, hence their higher limits), longer texts once read.
MAX_FILE_MB = {".txt": 20, ".md": 20, ".html": 20, ".htm": 20, ".pdf": 200, ".docx": 100}
MAX_TEXT_CHARS = 2_000_000  # about 700 report pages
# Overridable keys; anything else in a sidecar is refused so typos do not pass silently.
SIDECAR_KEYS = {
    schema.TITLE, schema.SOURCE, schema.DOC_TYPE, schema.DATE, schema.AUTHORS, schema.URL,
    schema.KOMMUNER, schema.BOLIGOMRAADER, schema.THEMES,
}

Reader = Callable[[Path, str], Document]


def _reader_for(suffix: str, ocr: str = "auto") -> Reader:
    # Imported lazily: a PDF batch need not load the HTML stack, and vice versa.
    if suffix in (".txt", ".md"):
        from vidensbank.ingest.article import read_article_text

        return read_article_text
    if suffix in (".html", ".htm"):
        from vidensbank.ingest.html import read_html

        return read_html
    if suffix == ".pdf":
        from vidensbank.ingest.pdf import read_pdf

        return functools.partial(read_pdf, ocr=ocr)
    if suffix == ".docx":
        from vidensbank.ingest.docx import read_docx

        return read_docx
    raise IngestError("", f"filtypen '{suffix or '(ingen)'}' understøttes ikke")


def doc_id_for(path: Path) -> str:
    """Readable id from the file name; index/build/identity.py adds a content hash where two
    different documents share a name."""
    return schema.slugify(path.stem)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.endswith(SIDECAR_SUFFIX)


def read_path(path: Path, *, doc_type: str | None = None, ocr: str = "auto") -> Document:
    """Read one file into a Document. Raises IngestError with a one-line reason. `ocr`: which
    scanned PDF pages to recognise (ingest.ocr: auto, always, never)."""
    if not path.exists():
        raise IngestError(str(path), "filen findes ikke")
    if not path.is_file():
        raise IngestError(str(path), "er ikke en fil")
    try:
        reader = _reader_for(path.suffix.lower(), ocr)
    except IngestError as exc:
        raise IngestError(str(path), exc.reason) from None
    check_file_size(path)
    doc = reader(path, doc_id_for(path))
    if len(doc.text) > MAX_TEXT_CHARS:
        raise IngestError(str(path), f"teksten er for lang: {_thousands(len(doc.text))} tegn "
                                     f"(grænse {_thousands(MAX_TEXT_CHARS)}); del dokumentet op")
    # Detected type first; a sidecar, then the command line, may still override it.
    apply_overrides(doc, {schema.DOC_TYPE: detect_doc_type(doc.text, doc.metadata)})
    apply_overrides(doc, load_sidecar(path))
    if doc_type:
        apply_overrides(doc, {schema.DOC_TYPE: doc_type})
    if not doc.text.strip():
        raise IngestError(str(path), "ingen tekst fundet i dokumentet")
    add_agreement_structure(doc)  # an agreement in PDF gets what the Word reader gives
    return doc


def check_file_size(path: Path) -> None:
    limit_mb = MAX_FILE_MB.get(path.suffix.lower())
    size_mb = path.stat().st_size / (1024 * 1024)
    if limit_mb is not None and size_mb > limit_mb:
        shown = f"{size_mb:.1f}".replace(".", ",")
        raise IngestError(str(path), f"filen er for stor: {shown} MB (grænse {limit_mb} MB)")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def load_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IngestError(str(sidecar), f"ugyldig metadatafil: {exc}") from None
    if not isinstance(data, dict):
        raise IngestError(str(sidecar), "metadatafilen skal være et JSON-objekt")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise IngestError(str(sidecar), f"ukendte nøgler: {', '.join(sorted(unknown))}")
    return data


def apply_overrides(doc: Document, overrides: dict) -> None:
    if not overrides:
        return
    doc_type = overrides.get(schema.DOC_TYPE)
    if doc_type is not None and doc_type not in schema.DOC_TYPES:
        allowed = ", ".join(schema.DOC_TYPES)
        raise IngestError(doc.metadata.get(schema.PATH) or doc.id_,
                          f"ukendt dokumenttype '{doc_type}' (gyldige: {allowed})")
    doc.metadata.update(overrides)
    if schema.DATE in overrides:
        date = overrides[schema.DATE]
        doc.metadata[schema.YEAR] = int(date[:4]) if date else None
    # Keep the exclusion lists in step with any new keys.
    doc.excluded_embed_metadata_keys = list(doc.metadata)
    doc.excluded_llm_metadata_keys = list(doc.metadata)
