"""One source into a finished Document, the order of ingest's work in one place: read the file or
fetch the URL (readers, fetch: text cleaned, layout found, sidecar and type applied), then the
facets the document is about (facet_places), then where it came from. Index builders take the
Document as it leaves here and only chunk, embed and write it."""

from __future__ import annotations

from pathlib import Path

from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.facet_places import enrich_facets
from vidensbank.ingest.fetch import fetch_document, is_url
from vidensbank.ingest.readers import read_path


def read_document(source: Path | str, *, doc_type: str | None = None,
                  ocr: str = "auto") -> Document:
    """A file's or an http(s) URL's finished Document. Raises IngestError with a one-line
    reason (ingest.readers)."""
    doc = (fetch_document(str(source), doc_type=doc_type, ocr=ocr) if is_url(source)
           else read_path(Path(source), doc_type=doc_type, ocr=ocr))
    enrich_facets(doc.metadata, doc.text)
    doc.metadata[schema.PATH] = str(source)
    return doc
