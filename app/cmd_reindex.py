"""`vidensbank reindex --model NAME`: new vectors for the stored chunks, no re-parsing."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli import emit
from index.config import Config
from index.reindex import Progress, reindex


def _progress_bar() -> Progress:
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit=" vektorer", file=sys.stderr, disable=None,
                              dynamic_ncols=True)
        bar["bar"].n = done
        bar["bar"].refresh()
        if done >= total:
            bar["bar"].close()

    return update


def report_text(report: dict[str, Any]) -> str:
    return (f"Indekset er bygget om: {report['old_model']['name']} -> "
            f"{report['new_model']['name']} ({report['new_model']['dim']} dim.), "
            f"{report['documents']} dokumenter, {report['points']} vektorer, "
            f"{report['seconds']:.1f} s")


def cmd_reindex(args: argparse.Namespace, config: Config) -> int:
    report = reindex(config, config.model, on_progress=None if args.json else _progress_bar())
    emit(args, report.as_dict(), report_text)
    return 0
