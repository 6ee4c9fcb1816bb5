"""Search results as data for the app: grouped by document, and exported as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from vidensbank.index.api import Hit
from vidensbank.ingest import schema

EXPORT_FIELDS = (
    "rank", "score", "doc_id", "title", "source", "doc_type", "date", "kommuner",
    "boligomraader", "themes", "page", "section", "start_char", "end_char", "citation", "text",
)
LIST_FIELDS = (schema.KOMMUNER, schema.BOLIGOMRAADER, schema.THEMES)
CSV_DELIMITER = ";"  # what Danish Excel expects; the BOM below makes it read æøå right


@dataclass
class DocGroup:
    """One document (one place, one case) and its passages among the results."""

    doc_id: str
    title: str
    doc_type: str
    source: str | None
    date: str | None
    kommuner: list[str]
    boligomraader: list[str]
    hits: list[Hit] = field(default_factory=list)


def group_by_document(hits: list[Hit]) -> list[DocGroup]:
    """Groups in the order of each document's best passage; passages keep their rank order."""
    groups: dict[str, DocGroup] = {}
    for hit in sorted(hits, key=lambda h: h.rank):
        if hit.doc_id not in groups:
            meta = hit.metadata
            groups[hit.doc_id] = DocGroup(
                hit.doc_id, hit.title, hit.doc_type, hit.source, hit.date,
                list(meta.get(schema.KOMMUNER) or []), list(meta.get(schema.BOLIGOMRAADER) or []))
        groups[hit.doc_id].hits.append(hit)
    return list(groups.values())


def export_rows(hits: list[Hit]) -> list[dict[str, Any]]:
    rows = []
    for hit in hits:
        row = hit.as_dict()
        for key in LIST_FIELDS:
            row[key] = list(hit.metadata.get(key) or [])
        rows.append({k: row.get(k) for k in EXPORT_FIELDS})
    return rows


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict[str, Any]], fields: tuple[str, ...] | None = None) -> bytes:
    """UTF-8 with BOM; list values joined with ', '."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields or (rows[0] if rows else [])),
                            delimiter=CSV_DELIMITER, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ", ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")
