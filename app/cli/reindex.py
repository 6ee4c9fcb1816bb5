"""`vidensbank reindex [--model NAME]`: new vectors for the stored chunks with the current
recipe, with the index's own model or another one; no re-parsing."""

from __future__ import annotations

import argparse
import os
from typing import Any

from vidensbank.app.cli.common import emit, progress_bar
from vidensbank.index import api
from vidensbank.index.config import ENV_PREFIX, Config

NAME = "reindex"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="byg vektorerne om med den nuværende opskrift, med indeksets "
                       "egen eller en anden model (ingen genlæsning)")
    p.add_argument("--device", help="cpu eller cuda (kun sentence-transformers-modeller)")
    return p


def report_text(report: dict[str, Any]) -> str:
    return (f"Indekset er bygget om: {report['old_model']['name']} -> "
            f"{report['new_model']['name']} ({report['new_model']['dim']} dim.), "
            f"{report['documents']} dokumenter, {report['points']} vektorer, "
            f"{report['units']} sætningsvektorer, {report['seconds']:.1f} s")


def run(args: argparse.Namespace, config: Config) -> int:
    # No model named (flag or environment): the index's own, rebuilt with today's recipe.
    model = args.model or os.environ.get(ENV_PREFIX + "MODEL") or None
    report = api.reindex(config, model,
                         on_progress=None if args.json else progress_bar("vektorer"))
    emit(args, report.as_dict(), report_text)
    return 0
