"""Which places a document, or a quote from it, is about: from the facets ingest stored.

Ingest stores the kommuner and boligområder a document is *about* (`kommuner`, `boligomraader` in
each point's payload; those it only mentions apart, ingest.facet_places); a quote is about the
places it names itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vidensbank.ingest import facets, schema


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # schema.KOMMUNER or schema.BOLIGOMRAADER

    @property
    def is_area(self) -> bool:
        return self.kind == schema.BOLIGOMRAADER


@lru_cache(maxsize=4096)
def _pattern(name: str) -> re.Pattern[str]:
    # "Sønderborg", "Sønderborgs", "Sønderborg Kommune": the name as a word, genitive allowed.
    return re.compile(rf"(?<!\w){re.escape(name)}s?(?!\w)")


def named(text: str, names: list[str]) -> list[str]:
    return [n for n in names if _pattern(n).search(text)]


def _listed(meta: Mapping[str, Any], kind: str) -> list[str]:
    return [str(x) for x in meta.get(kind) or []]


def document_places(meta: Mapping[str, Any]) -> list[Place]:
    """The places a document is about, areas before kommuner, as ingest decided them
    (ingest.facet_places: named in the title or lead, or named often) and stored on every point."""
    return [Place(n, kind) for kind in (schema.BOLIGOMRAADER, schema.KOMMUNER)
            for n in _listed(meta, kind)]


def quote_places(meta: Mapping[str, Any], quote: str) -> list[Place]:
    """The document's places that the quote names itself, areas first."""
    return [Place(n, kind) for kind in (schema.BOLIGOMRAADER, schema.KOMMUNER)
            for n in named(quote, _listed(meta, kind))]


def kommune_of(area: Place, places: list[Place]) -> str | None:
    """The kommune an area lies in, as far as the document tells: its one main kommune."""
    kommuner = [p.name for p in places if not p.is_area]
    return kommuner[0] if area.is_area and kommuner else None


def label(places: list[Place]) -> str | None:
    """'Vejleåparken, Ishøj': the main area and kommune, for an answer's heading."""
    area = next((p.name for p in places if p.is_area), None)
    kommune = next((p.name for p in places if not p.is_area), None)
    return ", ".join(x for x in (area, kommune) if x) or None


def question_places(question: str) -> list[str]:
    """The kommuner and boligområder a question names, by the gazetteer ingest uses."""
    return facets.find_kommuner(question) + facets.find_boligomraader(question)
