"""`vidensbank search QUERY`: ranked passages, each with its citation."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from vidensbank.app.cli.common import add_query, emit, parse_filters
from vidensbank.index.api import Hit, Library
from vidensbank.index.config import SEARCH_MODES, Config

NAME = "search"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="søg efter passager")
    add_query(p)
    p.add_argument("--mode", choices=SEARCH_MODES)
    return p


def hits_text(hits: list[Hit]) -> str:
    if not hits:
        return "Ingen resultater."
    blocks = []
    for h in hits:
        body = textwrap.shorten(" ".join(h.text.split()), width=400, placeholder=" …")
        blocks.append(f"[{h.rank}] {h.citation}  (score {h.score:.3f}, {h.doc_type}, "
                      f"{h.doc_id} {h.start_char}-{h.end_char})\n    {body}")
    return "\n\n".join(blocks)


def run(args: argparse.Namespace, config: Config) -> int:
    with Library.open(config) as library:
        hits = library.search(args.query, filters=parse_filters(args.filter))
    emit(args, [h.as_dict() for h in hits], lambda _: hits_text(hits))
    return 0
