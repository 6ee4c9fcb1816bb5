"""HTML for document text: everything escaped, the cited span wrapped in <mark>.

Document text is data, never markup: a document containing `<script>` shows those characters.
Offsets always refer to `Document.text`, so a highlight marks exactly the cited characters.
"""

from __future__ import annotations

import html
import itertools

from vidensbank.index.api import Answer, Citation, Hit

TEXT_STYLE = ("white-space: pre-wrap; line-height: 1.55; font-size: 1rem; "
              "overflow-wrap: anywhere; margin: 0;")
MARK_STYLE = "background: #ffe58a; color: inherit; padding: 0 2px; border-radius: 3px;"
MARKER_STYLE = "font-weight: 600; color: #1f5fa8;"
ANSWER_STYLE = "line-height: 1.55; font-size: 1rem; overflow-wrap: anywhere;"
WINDOW_STYLE = "background: #eef4fb; border-radius: 3px;"
MARK_ID = "citeret"
CONTEXT_CHARS = 700  # at most this much text either side of a quote in a context view


def text_block(inner_html: str) -> str:
    return f'<div class="vb-text" style="{TEXT_STYLE}">{inner_html}</div>'


def highlight(text: str, start: int, end: int, *, mark_id: str | None = None) -> str:
    """Escaped `text` with `text[start:end]` marked; out-of-range offsets mark nothing."""
    if not 0 <= start < end <= len(text):
        return html.escape(text)
    anchor = f' id="{mark_id}"' if mark_id else ""
    return (html.escape(text[:start]) + f'<mark{anchor} style="{MARK_STYLE}">'
            + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:]))


def hit_html(hit: Hit, terms: list[tuple[int, int]]) -> str:
    """A search hit: the window that matched on a pale ground, the matched words in bold.

    `terms` are spans in the hit's text (index.retrieval.highlight); everything is escaped."""
    text = hit.text
    ws, we = hit.window_start - hit.start_char, hit.window_end - hit.start_char
    window = (ws, we) if 0 <= ws < we <= len(text) and (ws, we) != (0, len(text)) else None
    cuts = sorted({0, len(text), *(window or ()), *(x for span in terms for x in span)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = html.escape(text[a:b])
        if any(s <= a and b <= e for s, e in terms):
            piece = f'<b class="vb-term">{piece}</b>'
        if window and window[0] <= a and b <= window[1]:
            piece = f'<span class="vb-window" style="{WINDOW_STYLE}">{piece}</span>'
        out.append(piece)
    return text_block("".join(out))


def passage_html(hit: Hit, spans: list[tuple[int, int, str]]) -> str:
    """The hit's passage with each document span (start_char, end_char, label) marked inside
    it and its label, e.g. "[2]", set after the mark; overlapping or outside spans are skipped."""
    out, at = [], 0
    for start, end, label in sorted(spans):
        a, b = start - hit.start_char, end - hit.start_char
        if not at <= a < b <= len(hit.text):
            continue
        out += [html.escape(hit.text[at:a]), f'<mark style="{MARK_STYLE}">',
                html.escape(hit.text[a:b]), "</mark>",
                f'<sup class="vb-marker" style="{MARKER_STYLE}">{html.escape(label)}</sup>']
        at = b
    return text_block("".join([*out, html.escape(hit.text[at:])]))


def context_span(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The paragraph(s) around [start, end), cut at `limit` characters either side."""
    left = text.rfind("\n\n", max(0, start - limit), start)
    right = text.find("\n\n", end, min(len(text), end + limit))
    a = left + 2 if left >= 0 else max(0, start - limit)
    b = right if right >= 0 else min(len(text), end + limit)
    return a, b


def context_html(text: str, start: int, end: int) -> str:
    a, b = context_span(text, start, end)
    prefix = "… " if a > 0 else ""
    suffix = " …" if b < len(text) else ""
    return text_block(html.escape(prefix) + highlight(text[a:b], start - a, end - a)
                      + html.escape(suffix))


def answer_html(result: Answer) -> str:
    """The answer from its parts, escaped: the lead, then each document's heading and its quotes
    as a list, the [n] of each citation set off. An answer without quotes (a refusal) is its
    sentence."""
    if not result.groups:
        return _answer_div(_paragraph(result.answer))
    parts = [_paragraph(result.lead)]
    for group in result.groups:
        parts.append(_paragraph(f"{group.heading}:"))
        items = "".join(f'<li style="margin: 0.3em 0;">{_quote_html(c)}</li>'
                        for c in group.citations)
        parts.append(f"<ul>{items}</ul>")
    return _answer_div("".join(parts))


def _quote_html(citation: Citation) -> str:
    quote = html.escape(f"«{citation.quote}»").replace("\n", "<br>")
    return f'{quote} <span class="vb-marker" style="{MARKER_STYLE}">[{citation.n}]</span>'


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>".replace("\n", "<br>")


def _answer_div(body: str) -> str:
    return f'<div class="vb-answer" style="{ANSWER_STYLE}">{body}</div>'
