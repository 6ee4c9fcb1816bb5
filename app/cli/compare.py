"""`vidensbank compare QUESTION`: the question answered per place, one row per kommune/boligområde.

Text: a table (place, document, what they do in one or two verbatim quotes, [n] with page or
section). --json: {question, rows: [{place, kommune, boligomraade, doc_id, title, quotes: [{n,
quote, start_char, end_char, page, section}]}], note, refused}.
"""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app.cli.common import add_query, emit, parse_filters
from vidensbank.index.api import Comparison, Library
from vidensbank.index.config import Config

NAME = "compare"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="sammenlign steder: svaret pr. kommune eller boligområde")
    add_query(p)
    return p


def where(c: Any) -> str:
    return ", ".join(x for x in (c.section, f"s. {c.page}" if c.page else None) if x)


def comparison_text(result: Comparison) -> str:
    lines = []
    if result.rows:
        n = len({r.place for r in result.rows})
        lines.append(f"{len(result.rows)} {'række' if len(result.rows) == 1 else 'rækker'}, "
                     f"{n} {'sted' if n == 1 else 'steder'}:")
    for row in result.rows:
        place = row.place + (f" ({row.kommune})" if row.kommune and row.kommune != row.place
                             else "")
        lines += ["", f"{place} – {row.title} ({row.doc_id})"]
        for c in row.citations:
            lines.append(f"  «{c.quote}» [{c.n}]" + (f" ({where(c)})" if where(c) else ""))
    if result.note:
        lines += ["", result.note] if lines else [result.note]
    return "\n".join(lines)


def run(args: argparse.Namespace, config: Config) -> int:
    with Library.open(config) as library:
        result = library.compare(args.query, filters=parse_filters(args.filter))
    emit(args, result.as_dict(), lambda _: comparison_text(result))
    return 0
