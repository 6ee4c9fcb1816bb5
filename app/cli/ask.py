"""`vidensbank ask QUESTION [--llm URL]`: a cited answer, extractive or generated and checked."""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app.cli.common import add_llm, add_query, emit, parse_filters
from vidensbank.index.api import Answer, Library
from vidensbank.index.config import Config

NAME = "ask"
MARK = "⚠"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="få et citeret svar")
    add_query(p)
    add_llm(p)
    return p


def answer_text(result: Answer) -> str:
    lines = [result.answer]
    if result.citations:
        lines.append("\nKilder:")
        for c in result.citations:
            lines.append(f"[{c.n}] {c.citation}  ({c.doc_id}, tegn {c.start_char}-{c.end_char})")
    return "\n".join(lines)


def marked_answer(result: Any) -> str:
    """The answer with each unsupported sentence on its own line, flagged, the reason after it."""
    out, pos, flagged = [], 0, False
    for s in result.sentences:
        gap = result.answer[pos:s.start]
        if (flagged or not s.supported) and "\n" not in gap and out:
            gap = "\n"  # a flagged sentence stands on a line of its own
        out.append(gap)
        flagged = not s.supported
        out.append(f"{MARK} {s.text} (ikke understøttet: {'; '.join(s.problems)})" if flagged
                   else s.text)
        pos = s.end
    out.append(result.answer[pos:])
    return "".join(out)


def quotes_text(result: Any) -> list[str]:
    """Structured output: each sentence's verbatim quote from its passage, by the marker."""
    return [f"  [{s.citations[0]}] «{s.quote}»" for s in result.sentences
            if s.quote and s.citations]


def generated_text(result: Any) -> str:
    if result.mode == "fallback":  # the extractive answer first; the model's text after it
        return "\n".join([result.note, "", answer_text(result.extractive), "",
                          "Sprogmodellens tekst (ikke underbygget af kilderne):", "",
                          checked_text(result)])
    return checked_text(result)


def checked_text(result: Any) -> str:
    lines = [marked_answer(result)]
    if any(s.quote for s in result.sentences):
        lines += ["\nOrdrette citater bag sætningerne:", *quotes_text(result)]
    if result.citations:
        lines.append("\nKilder:")
        lines += [f"[{c.n}] {c.citation}  ({c.doc_id}, tegn {c.start_char}-{c.end_char})"
                  for c in result.citations]
    bad = sum(not s.supported for s in result.sentences)
    lines.append(f"\nKontrol: {len(result.sentences) - bad} af {len(result.sentences)} sætninger "
                 f"understøttet af de citerede kilder" + (f"; {MARK} markerer resten." if bad
                                                           else "."))
    return "\n".join(lines)


def run(args: argparse.Namespace, config: Config) -> int:
    filters = parse_filters(args.filter)
    with Library.open(config) as library:
        if config.llm_url:  # generated and checked; the extractive answer otherwise
            generated = library.generate(args.query, top_k=args.top_k, filters=filters)
            emit(args, generated.as_dict(), lambda _: generated_text(generated))
            return 0
        result = library.ask(args.query, top_k=args.top_k, filters=filters)
    emit(args, result.as_dict(), lambda _: answer_text(result))
    return 0
