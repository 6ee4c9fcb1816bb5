"""What a whole sentence is: the one rule that quote units, joined quotes and the answer
figures (index.evaluation.answers) all apply."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…][”\"’»)\]]*$")


def unbalanced_quotation(text: str) -> bool:
    """A quotation opened and not closed, or closed and not opened, inside `text`."""
    if text.count('"') % 2 or text.count("«") != text.count("»"):
        return True
    opens = text.count("“") + text.count("„")
    # Danish texts mostly use ” both to open and to close; “…” and „…” pair up by count.
    return text.count("”") % 2 == 1 if not opens else opens != text.count("”")


def fragment_reason(quote: str) -> str | None:
    """Why `quote` is not a whole sentence (None when it is)."""
    text = quote.strip()
    if text.endswith(":"):
        return "indledning"  # a lead-in whose point comes after it
    if not _SENTENCE_END.search(text):
        return "overskrift"  # a heading or a cut-off line: no closing punctuation
    if unbalanced_quotation(text):
        return "citat"  # starts or ends inside a quotation
    first = text.lstrip("”“\"«„'‘(–-• ")[:1]
    if first.islower():
        return "midt i sætning"
    return None
