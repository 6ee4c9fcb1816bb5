"""Plain-text rendering of hits, answers, documents and reports for the terminal."""

from __future__ import annotations

import textwrap
from typing import Any

from index.answer import Answer
from index.search import Hit


def hits_text(hits: list[Hit]) -> str:
    if not hits:
        return "Ingen resultater."
    blocks = []
    for h in hits:
        body = textwrap.shorten(" ".join(h.text.split()), width=400, placeholder=" …")
        blocks.append(f"[{h.rank}] {h.citation}  (score {h.score:.3f}, {h.doc_type}, "
                      f"{h.doc_id} {h.start_char}-{h.end_char})\n    {body}")
    return "\n\n".join(blocks)


def answer_text(result: Answer) -> str:
    lines = [result.answer]
    if result.citations:
        lines.append("\nKilder:")
        for c in result.citations:
            lines.append(f"[{c.n}] {c.citation}  ({c.doc_id}, tegn {c.start_char}-{c.end_char})")
    return "\n".join(lines)


def report_text(report: dict[str, Any]) -> str:
    lines = [
        f"Indlæst: {len(report['ingested'])}, uændret (sprunget over): {len(report['skipped'])}, "
        f"fejlet: {len(report['failed'])}, nye tekstbidder: {report['chunks']}"
    ]
    lines += [f"  FEJL {f['path']}: {f['reason']}" for f in report["failed"]]
    return "\n".join(lines)


def stats_text(stats: dict[str, Any]) -> str:
    rows = [("Indeks", stats["index"]), ("Dokumenter", stats["documents"]),
            ("Tekstbidder", stats["chunks"]), ("Model", stats["model"]["name"]),
            ("Dimensioner", stats["model"]["dim"]), ("Størrelse", f"{stats['size_mb']:.1f} MB")]
    rows += [(f"  {k}", v) for k, v in stats["doc_types"].items()]
    return "\n".join(f"{k:<14}{v}" for k, v in rows)


def eval_text(result: dict[str, Any]) -> str:
    modes = result["modes"]
    keys = list(next(iter(modes.values())))
    lines = [f"{'':<8}" + "".join(f"{k:>12}" for k in keys)]
    lines += [f"{m:<8}" + "".join(f"{v[k]:>12.3f}" for k in keys) for m, v in modes.items()]
    c = result["citations"]
    lines.append(f"\n{result['questions']} spørgsmål; citater ordret korrekte: "
                 f"{c['exact']}/{c['total']}")
    if result["missing_gold"]:
        lines.append(f"Guld ikke fundet i indekset: {', '.join(result['missing_gold'])}")
    return "\n".join(lines)
