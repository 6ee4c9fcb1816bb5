"""Quote units: the readable pieces of a passage that an answer may quote.

A unit is one or more whole sentences: never a heading, never a lead-in ending in ":" without
what it introduces, never starting or ending inside a quotation (the sentences of a quotation stay
together; a quotation too long to quote whole, such as a long interview reply, gives its sentences
one by one, the first and last without the marks around it). Interview questions ("?") are units
too, flagged, so that their match can pass on to the reply after them (index.answers.quotes).
Ingest embeds the units of every chunk (index.build.points) and index.answers.quotes scores them.
"""

from __future__ import annotations

from vidensbank.index.text.fragments import fragment_reason, unbalanced_quotation
from vidensbank.index.text.sentences import sentence_spans

MIN_QUOTE_CHARS = 40  # shorter sentences are joined with the next one on their line
MAX_QUOTE_CHARS = 500


_MARKS = "”“„«»\""


def _opens_quotation(text: str) -> bool:
    return text.lstrip()[:1] in "”“„«\""


def _bare(text: str, a: int, b: int) -> tuple[int, int]:
    """The sentence `text[a:b]` without the quotation mark it opens or closes a quotation with:
    «”For eksempel med det fremskudte jobcenter.» reads whole as «For eksempel med ...».
    """
    piece = text[a:b]
    if _opens_quotation(piece):
        a += len(piece) - len(piece.lstrip()) + 1
    elif piece.rstrip()[-1:] in _MARKS:
        b = a + len(piece.rstrip()) - 1
    return a, b


def units(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_question) of the readable units of `text`, in its own offsets."""
    spans = sentence_spans(text)
    out: list[tuple[int, int, bool]] = []

    def emit(a: int, b: int) -> None:
        # Never a space at either end ("” Man drifter ..." bared of its mark): a citation is the
        # exact, trimmed text (index.retrieval.citations).
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        piece = text[a:b]
        if not piece:
            return
        closing = piece.rstrip("”\"’»)] ")[-1:]
        if b - a <= MAX_QUOTE_CHARS and (closing == "?" or fragment_reason(piece) is None):
            out.append((a, b, closing == "?"))

    i = 0
    while i < len(spans):
        a, b = spans[i]
        piece = text[a:b]
        if unbalanced_quotation(piece) and not _opens_quotation(piece):
            emit(*_bare(text, a, b))  # the last sentence of a quotation begun before it
            i += 1
            continue
        j = i
        while j + 1 < len(spans) and b - a <= MAX_QUOTE_CHARS:
            piece = text[a:b]
            short = b - a < MIN_QUOTE_CHARS and "\n" not in text[b:spans[j + 1][0]]
            if not (short or piece.endswith(":") or unbalanced_quotation(piece)):
                break
            j += 1
            b = spans[j][1]
        if b - a > MAX_QUOTE_CHARS and j > i:
            # Too long to quote whole (a long interview reply): its sentences stand on their
            # own, the first and last without the quotation marks around the reply.
            emit(*_bare(text, *spans[i]))
            i += 1
            continue
        emit(a, b)
        i = j + 1
    return out
