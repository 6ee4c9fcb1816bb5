"""The `vidensbank` command line: one module per command, each with `add_parser` and `run`.

Every command opens the index through `vidensbank.index.api` and prints text or, with --json,
the JSON contract in the README. Every error a user can cause is one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from vidensbank.app.cli import ask, evaluate, ingest, push, reindex, search, serve, show, stats
from vidensbank.app.cli.common import add_common, config_from

from vidensbank.errors import VidensbankError

COMMANDS = {m.NAME: m for m in (ingest, search, ask, show, stats, evaluate, reindex, serve, push)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidensbank", description="Søg og få citerede svar i boligsocialt materiale.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS.values():
        add_common(module.add_parser(sub))
    evaluate.add_model(sub.choices[evaluate.NAME])
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args, config_from(args))
    except VidensbankError as exc:
        print(f"vidensbank: fejl: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vidensbank: afbrudt", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `vidensbank search ... | head` stopped reading: no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 1
