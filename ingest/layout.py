"""Where in a document an offset lies: its printed page and its section. The one home of both.

Readers record a document's layout once, as spans: sorted `[start_char, label]` pairs under
`schema.PAGE_SPANS` (the page as printed: "23", "iv") and `schema.SECTION_SPANS` (the heading).
At ingest every point gets the page and section where its window starts and the spans clipped to
its chunk (`chunk_layout`), so a search hit or a quote inside it is labelled from the hit alone:
no document is read at query time, and every view (Spørg, Søg, Kilder, the CLI) asks `location`.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidensbank.ingest import schema

Spans = list[list[Any]]  # [[start_char, label], ...], sorted by start_char


@dataclass(frozen=True)
class Location:
    """Page and section at one offset; None where the document has no such layout."""

    page: str | None
    section: str | None


def label_at(spans: Spans | None, offset: int) -> str | None:
    """The label of the span that contains `offset` (None before the first span, or no spans)."""
    if not spans:
        return None
    i = bisect.bisect_right([s[0] for s in spans], offset) - 1
    return str(spans[i][1]) if i >= 0 else None


def location(layout: Mapping[str, Any], offset: int) -> Location:
    """Page and section at `offset`, from a document's metadata or a point's clipped layout."""
    return Location(label_at(layout.get(schema.PAGE_SPANS), offset),
                 label_at(layout.get(schema.SECTION_SPANS), offset))


def clip(spans: Spans | None, start: int, end: int) -> Spans:
    """The spans that cover [start, end): the one open at `start` (moved to start) and those
    beginning inside. Labels at any offset in the range stay what they were."""
    if not spans:
        return []
    first = bisect.bisect_right([s[0] for s in spans], start) - 1
    out: Spans = [[start, spans[first][1]]] if first >= 0 else []
    out += [[a, label] for a, label in spans[first + 1:] if a < end]
    return out


def chunk_layout(metadata: Mapping[str, Any], start: int, end: int) -> dict[str, Spans]:
    """A chunk's own layout: each kind of span clipped to the chunk (empty kinds left out)."""
    out = {}
    for key in schema.LAYOUT_KEYS:
        clipped = clip(metadata.get(key), start, end)
        if clipped:
            out[key] = clipped
    return out
