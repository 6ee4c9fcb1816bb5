"""`vidensbank show DOC_ID`: a document's metadata and text."""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app import labels
from vidensbank.app import ui_text as T
from vidensbank.app.cli.common import emit
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.ingest import schema

NAME = "show"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="vis et dokuments tekst og metadata")
    p.add_argument("doc_id")
    return p


# Metadata a reader wants, under Danish names; the rest (hashes, spans) stays in --json.
SHOWN = ((schema.TITLE, T.LABEL_TITLE), (schema.DOC_TYPE, T.LABEL_TYPE),
         (schema.SOURCE, T.LABEL_SOURCE), (schema.DATE, T.LABEL_DATE),
         (schema.AUTHORS, T.LABEL_AUTHORS), (schema.KOMMUNER, T.LABEL_KOMMUNER),
         (schema.BOLIGOMRAADER, T.LABEL_BOLIGOMRAADER), (schema.THEMES, T.LABEL_THEMES),
         (schema.URL, T.LABEL_URL), (schema.PATH, T.LABEL_FILE))


def document_text(data: dict[str, Any]) -> str:
    meta = data["metadata"]
    shown = {schema.DOC_TYPE: labels.doc_type_label(meta.get(schema.DOC_TYPE)),
             schema.DATE: labels.danish_date(meta.get(schema.DATE))}
    lines = [f"{T.LABEL_DOC_ID}: {data['doc_id']}"]
    for key, name in SHOWN:
        value = labels.join_values(shown.get(key) or meta.get(key))
        if value:  # nothing unknown printed as "None" or "[]"
            lines.append(f"{name}: {value}")
    if len(meta.get(schema.SOURCES) or []) > 1:
        lines.append(f"{T.LABEL_FILES}: {labels.join_values(meta[schema.SOURCES])}")
    if ocr := labels.ocr_note(meta):
        lines.append(f"{T.LABEL_OCR}: {ocr}")
    return "\n".join([*lines, "", data["text"]])


def run(args: argparse.Namespace, config: Config) -> int:
    with Library.open(config) as library:
        doc = library.show(args.doc_id)
    emit(args, doc.as_dict(), document_text)
    return 0
