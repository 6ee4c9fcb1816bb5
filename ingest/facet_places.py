"""A document's facets as filters use them: the places it is *about*, apart from the places it only
mentions, and its year where the reader found none.

An article about Varde names Esbjerg, Billund and Kolding once, in passing; a filter on Kolding
should not return it. A place counts as a subject when the title or the opening names it, or the
text names it again and again; the others are kept under the `*_naevnt` keys. Places a sidecar
sets are subjects by definition.
"""

from __future__ import annotations

import re
from typing import Any

from vidensbank.ingest import schema
from vidensbank.ingest.dates import find_danish_date
from vidensbank.ingest.facets import KOMMUNE_RE, KOMMUNE_SURFACES, extract_facets

# Places named here are subjects: the title and the lead (an article's first paragraphs, a
# report's cover).
LEAD_CHARS = 600
# A place named at least this share as often as the most named one (and twice) is a subject.
MAIN_SHARE = 0.5
# Places only mentioned: stored on the document, not used by filters or cards.
MENTIONED = {
    schema.KOMMUNER: schema.KOMMUNER_NAEVNT, schema.BOLIGOMRAADER: schema.BOLIGOMRAADER_NAEVNT,
}
# A publication date stands near the top ("Publiceret 15. marts 2023", "2023-03-15").
YEAR_CHARS = 400
YEAR_RANGE = (1950, 2100)


def enrich_facets(metadata: dict[str, Any], text: str, *, min_theme_count: int = 2) -> None:
    """Fill kommuner, boligområder and themes from the text unless set already (a sidecar), the
    places split into subjects and mentions; fill the year from a date near the top."""
    found = extract_facets(text, min_theme_count=min_theme_count)
    title = str(metadata.get(schema.TITLE) or "")
    for key, values in found.items():
        if metadata.get(key):
            continue  # a sidecar's values stand, as subjects
        if key in MENTIONED:
            counts = _counts(text, values, kommuner=key == schema.KOMMUNER)
            about = subjects(values, counts, f"{title}\n{text[:LEAD_CHARS]}")
            metadata[key] = about
            metadata[MENTIONED[key]] = [v for v in values if v not in about]
        else:
            metadata[key] = values
    if metadata.get(schema.YEAR) is None:
        metadata[schema.YEAR] = year_from_text(text)


def subjects(names: list[str], counts: dict[str, int], lead: str) -> list[str]:
    """The names a document is about: named in the lead, or named often; in order of mention."""
    top = max(counts.values(), default=0)
    return [n for n in names if _pattern(n).search(lead)
            or counts.get(n, 0) >= max(2, MAIN_SHARE * top)]


def _counts(text: str, names: list[str], *, kommuner: bool) -> dict[str, int]:
    if kommuner:  # aliases ("Århus") count for their municipality
        counts = dict.fromkeys(names, 0)
        for match in KOMMUNE_RE.finditer(text):
            name = KOMMUNE_SURFACES[match.group(1)]
            if name in counts:
                counts[name] += 1
        return counts
    return {n: len(_pattern(n).findall(text)) for n in names}


def _pattern(name: str) -> re.Pattern[str]:
    # The name as a word, genitive allowed; housing areas also in capitals.
    return re.compile(rf"(?<!\w)(?:{re.escape(name)}|{re.escape(name.upper())})s?(?!\w)")


def year_from_text(text: str) -> int | None:
    """The year of the first full date near the top of the text, if any."""
    iso = find_danish_date(text[:YEAR_CHARS])
    year = int(iso[:4]) if iso else None
    return year if year and YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else None
