"""Metadata as a Danish reader expects it: 'Artikel · BL · 15. marts 2023 · s. 23'."""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Any

from vidensbank.app import ui_text as T
from vidensbank.ingest import schema

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december")


def doc_type_label(doc_type: str | None) -> str:
    return T.DOC_TYPE_LABELS.get(doc_type or "", doc_type or T.DOC_TYPE_LABELS["andet"])


def count(n: int, noun: tuple[str, str]) -> str:
    """'1 dokument', '2 dokumenter': noun is (singular, plural)."""
    return f"{n} {noun[0] if n == 1 else noun[1]}"


def danish_date(iso: str | None) -> str:
    """'2023-03-15' -> '15. marts 2023'; no date gives ''; anything unparsable is kept."""
    if not iso:
        return ""
    try:
        d = Date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def meta_line(doc_type: str | None, source: str | None, date: str | None,
              page: str | None = None, section: str | None = None) -> str:
    parts = [doc_type_label(doc_type), source, danish_date(date), *location_parts(page, section)]
    return " · ".join(p for p in parts if p)


def location_parts(page: str | None, section: str | None) -> list[str]:
    """Where in a document: ['s. 23', 'afsnit 3 Samarbejde'], leaving out what is unknown."""
    out = [T.LABEL_PAGE.format(page=page)] if page else []
    return out + ([T.LABEL_SECTION.format(section=section)] if section else [])


def ocr_note(metadata: dict[str, Any]) -> str:
    """Which PDF pages were read by text recognition, and with what ("" when none)."""
    pages = metadata.get(schema.OCR_PAGES)
    if not pages:
        return ""
    return T.OCR_NOTE.format(pages=join_values(pages), engine=metadata.get(schema.OCR_ENGINE))


def join_values(values: Any) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(str(v) for v in values)
    return "" if values is None else str(values)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def plain(text: str | None) -> str:
    """Text from a document, safe inside Streamlit markdown: every markup character escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text or "")


DANISH_ORDER = str.maketrans({"æ": "{0", "ø": "{1", "å": "{2"})


def danish_key(value: object) -> str:
    """Sort key in Danish alphabetical order: … x, y, z, æ, ø, å."""
    return str(value).lower().replace("aa", "å").translate(DANISH_ORDER)
