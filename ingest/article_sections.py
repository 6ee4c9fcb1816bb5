"""Sections of a web article: its subheads, found from the shape of the lines.

Article copies keep no markup, but subheads look alike: a short line of its own without final
punctuation ("Samarbejde uden benspænd"), or in an interview the interviewer's question on its own
line ("Hvordan kobler I til kernedriften?"). Each becomes a section span, so a quote under it is
labelled with it like a report's quote is with its chapter.
"""

from __future__ import annotations

import re

# A subhead is short; a longer unpunctuated line is a caption or a teaser.
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
QUESTION_MAX_CHARS = 120
QUESTION_MAX_WORDS = 20
# Quoted speech, lists and links are body text even when short.
NOT_HEADING_START = tuple("”“\"«»„'‘’-–—•·*(")
FINAL_PUNCTUATION = tuple(".,:;!?…”\"»)")
SENTENCE_END = re.compile(r"[.!?:…][\"”’»)]*$")
NOT_PROSE = ("://", "www.", "@")

Span = list[int | str]


def section_spans(paragraphs: list[list[str]]) -> list[Span]:
    """[start, heading] for each subhead of an article whose text is its paragraphs joined as
    `Article.text` joins them (lines by "\\n", paragraphs by "\\n\\n"); the title (paragraph 0)
    is not a section."""
    spans: list[Span] = []
    offset = 0
    for pi, para in enumerate(paragraphs):
        for li, line in enumerate(para):
            has_body = li + 1 < len(para) or pi + 1 < len(paragraphs)
            if pi > 0 and has_body and _is_subhead(para, li):
                spans.append([offset, line])
            offset += len(line) + 1
        offset += 1  # "\n\n" between paragraphs: one "\n" counted after the last line already
    return spans


def _is_subhead(para: list[str], li: int) -> bool:
    line = para[li]
    if not line[:1].isupper() or line.startswith(NOT_HEADING_START):
        return False
    if any(marker in line for marker in NOT_PROSE):
        return False
    after_sentence = li == 0 or bool(SENTENCE_END.search(para[li - 1]))
    return after_sentence and (_is_question(line) or (len(para) == 1 and _is_short_head(line)))


def _is_question(line: str) -> bool:
    """An interviewer's question on its own line (answers open with a quote mark)."""
    return (line.endswith("?") and len(line) <= QUESTION_MAX_CHARS
            and len(line.split()) <= QUESTION_MAX_WORDS)


def _is_short_head(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= HEADING_MAX_WORDS and len(line) <= HEADING_MAX_CHARS
            and not line.endswith(FINAL_PUNCTUATION) and any(c.islower() or c.isupper()
                                                             for c in line[1:]))
