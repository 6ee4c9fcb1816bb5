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
    lines += pages_text(result)
    if result.get("not_indexed"):
        lines.append(f"Ikke i indekset (udeladt): {len(result['not_indexed'])} spørgsmål")
    if len(result.get("sets", {})) > 1:
        lines += ["", "Pr. spørgsmålssæt (hybrid):", *sets_text(result["sets"])]
    return "\n".join(lines)


def pages_text(result: dict[str, Any]) -> list[str]:
    pages = result.get("page_accuracy") or {}
    top1, cited = pages.get("top1"), pages.get("citations")
    if not top1 or not (top1["total"] or cited["total"]):
        return []
    return [f"Sidetal rigtige: top-1-træf {top1['correct']}/{top1['total']}, "
            f"citater {cited['correct']}/{cited['total']}"]


def sets_text(sets: dict[str, Any]) -> list[str]:
    width = max(len(name) for name in sets) + 2
    lines = [f"{'sæt':<{width}}{'spørgsmål':>10}{'ikke i indekset':>17}{'Recall@5':>10}"
             f"{'MRR@10':>8}{'side top-1':>12}{'side citat':>12}"]
    for name, s in sets.items():
        hybrid, pages = s["modes"].get("hybrid", {}), s["page_accuracy"]
        shown = [f"{hybrid[k]:.3f}" if s["questions"] and k in hybrid else "-"
                 for k in ("Recall@5", "MRR@10")]
        page = [f"{p['correct']}/{p['total']}" if p["total"] else "-"
                for p in (pages["top1"], pages["citations"])]
        lines.append(f"{name:<{width}}{s['questions']:>10}{len(s['not_indexed']):>17}"
                     f"{shown[0]:>10}{shown[1]:>8}{page[0]:>12}{page[1]:>12}")
    return lines
