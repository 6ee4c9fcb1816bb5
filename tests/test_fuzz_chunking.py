"""Property tests for the offset invariant: any text, any chunk size, exact slices that cover it.

Chunks and windows are what every citation is cut from, so these hold for every input: spans in
order, never overlapping, each `text[start:end] == node.text`, and together covering every
non-whitespace character (nothing the reader extracted becomes unsearchable).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llama_index.core.schema import Document
from vidensbank.index.text.chunking import chunk_document, paragraph_spans, window_spans
from vidensbank.index.text.sentences import sentence_spans
from vidensbank.ingest import schema

# Seeded and without an example database: the same examples on every machine and in CI.
FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

WHITESPACE = [" ", "  ", "\n", "\n\n", "\n \n", "\t", "\r\n", "\u00a0", "\u2028", "\u3000", "\x0b",
              "\x0c", "\x1c", "\u200b", " \n\n\n "]
PUNCTUATION = [".", ". ", "!", "? ", "…", ".”", "fx. ", "bl.a. ", "kap. 3. ", "1. ", "§ 4. ",
               "«", "»", "(", ")", "–", "•", "...", "\"", "Hr. ", "St. "]
WORDS = ["Helhedsplanen", "styrker", "samarbejdet", "og", "kommunen", "Æblehaven", "øst", "Å",
         "beboere", "x" * 120, "Lærkeparken-Øst", "2015-18", "e-mail@bl.dk", "https://lbf.dk/a",
         "שלום", "مرحبا", "🏠", "e\u0301", "ß", "İ"]
piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(WHITESPACE),
                  st.sampled_from(PUNCTUATION), st.text(max_size=30))
# Short runs of pieces, each repeated: texts long enough for several chunks of any size.
run = st.tuples(st.lists(piece, min_size=1, max_size=8).map("".join), st.integers(1, 80))
soup = st.lists(run.map(lambda r: r[0] * r[1]), max_size=30).map("".join)
budgets = st.integers(min_value=100, max_value=3000)


def assert_exact_cover(text: str, spans: list[tuple[int, int]], lo: int = 0,
                       hi: int | None = None) -> None:
    """Ordered, disjoint, non-empty spans inside [lo, hi) that hold every non-space character."""
    hi = len(text) if hi is None else hi
    covered = [False] * len(text)
    previous_end = lo
    for a, b in spans:
        assert previous_end <= a < b <= hi, (spans, lo, hi)
        previous_end = b
        covered[a:b] = [True] * (b - a)
    missing = [i for i in range(lo, hi) if not covered[i] and not text[i].isspace()]
    assert not missing, f"uncovered characters at {missing[:5]}: {text[missing[0]]!r}"


@FUZZ
@given(text=soup, budget=budgets, data=st.data())
def test_chunks_are_exact_ordered_and_cover_the_text(text: str, budget: int,
                                                     data: st.DataObject) -> None:
    minimum = data.draw(st.integers(min_value=0, max_value=budget - 1), label="minimum")
    doc = Document(text=text, id_="fuzz", metadata={})
    nodes = chunk_document(doc, budget=budget, minimum=minimum)
    spans = [(n.start_char_idx or 0, n.end_char_idx or 0) for n in nodes]
    for node, (a, b) in zip(nodes, spans, strict=True):
        assert text[a:b] == node.text
        assert b - a <= budget * 1.5  # a short tail may join its chunk, never more
    assert_exact_cover(text, spans)


@FUZZ
@given(text=soup, budget=budgets, data=st.data())
def test_chunks_break_at_sections_and_stay_exact(text: str, budget: int,
                                                 data: st.DataObject) -> None:
    # Readers start sections at paragraphs (a heading is a paragraph of its own).
    paragraph_starts = [a for a, _ in paragraph_spans(text)] or [0]
    starts = sorted(data.draw(st.sets(st.sampled_from(paragraph_starts), max_size=5)))
    meta = {schema.SECTION_SPANS: [[s, f"afsnit {i}"] for i, s in enumerate(starts)],
            schema.PAGE_SPANS: [[s, str(i + 1)] for i, s in enumerate(starts)]}
    nodes = chunk_document(Document(text=text, id_="fuzz", metadata=meta), budget=budget,
                           minimum=budget // 4)
    spans = [(n.start_char_idx or 0, n.end_char_idx or 0) for n in nodes]
    assert [n.text for n in nodes] == [text[a:b] for a, b in spans]
    assert_exact_cover(text, spans)
    for a, b in spans:  # no chunk reaches over the start of a section
        assert not any(a < s < b for s in starts), (a, b, starts)


@FUZZ
@given(text=soup, budget=budgets, window=st.integers(min_value=30, max_value=1000))
def test_windows_are_exact_slices_inside_their_chunk(text: str, budget: int, window: int) -> None:
    nodes = chunk_document(Document(text=text, id_="fuzz"), budget=budget, minimum=budget // 4)
    for node in nodes:
        a, b = node.start_char_idx or 0, node.end_char_idx or 0
        windows = window_spans(text, (a, b), window)
        if len(windows) > 1 and windows[-1] == (a, b):  # the whole chunk is embedded too
            windows = windows[:-1]
        assert_exact_cover(text, windows, a, b)


@FUZZ
@given(text=soup, data=st.data())
def test_sentence_spans_cover_the_span_trimmed(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    spans = sentence_spans(text, start, end)
    assert_exact_cover(text, spans, start, end)
    for a, b in spans:  # trimmed, and a line break always ends a unit
        assert not text[a].isspace() and not text[b - 1].isspace() and "\n" not in text[a:b]
