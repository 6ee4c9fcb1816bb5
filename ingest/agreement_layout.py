"""Agreement structure for documents whose reader knows nothing of agreements (PDF, fetched pages).

The Word reader finds an agreement's headings by style and gives it parts, parties and period
itself. Other readers see only text, and the PDF reader only knows report headings ("3.2 ..."),
not "§ 4 Økonomi". Once a document is typed as a samarbejdsaftale, its numbered headings are
found in the text (a short paragraph of its own) and the agreement metadata follows from them.
"""

from __future__ import annotations

import re

from llama_index.core.schema import Document
from vidensbank.ingest import schema
from vidensbank.ingest.agreement import PARTS, agreement_metadata

# A paragraph on one line, numbered as agreements number their headings: "§ 4 Økonomi",
# "4.2 Opgavefordeling", "Bilag 1: Budget". The same numbering the Word reader accepts.
NUMBERED_PARAGRAPH_RE = re.compile(
    r"(?:^|(?<=\n\n))((?:§\s*\d+[a-z]?|\d{1,2}(?:\.\d{1,2})*|Bilag\s+\d+)\.?:?[ ]+[A-ZÆØÅ][^\n]*)"
    r"(?=\n\n|\Z)"
)
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 10


def numbered_heading_spans(text: str) -> list[list]:
    """[start, heading] for every short, one-line numbered paragraph that is not a sentence."""
    spans: list[list] = []
    for match in NUMBERED_PARAGRAPH_RE.finditer(text):
        line = match.group(1).strip()
        short = len(line) <= MAX_HEADING_CHARS and len(line.split()) <= MAX_HEADING_WORDS
        if short and line[-1] not in ".,;:!?":  # "1. Bestyrelsen godkender ..." is a sentence
            spans.append([match.start(1), line])
    return spans


def merge_spans(*span_lists: list) -> list[list]:
    """One sorted span list; where two lists mark the same start, the first list's label wins."""
    merged: dict[int, str] = {}
    for spans in span_lists:
        for start, label in spans:
            merged.setdefault(int(start), str(label))
    return [[start, merged[start]] for start in sorted(merged)]


def add_agreement_structure(doc: Document) -> None:
    """Parts, parties, period and section spans for a samarbejdsaftale its reader left without."""
    meta = doc.metadata
    if meta.get(schema.DOC_TYPE) != schema.SAMARBEJDSAFTALE or PARTS in meta:
        return
    spans = merge_spans(meta.get(schema.SECTION_SPANS) or [], numbered_heading_spans(doc.text))
    meta[schema.SECTION_SPANS] = spans
    meta.update(agreement_metadata(doc.text, spans))
    # New keys are bookkeeping, not content: keep them out of embeddings and prompts.
    doc.excluded_embed_metadata_keys = list(meta)
    doc.excluded_llm_metadata_keys = list(meta)
