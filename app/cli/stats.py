"""`vidensbank stats`: documents, chunks, model and size of the index."""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app import labels
from vidensbank.app import ui_text as T
from vidensbank.app.cli.common import emit
from vidensbank.index.api import Library
from vidensbank.index.config import NO_RERANKER, Config

NAME = "stats"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    return sub.add_parser(NAME, help="dokumenter, tekstbidder, model, opskrift, indeks og "
                          "størrelse")


def stats_text(stats: dict[str, Any]) -> str:
    # A chunk is embedded as several overlapping windows ("points"), so the two counts differ.
    rows = [("Indeks", stats["index"]), ("Dokumenter", stats["documents"]),
            ("Tekstbidder", stats["chunks"]),
            ("Søgevinduer", f"{stats['points']} (indlejrede udsnit af tekstbidderne)"),
            ("Model", stats["model"]["name"]), ("Dimensioner", stats["model"]["dim"]),
            (T.RERANKER_LABEL, reranker_text(stats.get("reranker") or "")),
            ("Størrelse", f"{stats['size_mb']:.1f} MB"), ("Dokumenttyper", "")]
    rows += [(f"  {labels.doc_type_label(k)}", labels.count(v, T.DOCUMENTS))
             for k, v in sorted(stats["doc_types"].items())]
    rows.append((T.RECIPE_LABEL, recipe_text(stats.get("recipe"))))
    rows += [(T.RECIPE_CHANGED if i == 0 else "", line)
             for i, line in enumerate(stats.get("recipe_changes") or [])]
    return "\n".join(f"{k:<16}{v}".rstrip() for k, v in rows)


def reranker_text(name: str) -> str:
    return T.RERANKER_NONE if name in ("", NO_RERANKER) else name


def recipe_text(recipe: dict[str, Any] | None) -> str:
    """'passager onnx-int8, vinduer 300 tegn, sætningsvektorer gemt (version 2)'."""
    if not recipe:
        return T.RECIPE_NONE
    units = "sætningsvektorer gemt" if recipe.get("units") else "ingen sætningsvektorer"
    return (f"passager {recipe.get('passages')}, vinduer {recipe.get('window_size')} tegn, "
            f"{units} (version {recipe.get('version')})")


def run(args: argparse.Namespace, config: Config) -> int:
    with Library.open(config) as library:
        stats = library.stats()
    emit(args, stats.as_dict(), stats_text)
    return 0
