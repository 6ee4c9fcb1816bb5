"""`vidensbank ask --llm URL`: a generated answer, each sentence checked and marked."""

from __future__ import annotations

import argparse

from app.cli import emit, parse_filters
from index.config import Config
from index.generate import GeneratedAnswer, generate
from index.kb import KnowledgeBase

MARK = "⚠"


def marked_answer(result: GeneratedAnswer) -> str:
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


def generated_text(result: GeneratedAnswer) -> str:
    lines = [marked_answer(result)]
    if result.citations:
        lines.append("\nKilder:")
        lines += [f"[{c.n}] {c.citation}  ({c.doc_id}, tegn {c.start_char}-{c.end_char})"
                  for c in result.citations]
    bad = sum(not s.supported for s in result.sentences)
    lines.append(f"\nKontrol: {len(result.sentences) - bad} af {len(result.sentences)} sætninger "
                 f"understøttet af de citerede kilder" + (f"; {MARK} markerer resten." if bad
                                                           else "."))
    return "\n".join(lines)


def cmd_ask_llm(args: argparse.Namespace, config: Config) -> int:
    kb = KnowledgeBase.open(config)
    try:
        result = generate(kb, args.query, top_k=args.top_k, filters=parse_filters(args.filter))
    finally:
        kb.close()
    emit(args, result.as_dict(), lambda _: generated_text(result))
    return 0
