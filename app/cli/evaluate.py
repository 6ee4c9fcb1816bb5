"""`vidensbank eval [--model A --model B ...] [--llm URL]`: retrieval and citation quality.

One model: the index as it is (the JSON keeps evaluate()'s keys, plus `citation_quality`).
Several: one table; each model other than the index's own is judged on a temporary re-embedded
copy of the index, so all see the same chunks. JSON: {"models": {...}}.
`--with DIR` (repeatable) judges again on a temporary copy with DIR ingested too (distractors:
evals/distractors/) and shows both side by side; JSON: the second result under "with".
With a reader configured (--reranker, VIDENSBANK_RERANKER), every figure is also made without it
and shown beside; JSON: that result under "without_reader".
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from vidensbank.app.cli.common import add_llm, emit
from vidensbank.index import api
from vidensbank.index.config import NO_RERANKER, Config
from vidensbank.index.evaluation import api as evaluation

NAME = "eval"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="Recall@5 og MRR@10 for dense, BM25 og hybrid",
                       conflict_handler="resolve")  # its --model repeats (see add_model)
    p.add_argument("--questions", type=Path)
    p.add_argument("--with", action="append", dest="extra", type=Path, default=[],
                   metavar="MAPPE", help="evaluér også med disse mapper indlæst i en midlertidig "
                   "kopi af indekset (fx evals/distractors); gentag for flere")
    add_llm(p)
    return p


def add_model(p: argparse.ArgumentParser) -> None:
    """After the common options: here --model may be given several times."""
    p.add_argument("--model", action="append", dest="models", metavar="NAME",
                   help="embeddingmodel; gentag for at sammenligne modeller i én tabel")


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
    lines += answers_text(result)
    for name, part in (result.get("splits") or {}).items():
        hybrid = part["modes"]["hybrid"]
        lines.append(f"  halvdel {name}: {part['questions']} spørgsmål, Recall@5 "
                     f"{hybrid['Recall@5']:.3f}, MRR@10 {hybrid['MRR@10']:.3f}")
    lines += compare_text(result.get("compare"))
    return "\n".join(lines)


ANSWER_COLUMNS = (("answer_recall", "svar-recall"), ("fragment_rate", "brudstykker"),
                  ("citations_per_answer", "citater/svar"), ("documents_per_answer", "kilder/svar"))


def answers_text(result: dict[str, Any]) -> list[str]:
    """Answer figures per question set, and how many questions were refused."""
    if "answers" not in result:
        return []
    parts = {"alle": result["answers"], **{name: s["answers"] for name, s in
                                           result.get("sets", {}).items() if s["questions"]}}
    width = max(len(name) for name in parts) + 2
    lines = ["", "Svarkvalitet (citaterne i svaret):",
             f"{'sæt':<{width}}" + "".join(f"{label:>14}" for _, label in ANSWER_COLUMNS)]
    lines += [f"{name:<{width}}" + "".join(f"{a[k]:>14.3f}" for k, _ in ANSWER_COLUMNS)
              for name, a in parts.items()]
    refusal = result.get("refusal")
    if refusal:
        lines.append("")
        halves = [("alle", refusal), *refusal["splits"].items()]
        for name, r in halves:
            off, ans = r["offtopic"], r["answerable"]
            lines.append(f"Afvist ({name}): spørgsmål uden for emnet {off['refused']}/"
                         f"{off['total']}, besvarlige spørgsmål fejlagtigt {ans['refused']}/"
                         f"{ans['total']}")
    return lines


def compare_line(c: dict[str, Any]) -> str:
    return (f"steder fundet {c['found']}/{c['gold_places']} (med en række {c['with_row']}), "
            f"rigtige rækker {c['right']}/{c['rows']}, spørgsmål med 2+ rigtige steder "
            f"{c['two_right']}/{c['questions']}")


def compare_text(figures: dict[str, Any] | None) -> list[str]:
    """How `compare` answers evals/compare_questions.jsonl: overall and per half."""
    if not figures or not figures["all"]["questions"]:
        return []
    lines = ["", f"Sammenligning af steder: {compare_line(figures['all'])}"]
    lines += [f"  halvdel {name}: {compare_line(c)}" for name, c in figures["splits"].items()]
    return lines


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


ANSWER_MODES = {"extractive": "udtræk", "llm": "sprogmodel"}


def retrieval_table(results: dict[str, Any]) -> list[str]:
    keys = list(next(iter(next(iter(results.values()))["modes"].values())))
    width = max(len(m) for m in results) + 2
    lines = [f"{'model':<{width}}{'søgning':<9}" + "".join(f"{k:>11}" for k in keys)]
    for model, result in results.items():
        for mode, values in result["modes"].items():
            lines.append(f"{model:<{width}}{mode:<9}" + "".join(f"{values[k]:>11.3f}"
                                                                   for k in keys))
    return lines


def citation_table(results: dict[str, Any]) -> list[str]:
    width = max(len(m) for m in results) + 2
    lines = [f"{'model':<{width}}{'svar':<12}{'præcision':>11}{'recall':>9}{'sætninger':>11}"]
    for model, result in results.items():
        for mode, c in result["citation_quality"].items():
            lines.append(f"{model:<{width}}{ANSWER_MODES.get(mode, mode):<12}"
                         f"{c['precision']:>11.3f}{c['recall']:>9.3f}{c['sentences']:>11}")
    return lines


def side_by_side(result: dict[str, Any]) -> list[str]:
    """Recall@5 and MRR@10 per mode and per set/half: without and with the extra folders."""
    more = result["with"]
    rows = [(m, result["modes"][m], more["modes"][m]) for m in result["modes"]]
    for group in ("sets", "splits"):
        rows += [(f"{name} (hybrid)", part["modes"]["hybrid"], more[group][name]["modes"]["hybrid"])
                 for name, part in result.get(group, {}).items() if part["questions"]]
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"Med {', '.join(more['folders'])} indlæst ({more['documents']} dokumenter i alt):",
             f"{'':<{width}}{'Recall@5':>10}{'med':>8}{'forskel':>9}{'MRR@10':>9}{'med':>8}"
             f"{'forskel':>9}"]
    for name, a, b in rows:
        cells = "".join(f"{a[k]:>{w}.3f}{b[k]:>8.3f}{b[k] - a[k]:>+9.3f}"
                        for k, w in (("Recall@5", 10), ("MRR@10", 9)))
        lines.append(f"{name:<{width}}{cells}")
    before, after = result.get("compare"), more.get("compare")
    if before and after and before["all"]["questions"] and after["all"]["questions"]:
        lines += [f"Sammenligning af steder uden: {compare_line(before['all'])}",
                  f"Sammenligning af steder med:  {compare_line(after['all'])}"]
    return lines


def comparison_text(results: dict[str, Any]) -> str:
    first = next(iter(results.values()))
    head = retrieval_table(results) if len(results) > 1 else [eval_text(first)]
    for model, result in results.items():
        if "with" in result:
            head += ["", *([model] if len(results) > 1 else []), *side_by_side(result)]
    return "\n".join([*head, "", "Citater (ALCE: præcision og recall pr. sætning):",
                      *citation_table(results)])


def run(args: argparse.Namespace, config: Config) -> int:
    # By default every evals/questions*.jsonl; each file is reported as its own set.
    questions = evaluation.load_questions(args.questions)
    llm = api.make_llm(config) if config.llm_url else None
    # Without --model the index is judged as it is (another configured model is refused).
    results = evaluation.evaluate_models(config, args.models or [config.model], questions, llm=llm,
                                  copy_other=bool(args.models), extra=args.extra)
    if config.reranker != NO_RERANKER:
        plain = evaluation.evaluate_models(
            dataclasses.replace(config, reranker=NO_RERANKER), args.models or [config.model],
            questions, llm=llm, copy_other=bool(args.models), extra=args.extra)
        for model, result in results.items():
            result["without_reader"] = plain[model]
    data = next(iter(results.values())) if len(results) == 1 else {"models": results}
    emit(args, data, lambda _: comparison_text(results) + reader_text(results, config.reranker))
    return 0


def reader_rows(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, figures) for all questions, each set and each half, hybrid search."""
    rows = [("alle", result)]
    rows += [(name, part) for name, part in result.get("sets", {}).items() if part["questions"]]
    rows += [(f"halvdel {name}", part) for name, part in (result.get("splits") or {}).items()]
    return rows


def reader_cells(part: dict[str, Any] | None) -> list[float | None]:
    if not part or not part.get("questions"):
        return [None, None, None]
    hybrid = part["modes"]["hybrid"]
    return [hybrid["Recall@5"], hybrid["MRR@10"], (part.get("answers") or {}).get("answer_recall")]


def reader_text(results: dict[str, Any], reranker: str) -> str:
    """Recall@5, MRR@10 and answer recall without and with the reader, with and without the
    extra folders; refusals per half; what an answer costs."""
    lines: list[str] = []
    for model, result in results.items():
        plain = result.get("without_reader")
        if not plain:
            continue
        libraries = [("", result, plain)]
        if "with" in result:
            libraries.append((" + " + ", ".join(result["with"]["folders"]), result["with"],
                              plain["with"]))
        for label, mine, theirs in libraries:
            lines += ["", f"Læseren {reranker} ({model}{label}): uden -> med",
                      f"{'':<28}{'Recall@5':>16}{'MRR@10':>16}{'svar-recall':>16}"]
            splits_of = dict(reader_rows(theirs))
            for name, part in reader_rows(mine):
                cells = zip(reader_cells(splits_of.get(name)), reader_cells(part), strict=True)
                shown = "".join(f"{figure(a):>9} ->{figure(b):>5}" for a, b in cells)
                lines.append(f"{name:<28}{shown}")
            lines += refusal_pair(theirs.get("refusal"), mine.get("refusal"))
            lines.append(f"Svartid p50 pr. spørgsmål: {theirs.get('ask_ms_p50')} ms uden, "
                         f"{mine.get('ask_ms_p50')} ms med læseren")
    return "\n".join(lines)


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def refusal_pair(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    if not before or not after:
        return []
    out = []
    for name, r in [("alle", after), *after["splits"].items()]:
        b = before if name == "alle" else before["splits"].get(name)
        if not b:
            continue
        out.append(f"Afvist ({name}): uden for emnet {b['offtopic']['refused']} -> "
                   f"{r['offtopic']['refused']}/{r['offtopic']['total']}, besvarlige "
                   f"fejlagtigt {b['answerable']['refused']} -> {r['answerable']['refused']}/"
                   f"{r['answerable']['total']}")
    return out
