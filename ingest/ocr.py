"""Text for scanned PDF pages: render each page (pypdfium2) and recognise it with Tesseract.

Modes: "auto" (default) recognises pages that have no text layer but do have an image, "always"
every page (replacing the text layer), "never" none. The recognised text takes the place of the
page's text, so everything downstream (page labels, paragraphs, chunks, exact quotes) works on it
as on any text layer; the document records which PDF pages were recognised (schema.OCR_PAGES).
Tesseract and its Danish data are Debian packages (`tesseract-ocr`, `tesseract-ocr-dan`, see the
Makefile); without them a scanned PDF is refused with a line that says how to install them.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from typing import TYPE_CHECKING, Any

from vidensbank.ingest import schema

from vidensbank.errors import IngestError

if TYPE_CHECKING:
    from pypdf import PdfReader

log = logging.getLogger(__name__)

OCR_MODES = ("auto", "always", "never")
LANGUAGE = "dan"
DPI = 300  # Tesseract reads best at 300 dpi; scans are usually 200-300
PAGE_TIMEOUT_S = 120  # one page that hangs Tesseract costs the page, not the ingest
NO_TEXT = "PDF'en har intet tekstlag (skannet?)"
INSTALL = "sudo apt-get install tesseract-ocr tesseract-ocr-dan (eller make ocr)"


@functools.cache
def engine() -> str | None:
    """'tesseract X (dan)' when Tesseract and its Danish data are installed, else None."""
    if shutil.which("tesseract") is None:
        return None
    try:
        import pytesseract

        if LANGUAGE not in pytesseract.get_languages(config=""):
            return None
        return f"tesseract {pytesseract.get_tesseract_version()} ({LANGUAGE})"
    except Exception as exc:  # a broken installation reads as none
        log.warning("Tesseract kunne ikke startes: %s", exc)
        return None


def has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _has_image(page: Any) -> bool:
    try:
        return len(page.images) > 0
    except Exception:  # unreadable resources: let OCR look at the rendered page
        return True


def pages_to_read(reader: PdfReader, texts: list[str], mode: str) -> list[int]:
    """0-based indexes of the pages to recognise."""
    if mode == "never":
        return []
    if mode == "always":
        return list(range(len(texts)))
    return [i for i, text in enumerate(texts)
            if not has_text(text) and _has_image(reader.pages[i])]


def recognise(data: bytes, pages: list[int], source: str) -> dict[int, str]:
    """Text of each page, one at a time with a progress bar; a failed page is left empty."""
    import pypdfium2
    import pytesseract
    from tqdm import tqdm

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:  # damaged beyond what pypdf forgave: nothing to render
        log.warning("%s: siderne kunne ikke tegnes op til tekstgenkendelse: %s", source, exc)
        return {}
    out: dict[int, str] = {}
    # One thread per page: under load Tesseract's OpenMP threads made it slower (9.5 against
    # 5.6 s/page on two busy cores); the setting is put back afterwards.
    threads = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        for index in tqdm(pages, desc="OCR", unit=" side", leave=False, disable=None):
            try:
                image = document[index].render(scale=DPI / 72, grayscale=True).to_pil()
                text = pytesseract.image_to_string(image, lang=LANGUAGE, config="--psm 3",
                                                   timeout=PAGE_TIMEOUT_S)
                out[index] = text.replace("\x0c", "").strip()
            except Exception as exc:  # one bad page costs the page
                log.warning("%s: side %d kunne ikke tekstgenkendes: %s", source, index + 1, exc)
    finally:
        document.close()
        if threads is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = threads
    return out


def add_ocr_text(data: bytes, reader: PdfReader, texts: list[str], *, mode: str,
                 source: str) -> tuple[list[str], dict[str, Any]]:
    """The page texts with recognised text in place, and the metadata that says so. Raises
    IngestError, saying why, when no page has text in the end."""
    if mode not in OCR_MODES:
        raise IngestError(source, f"ukendt OCR-tilstand '{mode}' (gyldige: {', '.join(OCR_MODES)})")
    wanted = pages_to_read(reader, texts, mode)
    meta: dict[str, Any] = {}
    reason = (f"{NO_TEXT}, og tekstgenkendelse er slået fra (--ocr never)" if mode == "never"
              else "PDF'en har ingen tekst: hverken et tekstlag eller billeder at tekstgenkende")
    if wanted and engine() is None:
        reason = (f"{NO_TEXT}, og tekstgenkendelse (Tesseract med dansk) er ikke installeret: "
                  f"{INSTALL}")
        log.warning("%s: %d sider uden tekst; %s", source, len(wanted), reason)
    elif wanted:
        recognised = {i: t for i, t in recognise(data, wanted, source).items() if has_text(t)}
        texts = [recognised.get(i, text) for i, text in enumerate(texts)]
        if recognised:
            meta = {schema.OCR_PAGES: [i + 1 for i in sorted(recognised)],
                    schema.OCR_ENGINE: engine()}
        reason = f"{NO_TEXT}, og tekstgenkendelse (OCR) fandt ingen tekst på siderne"
    if not any(has_text(t) for t in texts):
        raise IngestError(source, reason)
    return texts, meta
