"""The `vidensbank` command line: one module per command, each with `add_parser` and `run`.

Every command opens the index through `vidensbank.index.api` and prints text or, with --json,
the JSON contract in the README. Every error a user can cause is one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from vidensbank.app.cli import (
    ask,
    compare,
    evaluate,
    ingest,
    push,
    reindex,
    search,
    serve,
    show,
    stats,
)
from vidensbank.app.cli.common import add_common, config_from, recipe_notice
from vidensbank.app.cli.danish import danish
from vidensbank.index.api import configure_logging

from vidensbank.errors import VidensbankError

COMMANDS = {m.NAME: m for m in (ingest, search, ask, compare, show, stats, evaluate, reindex, serve,
                                push)}
# Commands that read or add to an index: they say so when it was built with an older recipe.
NOTICE_COMMANDS = {m.NAME for m in (ingest, search, ask, compare, show, stats, evaluate)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidensbank", description="Søg og få citerede svar i boligsocialt materiale.")
    # The metavar names the commands in "følgende argumenter mangler", not the dest "command".
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{" + ",".join(COMMANDS) + "}")
    for module in COMMANDS.values():
        add_common(module.add_parser(sub))
    evaluate.add_model(sub.choices[evaluate.NAME])
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with danish():  # argparse's usage and error texts, as the rest of the CLI: in Danish
        args = build_parser().parse_args(argv)
    try:
        config = config_from(args)
        configure_logging(config.log_level)  # VIDENSBANK_LOG_LEVEL=INFO: a line per question
        if args.command in NOTICE_COMMANDS:
            recipe_notice(config)
        return COMMANDS[args.command].run(args, config)
    except VidensbankError as exc:
        print(f"vidensbank: fejl: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vidensbank: afbrudt", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `vidensbank search ... | head` stopped reading: no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor one at exit
        return 1
