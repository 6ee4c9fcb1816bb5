"""Plain-text copies of web articles (.txt, .md) into Documents.

The copies carry page chrome (image names, reading-list buttons, related articles, author boxes);
`ingest.textclean` removes it and finds the headline, the date stamp and the byline.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.article_sections import section_spans
from vidensbank.ingest.textclean import Article, clean_article, decode_bytes, split_paragraphs

from vidensbank.errors import IngestError

log = logging.getLogger(__name__)

# Markdown heading marks ("## Samarbejde"): syntax, not text a reader sees.
MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.MULTILINE)


def read_article_text(path: Path, doc_id: str) -> Document:
    """Read one article dump. Raises IngestError for empty, binary or text-free files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"filen kunne ikke læses: {exc.strerror or exc}") from None
    if not data.strip():
        raise IngestError(str(path), "filen er tom")
    text = decode_bytes(data)
    if text is None:
        raise IngestError(str(path), "filen er binær, ikke tekst")
    if path.suffix.lower() == ".md":
        text = MARKDOWN_HEADING.sub("", text)
    article = clean_article(split_paragraphs(text))
    if article is None:
        raise IngestError(str(path), "ingen artikeltekst tilbage efter oprydning")
    return article_document(article, doc_id=doc_id, path=str(path))


def article_document(
    article: Article, *, doc_id: str, path: str | None = None, url: str | None = None
) -> Document:
    """The Document for a cleaned article; shared with the HTML reader."""
    log.debug("%s: titel %r, dato %s, forfattere %s", doc_id, article.title, article.date,
              article.authors)
    return schema.make_document(
        article.text,
        doc_id=doc_id,
        title=article.title,
        doc_type=schema.ARTIKEL,
        source=article.source,
        date=article.date,
        authors=article.authors,
        url=url,
        path=path,
        extra={schema.SECTION_SPANS: section_spans(article.paragraphs)},
    )
