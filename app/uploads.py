"""Uploaded files onto disk under the index folder: safe names, a size limit, no path tricks."""

from __future__ import annotations

import importlib
import importlib.util
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from vidensbank.app import ui_text as T
from vidensbank.index.api import IngestReport, Library
from vidensbank.ingest import schema
from vidensbank.ingest.readers import MAX_FILE_MB, SUPPORTED_SUFFIXES

from vidensbank.errors import VidensbankError

UPLOAD_DIR = "uploads"
MAX_UPLOAD_MB = max(MAX_FILE_MB.values())  # the reader refuses each type over its own limit
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_STEM_CHARS = 100  # with two bytes per æ/ø/å still well under a file system's 255 bytes
UPLOAD_TYPES = tuple(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
FETCH_MODULE = "vidensbank.ingest.fetch"
FETCH_FUNCTION = "fetch_document"


class UploadError(VidensbankError):
    """An uploaded file that cannot be stored (bad name, wrong type, too large)."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def sanitize_filename(name: str) -> str:
    """A plain file name: no folders, no leading dots, letters (æøå too), digits and -_. ()."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control chars
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = suffix.lower()
    if "." + suffix not in SUPPORTED_SUFFIXES:
        raise UploadError(T.UPLOAD_BAD_TYPE.format(suffix="." + suffix if suffix else "",
                                                   allowed=", ".join(UPLOAD_TYPES)))
    stem = re.sub(r"[^\w\-. ()]+", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._")[:MAX_STEM_CHARS].rstrip(" .")
    return f"{stem or 'dokument'}.{suffix}"


def check_size(upload: Upload) -> None:
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise UploadError(T.UPLOAD_TOO_LARGE.format(mb=len(upload.data) / 1024 / 1024,
                                                    limit=MAX_UPLOAD_MB))


def save_upload(index_dir: Path, upload: Upload) -> Path:
    """Write the upload to `index_dir/uploads/` under its sanitised name; return the path."""
    check_size(upload)
    folder = (index_dir / UPLOAD_DIR).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sanitize_filename(upload.name)
    if target.parent != folder:  # belt and braces: the name above cannot leave the folder
        raise UploadError(T.UPLOAD_BAD_NAME)
    target.write_bytes(upload.data)
    return target


def fetch_module() -> ModuleType | None:
    """URL ingest, when this installation has it (`ingest.fetch.fetch_document`)."""
    if importlib.util.find_spec(FETCH_MODULE) is None:
        return None
    module = importlib.import_module(FETCH_MODULE)
    return module if callable(getattr(module, FETCH_FUNCTION, None)) else None


def store_uploads(index_dir: Path, uploads: list[Upload]
                  ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Save what can be saved; the rest comes back as (name, reason), as a report lists it."""
    saved, refused = [], []
    for upload in uploads:
        try:
            saved.append(save_upload(index_dir, upload))
        except UploadError as exc:
            refused.append((upload.name, str(exc)))
    return saved, refused


def ingest_uploads(library: Library, uploads: list[Upload], *, urls: Sequence[str] = (),
                   doc_type: str | None = None,
                   on_progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
    """Save the files and ingest them and the URLs into the shared knowledge base: it is the
    object every page searches, so the new documents are found at once."""
    saved, refused = store_uploads(library.index_dir, uploads)
    sources: list[Path | str] = [*saved, *urls]  # the pipeline fetches http(s) addresses itself
    report = (library.ingest(sources, doc_type=doc_type, on_progress=on_progress) if sources
              else IngestReport())
    report.failed[:0] = refused
    return report


def size_limits() -> str:
    """'PDF 200 MB, DOCX 100 MB, TXT/MD/HTML/HTM 20 MB': each type's limit, as the reader has it."""
    by_limit: dict[int, list[str]] = {}
    for suffix, mb in MAX_FILE_MB.items():
        by_limit.setdefault(mb, []).append(suffix.lstrip(".").upper())
    return ", ".join(f"{'/'.join(kinds)} {mb} MB"
                     for mb, kinds in sorted(by_limit.items(), reverse=True))


def documents_from(library: Library, paths: Sequence[str]) -> list[tuple[str, str]]:
    """(doc_id, title) of the documents read from these files or addresses, for links."""
    wanted = set(paths)
    found = []
    for doc in library.documents():
        places = {doc.metadata.get(schema.PATH), *(doc.metadata.get(schema.SOURCES) or [])}
        if wanted & {str(p) for p in places if p}:
            found.append((doc.doc_id, doc.metadata.get(schema.TITLE) or doc.doc_id))
    return found
