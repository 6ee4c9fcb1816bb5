"""Which places a document, or a quote from it, is about: from the facets ingest stored.

Ingest stores every kommune and boligområde a document *names* (`kommuner`, `boligomraader` in
each point's payload). A document is taken to be *about* the places in its title and the ones it
names most often; a quote is about the places it names itself. When ingest stores places a
document is about apart from those it only mentions (issue 13), `ABOUT_KEYS` reads them first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vidensbank.ingest import facets, schema

# Payload keys for places a document is about, where ingest provides them (newest first).
ABOUT_KEYS: dict[str, tuple[str, ...]] = {
    schema.KOMMUNER: ("kommuner_om",), schema.BOLIGOMRAADER: ("boligomraader_om",)}
MAIN_SHARE = 0.5  # a place named at least half as often as the most named one is a main place


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


def document_places(meta: Mapping[str, Any], text: str) -> list[Place]:
    """The places a document is about, areas before kommuner, the most named first."""
    out: list[Place] = []
    for kind in (schema.BOLIGOMRAADER, schema.KOMMUNER):
        given = next((meta[k] for k in ABOUT_KEYS[kind] if meta.get(k)), None)
        if given:
            out += [Place(str(n), kind) for n in given]
            continue
        names = _listed(meta, kind)
        title = str(meta.get(schema.TITLE) or "")
        counts = {n: len(_pattern(n).findall(text)) for n in names}
        top = max(counts.values(), default=0)
        main = [n for n in names if n in named(title, names)
                or (top and counts[n] >= max(2, MAIN_SHARE * top))]
        out += [Place(n, kind) for n in sorted(main, key=lambda n: -counts[n])]
    return out


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
