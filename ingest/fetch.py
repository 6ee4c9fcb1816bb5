"""Fetch a web page or a PDF by URL and read it as the file readers would.

Standard library only (urllib). The body is read up to a size limit; what it is comes from its
first bytes before the Content-Type header (servers send PDFs as application/octet-stream, and
login pages as "application/pdf"). The header's charset is passed on to the HTML reader, which
ranks it above the page's own <meta charset>, as browsers do. Every failure is an IngestError
with a one-line Danish reason.
"""

from __future__ import annotations

import codecs
import http.client
import logging
import re
import urllib.error
import urllib.request
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.agreement_layout import add_agreement_structure
from vidensbank.ingest.facets import detect_doc_type
from vidensbank.ingest.readers import MAX_TEXT_CHARS, apply_overrides

from vidensbank.errors import IngestError

log = logging.getLogger(__name__)

URL_RE = re.compile(r"https?://[^\s/]+", re.IGNORECASE)
TIMEOUT_SECONDS = 30.0
MAX_MB = 50
USER_AGENT = "vidensbank/0.1 (dokumentindlaesning)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
SNIFF_BYTES = 1024
HTML_MAGIC = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
HTTP_REASONS = {
    400: "ugyldig forespørgsel",
    401: "kræver login",
    403: "adgang nægtet",
    404: "siden findes ikke",
    410: "siden er fjernet",
    429: "for mange forespørgsler; prøv igen senere",
}


def is_url(value: object) -> bool:
    """Whether a command-line argument is an http(s) address rather than a file path."""
    return isinstance(value, str) and bool(URL_RE.match(value))


def doc_id_for_url(url: str) -> str:
    """The last path segment without its suffix ('.../fremskudte-indsatser.pdf'), else the host."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    stem = PurePosixPath(segments[-1]).stem if segments else ""
    return schema.slugify(stem or parts.hostname or "side")


def fetch_document(url: str, *, doc_type: str | None = None, timeout: float = TIMEOUT_SECONDS,
                   max_mb: float = MAX_MB, ocr: str = "auto") -> Document:
    """Fetch `url` and read it as an HTML article or a PDF report; raises IngestError."""
    data, content_type, charset, final_url = fetch_bytes(url, timeout=timeout, max_mb=max_mb)
    kind = sniff_kind(data, content_type)
    doc_id = doc_id_for_url(url)
    if kind == "pdf":
        from vidensbank.ingest.pdf import parse_pdf

        doc = parse_pdf(data, doc_id=doc_id, url=final_url, ocr=ocr)
    elif kind == "html":
        from vidensbank.ingest.html import parse_html

        doc = parse_html(with_charset(data, charset), doc_id=doc_id, url=final_url)
    else:
        raise IngestError(url, f"indholdstypen '{content_type or 'ukendt'}' understøttes ikke "
                               "(kun HTML-sider og PDF'er)")
    _finish(doc, url, doc_type)
    return doc


def _finish(doc: Document, url: str, doc_type: str | None) -> None:
    """What ingest.readers.read_path does after its reader, less the sidecar a URL has not."""
    if len(doc.text) > MAX_TEXT_CHARS:
        shown = f"{len(doc.text):,}".replace(",", ".")
        raise IngestError(url, f"teksten er for lang: {shown} tegn; del dokumentet op")
    if not doc.text.strip():
        raise IngestError(url, "ingen tekst fundet i dokumentet")
    apply_overrides(doc, {schema.DOC_TYPE: detect_doc_type(doc.text, doc.metadata)})
    if doc_type:
        apply_overrides(doc, {schema.DOC_TYPE: doc_type})
    add_agreement_structure(doc)


def fetch_bytes(url: str, *, timeout: float, max_mb: float) -> tuple[bytes, str, str | None, str]:
    """(body, content type, charset, final URL after redirects)."""
    if not is_url(url):  # urllib would also open file:// and ftp:// addresses
        raise IngestError(url, "kun http- og https-adresser kan hentes")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    limit = int(max_mb * 1024 * 1024)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers: Message = response.headers
            declared = headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise IngestError(url, _too_big(int(declared), max_mb))
            data = response.read(limit + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise IngestError(url, _http_reason(exc.code)) from None
    except urllib.error.URLError as exc:
        raise IngestError(url, _network_reason(exc.reason, timeout)) from None
    except (TimeoutError, OSError) as exc:  # a timeout or a reset while the body is read
        raise IngestError(url, _network_reason(exc, timeout)) from None
    except http.client.HTTPException as exc:  # a reply that is not HTTP at all
        raise IngestError(url, f"serveren svarede ikke med gyldig HTTP ({exc!r})") from None
    except ValueError:
        raise IngestError(url, "adressen er ugyldig") from None
    if len(data) > limit:
        raise IngestError(url, _too_big(None, max_mb))
    return data, headers.get_content_type(), headers.get_content_charset(), final_url


def sniff_kind(data: bytes, content_type: str) -> str | None:
    """'pdf', 'html' or None: the first bytes decide, the Content-Type header only when they
    are neither (an HTML page without a doctype)."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head:
        return "pdf"
    if HTML_MAGIC.match(head.lstrip(codecs.BOM_UTF8)):
        return "html"
    if content_type in HTML_TYPES:
        return "html"
    return None


def with_charset(data: bytes, charset: str | None) -> bytes:
    """The page as UTF-8 with a byte order mark when the header named another charset.

    The HTML reader ranks a byte order mark above the page's <meta charset>: this is how the
    header's charset, which should win (HTML standard), reaches it.
    """
    if not charset:
        return data
    try:
        text = data.decode(codecs.lookup(charset).name)
    except (LookupError, UnicodeDecodeError):
        log.info("charset %r i headeren passer ikke til siden; siden afgør selv", charset)
        return data
    return codecs.BOM_UTF8 + text.removeprefix("\ufeff").encode("utf-8")


def _too_big(size: int | None, max_mb: float) -> str:
    shown = f"{size / (1024 * 1024):.1f} MB".replace(".", ",") if size else "over grænsen"
    return f"filen er for stor: {shown} (grænse {max_mb:g} MB)"


def _http_reason(code: int) -> str:
    if code in HTTP_REASONS:
        return f"{HTTP_REASONS[code]} (HTTP {code})"
    if code >= 500:
        return f"serverfejl (HTTP {code}); prøv igen senere"
    return f"serveren svarede HTTP {code}"


def _network_reason(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"intet svar inden for {timeout:g} sekunder (timeout)"
    detail = getattr(reason, "strerror", None) or str(reason)
    return f"adressen kunne ikke hentes ({detail})"
