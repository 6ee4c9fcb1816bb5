"""Title, subtitle, authors, publisher, year and ISBN from the front pages of a report.

The front pages are the cover and the colophon: the lines before the table of contents, with
running headers already removed. Labelled colophon fields ("Titel:", "Forfattere:") win over the
cover layout. The title comes from a colophon field, the PDF's own Title (unless it is a program's
or file's name) or the largest text on page 1 (`extract_report_meta`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vidensbank.ingest.bylines import is_person_name
from vidensbank.ingest.pdf_text import ends_with_break, join_lines

# Publishers of Danish boligsocial reports: the name users filter on, and how the report says it.
REPORT_PUBLISHERS: tuple[tuple[str, str], ...] = (
    ("VIVE", r"\bVIVE\b|Det Nationale Forsknings- og Analysecenter for Velfærd"),
    ("SFI", r"\bSFI\b|Det Nationale Forskningscenter for Velfærd"),
    ("KORA", r"\bKORA\b|Det Nationale Institut for Kommuners og Regioners Analyse"),
    ("BUILD", r"\bBUILD\b|Institut for Byggeri, By og Miljø"),
    ("SBi", r"\bSBi\b|Statens Byggeforskningsinstitut"),
    ("CFBU", r"\bCFBU\b|Center for Boligsocial Udvikling"),
    ("Landsbyggefonden", r"\bLandsbyggefonden\b"),
    ("BL", r"\bBL\s*[-–]\s*Danmarks Almene Boliger|\bDanmarks Almene Boliger\b"),
    ("Social- og Boligstyrelsen", r"\bSocial- og Boligstyrelsen\b"),
    ("Boligministeriet", r"\b(?:Social-, Bolig- og Ældreministeriet|Indenrigs- og Boligministeriet"
                         r"|Transport- og Boligministeriet)\b"),
    ("Rambøll", r"\bRamb[øo]ll\b"),
    ("COWI", r"\bCOWI\b"),
    ("Deloitte", r"\bDeloitte\b"),
    ("Oxford Research", r"\bOxford Research\b"),
    ("Als Research", r"\bAls Research\b"),
    ("Epinion", r"\bEpinion\b"),
    ("Realdania", r"\bRealdania\b"),
    ("Boligsocialnet", r"\bBoligsocialnet\b"),
)
_PUBLISHERS = tuple((name, re.compile(pattern)) for name, pattern in REPORT_PUBLISHERS)

# Lines that name the publisher outright; lines about funding name someone else.
PUBLISHER_CUES = re.compile(r"©|\(c\)|copyright|udgivet af|udgiver|forlag", re.IGNORECASE)
FUNDING_CUES = re.compile(r"finansieret|støttet af|støtte fra|bevilling|bevilget", re.IGNORECASE)
# Colophon fields, "Titel: ..." or the label alone with the value on the next line.
FIELD_LABELS = {
    "titel": "title", "undertitel": "subtitle", "forfatter": "authors", "forfattere": "authors",
    "udgiver": "publisher", "udgivet af": "publisher", "udgivelsesår": "year",
}
FIELD = re.compile(r"(?P<label>[A-Za-zæøåÆØÅ ]{4,14}?)\s*:\s*(?P<value>.*)")
# Words a cover shows above the title: the series, not the title.
COVER_LABELS = frozenset({
    "rapport", "notat", "analyse", "evaluering", "delrapport", "slutrapport", "midtvejsrapport",
    "arbejdspapir", "temarapport", "undersøgelse",
})
AUTHOR_PREFIX = re.compile(r"^(?:af|forfattere?)\s*:?\s+", re.IGNORECASE)
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\bog\b)\s*")
MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
)
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
YEAR_LINE = re.compile(rf"(?:(?:{MONTHS})\s+)?(19[5-9]\d|20\d\d)", re.IGNORECASE)
ISBN = re.compile(r"ISBN(?:-1[03])?[^0-9\n]{0,25}?([0-9][0-9-]{8,20}[0-9Xx])", re.IGNORECASE)
URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Titles PDF producers write themselves, never the report's title.
JUNK_INFO_TITLE = re.compile(
    r"microsoft|untitled|unavngivet|^dokument\d*$|\.(?:docx?|indd|pdf|qxp)$", re.IGNORECASE
)
TITLE_SPLIT = re.compile(r"\s*(?::| [-–] )\s*")


@dataclass(frozen=True)
class ReportMeta:
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    year: int | None = None
    isbn: str | None = None


def extract_report_meta(
    front_pages: list[list[str]], *, info_title: str | None = None,
    info_author: str | None = None, printed_title: str | None = None,
) -> ReportMeta:
    """Metadata from the cleaned lines of the front pages (cover first).

    The title, in order of trust: a colophon's "Titel:" field, the PDF's own Title (when it is
    not a program's or file's name), `printed_title` (the largest text on page 1, from the
    fonts). `printed_title` "" says the fonts are known and nothing is larger than the body:
    then no line is guessed to be the title (the caller falls back to the file name); None
    (fonts unknown, e.g. a scan) falls back to the cover's first lines.
    """
    lines = [line for page in front_pages for line in page if line]
    cover = next(([line for line in page if line] for page in front_pages if any(page)), [])
    fields = labelled_fields(lines)
    title, subtitle = cover_title(cover)
    if fields.get("title"):
        title, subtitle = fields["title"], fields.get("subtitle") or subtitle
    elif usable_info_title(info_title):
        title, subtitle = (info_title or "").strip(), subtitle if title == info_title else None
    elif printed_title is not None:
        title, subtitle = printed_title or None, subtitle if title == printed_title else None
    authors = parse_authors(fields.get("authors", "")) or cover_authors(cover)
    if not authors and info_author:
        authors = parse_authors(info_author)
    return ReportMeta(
        title=title,
        subtitle=subtitle,
        authors=tuple(authors),
        publisher=find_publisher(lines),
        year=find_year(lines),
        isbn=find_isbn(lines),
    )


def labelled_fields(lines: list[str]) -> dict[str, str]:
    """Colophon fields by our key: {"title": ..., "authors": ...}; the first of each wins."""
    fields: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = FIELD.fullmatch(line)
        label, value = (match["label"], match["value"]) if match else (line, "")
        key = FIELD_LABELS.get(label.strip().lower())
        if key is None:
            continue
        if not value and i + 1 < len(lines):
            value = lines[i + 1]
        if value and key not in fields:
            fields[key] = value.strip()
    return fields


def cover_title(cover: list[str]) -> tuple[str | None, str | None]:
    """Title and subtitle from the cover: the first text lines, before authors and publisher.

    A line starting in lower case continues the title (it wrapped); the next capitalised line
    starts the subtitle. One line "Titel: undertitel" is split when no subtitle line follows.
    """
    groups: list[str] = []
    for line in _text_lines(cover):
        if groups and (line[:1].islower() or ends_with_break(groups[-1])):
            kept, sep = join_lines(groups[-1], line)
            groups[-1] = kept + sep + line
        elif len(groups) < 2:
            groups.append(line)
        else:
            break
    if not groups:
        return None, None
    if len(groups) == 1:
        parts = TITLE_SPLIT.split(groups[0], maxsplit=1)
        return (parts[0], parts[1]) if len(parts) == 2 and parts[1] else (groups[0], None)
    return groups[0], groups[1]


def _text_lines(cover: list[str]) -> list[str]:
    """The cover's title and subtitle lines: after any series label, up to the first meta line."""
    lines: list[str] = []
    for line in cover:
        if is_meta_line(line):
            if lines:
                break
            continue
        lines.append(line)
    return lines


def is_meta_line(line: str) -> bool:
    """Publisher, author, year, ISBN, web address or series label: not title text."""
    return bool(
        line.lower() in COVER_LABELS
        or any(pattern.search(line) for _, pattern in _PUBLISHERS)
        or YEAR_LINE.fullmatch(line)
        or ISBN.search(line)
        or URL_LINE.search(line)
        or PUBLISHER_CUES.search(line)
        or parse_authors(line)
    )


def parse_authors(line: str) -> list[str]:
    """Names when the whole line is a list of person names ("A B, C D og E F"), else []."""
    names = [n for n in NAME_SEPARATORS.split(AUTHOR_PREFIX.sub("", line.strip())) if n]
    if not names or not all(is_person_name(name) for name in names):
        return []
    return names


def cover_authors(cover: list[str]) -> list[str]:
    """Names from every author line on the cover, in order, without repeats."""
    authors: list[str] = []
    for line in cover:
        for name in parse_authors(line):
            if name not in authors:
                authors.append(name)
    return authors


def find_publisher(lines: list[str]) -> str | None:
    """The publisher named first on a copyright or 'udgivet af' line, else the first named at all.

    Funding lines come last: "finansieret af Landsbyggefonden" does not make LBF the publisher.
    """
    def rank(line: str) -> int:
        return 0 if PUBLISHER_CUES.search(line) else 2 if FUNDING_CUES.search(line) else 1

    for line in sorted(lines, key=rank):
        found = [(m.start(), name) for name, pattern in _PUBLISHERS if (m := pattern.search(line))]
        if found:
            return min(found)[1]
    return None


def find_year(lines: list[str]) -> int | None:
    """Year of publication: from a copyright or 'udgivet' line, else a line that is only a date."""
    for line in lines:
        if PUBLISHER_CUES.search(line) or line.lower().startswith("udgivelsesår"):
            years = YEAR.findall(line)
            if years:
                return int(years[-1])
    for line in lines:
        match = YEAR_LINE.fullmatch(line)
        if match:
            return int(match[1])
    return None


def find_isbn(lines: list[str]) -> str | None:
    """The first ISBN printed (10 or 13 digits), as printed with its hyphens."""
    for match in ISBN.finditer("\n".join(lines)):
        digits = re.sub(r"[^0-9Xx]", "", match[1])
        if len(digits) in (10, 13):
            return match[1]
    return None


def usable_info_title(title: str | None) -> bool:
    """Whether the PDF's Title field looks like a real title, not a file or program name."""
    title = (title or "").strip()
    return len(title) >= 5 and " " in title and not JUNK_INFO_TITLE.search(title)
