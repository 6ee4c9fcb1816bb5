"""The structure of a samarbejdsaftale: its canonical parts, the parties and the period.

Works on extracted text plus section spans, whichever format the agreement came in (Word now,
PDF later). Agreements follow the Landsbyggefonden template loosely, so headings are matched by
keyword, not by exact wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vidensbank.ingest.facets import find_boligomraader, find_kommuner

# Metadata keys an agreement adds to its document.
PARTS = "parts"  # list[str]: canonical parts found, in document order
PARTIES = "parties"  # list[str]: kommune, boligorganisationer, boligafdelinger
PERIOD = "period"  # str like "2022-2025", or None

# Canonical part -> heading keywords (regex, matched at a word start, any case). Where a heading
# holds several, the first in the heading wins: "Mål og indsatsområder" is "formål og mål".
PART_KEYWORDS: dict[str, tuple[str, ...]] = {
    "parter": (r"parter(?:ne)?(?!\w)", r"aftaleparter"),
    "periode": (r"(?:aftale|projekt)?periode", r"varighed", r"løbetid", r"ikrafttræden",
                r"gyldighed"),
    "formål og mål": (r"formål", r"mål(?:et|ene|s)?(?!\w)", r"målsætning", r"vision",
                      r"succeskriteri"),
    "indsatsområder": (r"indsatsområde", r"indsatser", r"aktiviteter", r"delaftale",
                       r"fokusområde"),
    "roller og opgavefordeling": (r"roller", r"rollefordeling", r"opgavefordeling",
                                  r"ansvar", r"arbejdsdeling", r"forpligtelse"),
    "organisering": (r"organisering", r"bestyrelse", r"styregruppe", r"sekretariat",
                     r"følgegruppe", r"ledelse"),
    "økonomi": (r"økonomi", r"finansiering", r"medfinansiering", r"budget", r"bevilling"),
    "opfølgning": (r"opfølgning", r"evaluering", r"monitorering", r"afrapportering",
                   r"dokumentation", r"statusmøde"),
    "ændring og ophør": (r"ændring", r"opsigelse", r"ophør", r"misligholdelse", r"tvist",
                         r"genforhandling"),
}
PART_RES = {
    part: re.compile(r"(?<!\w)(?:" + "|".join(words) + ")", re.IGNORECASE)
    for part, words in PART_KEYWORDS.items()
}
# Numbering in front of a heading: "§ 4", "4.2", "Bilag 1:".
HEADING_NUMBER_RE = re.compile(r"^(?:§\s*\d+[a-z]?|\d{1,2}(?:\.\d{1,2})*|Bilag\s+\d+)\.?:?\s*")

# Housing organisations: a leading type word ("Boligselskabet Sjælland"), a trailing one
# ("Varde Bolig Administration") or a well-known name or acronym ("AAB Silkeborg").
ORG_LEAD = (r"Boligselskabet|Boligforeningen|Andelsboligforeningen|Boligorganisationen|"
            r"Boligkontoret|Lejerbo|Domea(?:\.dk)?|Civica|KAB|AAB|AB|DAB|FSB|fsb|SAB|AKB|"
            r"VIBO|Bo-Vest|3B")
ORG_TAIL = r"Boligselskab(?:er)?|Boligforening|Bolig(?:\s+Administration)?|Boliger"
_NAME = r"[A-ZÆØÅ0-9][\wæøåÆØÅ&+.-]*"
ORG_RE = re.compile(
    rf"(?<!\w)(?:(?:{ORG_LEAD})(?:[ ]+{_NAME})*|(?:[A-ZÆØÅ][\wæøå-]*[ ]+)+(?:{ORG_TAIL}))(?!\w)"
)
# Capitalised words that start a sentence, not a name: "Mellem Varde Bolig" -> "Varde Bolig".
NOT_NAME_WORDS = frozenset({"Mellem", "Og", "Samt", "Med", "For", "Parterne", "Aftalen", "Denne"})
KOMMUNE_PARTY_RE = re.compile(
    r"(?<!\w)((?:[A-ZÆØÅ][\wæøå]*-)?[A-ZÆØÅ][\wæøå]+) (?:(Regionsk)|[Kk])ommunes?(?!\w)"
)
AFDELING_RE = re.compile(
    r"(?<!\w)(?:[Aa]fdeling(?:en)?|[Aa]fd\.)[ ]+(?:nr\.[ ]*)?(?:\d+[ ]*,?[ ]*)?"
    r"([A-ZÆØÅ][\wæøå-]*(?:[ ]+[A-ZÆØÅ][\wæøå-]*)*)"
)

# A date or bare year at each end of a period: "1. januar 2022", "01.01.2022", "2022".
_DATE_YEAR = r"(?:\d{1,2}\.\s*(?:[a-zæøå]+\.?|\d{1,2}\.?)\s*)?(\d{4})"
PERIOD_RE = re.compile(
    rf"(?<!\d){_DATE_YEAR}\s*(?:-|–|til(?:\s+og\s+med)?)\s*(?:den\s+)?{_DATE_YEAR}(?!\d)"
)
MAX_PERIOD_YEARS = 15
PREAMBLE_CHARS = 2000  # where the parties stand when no section names them


def heading_part(label: str) -> str | None:
    """The canonical part a heading announces, or None: "§ 4 Økonomi" -> "økonomi"."""
    heading = HEADING_NUMBER_RE.sub("", label.strip())
    hits = [(m.start(), part) for part, pattern in PART_RES.items()
            if (m := pattern.search(heading))]
    return min(hits)[1] if hits else None


def agreement_parts(section_spans: list) -> list[str]:
    """Canonical parts in the order their headings first appear."""
    parts: list[str] = []
    for _, label in section_spans:
        part = heading_part(label)
        if part and part not in parts:
            parts.append(part)
    return parts


def agreement_metadata(text: str, section_spans: list) -> dict:
    """Parts, parties and period of an agreement, keyed PARTS, PARTIES and PERIOD."""
    parter = _part_text(text, section_spans, "parter") or text[:PREAMBLE_CHARS]
    scopes = (_part_text(text, section_spans, "periode"), text[:PREAMBLE_CHARS], text)
    return {
        PARTS: agreement_parts(section_spans),
        PARTIES: find_parties(parter),
        PERIOD: next((p for scope in scopes if scope and (p := find_period(scope))), None),
    }


def _part_text(text: str, section_spans: list, part: str) -> str:
    """The text of every section whose heading announces `part`, each up to the next heading."""
    starts = [int(start) for start, _ in section_spans] + [len(text)]
    pieces = [text[starts[i]:starts[i + 1]] for i, (_, label) in enumerate(section_spans)
              if heading_part(label) == part]
    return "\n\n".join(pieces)


def find_parties(text: str) -> list[str]:
    """Kommune, housing organisations and housing departments named in `text`, in order."""
    mentions = sorted(_party_mentions(text), key=lambda m: (m[0], -m[1]))
    parties: list[str] = []
    covered = 0
    for start, end, name in mentions:
        # "Boligselskabet Vejleåparken" is one party, not also the area inside its name.
        if start >= covered and name not in parties:
            parties.append(name)
        covered = max(covered, end)
    return parties


def _party_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    for m in KOMMUNE_PARTY_RE.finditer(text):
        if find_kommuner(m.group(1)):  # a real municipality, not "Denne Kommune"
            kind = "Regionskommune" if m.group(2) else "Kommune"
            yield m.start(), m.end(), f"{m.group(1)} {kind}"
    for m in ORG_RE.finditer(text):
        words = m.group(0).rstrip(".").split(" ")
        while len(words) > 1 and words[0] in NOT_NAME_WORDS:
            words.pop(0)
        yield m.end() - len(" ".join(words)), m.end(), " ".join(words)
    for m in AFDELING_RE.finditer(text):
        yield m.start(1), m.end(1), m.group(1).rstrip(".")
    for area in find_boligomraader(text):
        for m in re.finditer(re.escape(area), text):
            yield m.start(), m.end(), area


def find_period(text: str) -> str | None:
    """The first plausible year range: "1. januar 2022 til 31. december 2025" -> "2022-2025"."""
    for m in PERIOD_RE.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if 1990 <= first <= last <= first + MAX_PERIOD_YEARS:
            return f"{first}-{last}"
    return None
