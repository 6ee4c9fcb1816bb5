"""Citations: their types, their JSON form, how they are named, and the one exact-span check.

Two kinds, never mixed:
- `Citation`: a quote in an extractive answer. `quote` is `document.text[start_char:end_char]`,
  word for word; `make_citation` checks that where the citation is created, and a violation is a
  bug (`CitationError`), raised, never shipped.
- `CitedPassage`: a passage a generated answer cites as [n]. Its `text` is the whole passage; the
  sentences of the answer are checked against it by `citation_check` (support, not identity).

Evaluation and the Kilder page check a citation against the stored document with `is_exact`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from vidensbank.ingest import schema
from vidensbank.ingest.layout import location

# Report headings as citations name them: "3 Samarbejde" is a chapter, "3.2 Jobcenter" a section.
CHAPTER_HEADING = re.compile(r"(\d{1,2})\.?\s+(\S.*)")
NUMBERED_SECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?\s+\S.*")


class CitationError(AssertionError):
    """A citation that is not its source's exact text: a bug in the code that made it."""


class Passage(Protocol):
    """What a citation is made from: a search hit (a chunk, labelled from its own payload)."""

    doc_id: str
    title: str
    source: str | None
    doc_type: str
    text: str
    start_char: int
    end_char: int
    page: str | None
    section: str | None
    citation: str
    metadata: dict[str, Any]


def section_label(section: str) -> str:
    """'3 Samarbejde' -> 'kap. 3 Samarbejde', '3.2 Jobcenter' -> 'afsnit 3.2 Jobcenter'; other
    headings ('§ 4 Økonomi', 'Forord', 'Bilag 2 Skema') are named as they are."""
    if chapter := CHAPTER_HEADING.fullmatch(section):
        return f"kap. {chapter[1]} {chapter[2]}"
    if NUMBERED_SECTION.fullmatch(section):
        return f"afsnit {section}"
    return section


def format_citation(meta: dict[str, Any], page: str | None = None,
                    section: str | None = None) -> str:
    """Human reference: 'Titel (Kilde, 2023), kap. 3 Samarbejde, s. 23'."""
    origin = ", ".join(str(x) for x in (meta.get(schema.SOURCE), meta.get(schema.YEAR)) if x)
    title = f"{meta.get(schema.TITLE) or meta.get(schema.DOC_ID)}"
    parts = [title + (f" ({origin})" if origin else "")]
    if section:
        parts.append(section_label(section))
    if page:
        parts.append(f"s. {page}")
    return ", ".join(parts)


def is_exact(text: str, start: int, end: int, quote: str, offset: int = 0) -> bool:
    """`quote` is `text[start:end]` exactly, where `text` begins at document offset `offset`."""
    a, b = start - offset, end - offset
    return 0 <= a < b <= len(text) and text[a:b] == quote


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    source: str | None
    doc_type: str
    quote: str
    start_char: int
    end_char: int
    page: str | None
    section: str | None
    citation: str
    passage: Passage = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "passage"}


def make_citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    """Quote `passage`'s document text [start, end), labelled with the page and section where the
    quote starts (from the passage's own layout); raises CitationError if the span is not exact."""
    quote = passage.text[start - passage.start_char:end - passage.start_char]
    if not (passage.start_char <= start < end <= passage.end_char) or not is_exact(
            passage.text, start, end, quote, passage.start_char) or quote != quote.strip():
        raise CitationError(f"citat uden for passagen: {passage.doc_id} [{start}, {end})")
    # A point carries its chunk's layout; one from an index built without it keeps its labels.
    where = location(passage.metadata, start) if has_layout(passage.metadata) else None
    page, section = (where.page, where.section) if where else (passage.page, passage.section)
    return Citation(n, passage.doc_id, passage.title, passage.source, passage.doc_type, quote,
                    start, end, page, section, format_citation(passage.metadata, page, section),
                    passage)


def has_layout(meta: dict[str, Any]) -> bool:
    return any(meta.get(key) for key in schema.LAYOUT_KEYS)


@dataclass(frozen=True)
class CitedPassage:
    """Passage [n] as a generated answer cites it: the whole passage, not a quote."""

    n: int
    doc_id: str
    title: str
    source: str | None
    doc_type: str
    text: str
    start_char: int
    end_char: int
    page: str | None
    section: str | None
    citation: str

    @classmethod
    def of(cls, n: int, p: Passage) -> CitedPassage:
        return cls(n, p.doc_id, p.title, p.source, p.doc_type, p.text, p.start_char, p.end_char,
                   p.page, p.section, p.citation)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def as_dicts(items: list[Citation] | list[CitedPassage]) -> list[dict[str, Any]]:
    return [c.as_dict() for c in items]
