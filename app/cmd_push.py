"""`vidensbank push`: move the embedded index to a Qdrant server, without embedding again."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli import emit
from index.config import Config


def add_push_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("push", help="flyt det indlejrede indeks til en Qdrant-server "
                                    "(ingen ny embedding; kan genoptages)")
    p.add_argument("--batch", type=int, default=256, help="punkter pr. skrivning (standard 256)")
    p.add_argument("--restart", action="store_true",
                   help="begynd forfra i stedet for at fortsætte en afbrudt push")
    return p


def _progress() -> Any:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(done: int, total: int, label: str) -> None:
        if label not in bars:
            for bar in bars.values():
                bar.close()
            bars[label] = tqdm(total=total, unit=" " + label, file=sys.stderr, disable=None,
                               dynamic_ncols=True)
        bar = bars[label]
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def push_text(data: dict[str, Any]) -> str:
    counts = data["counts"]
    lines = [
        f"Skubbet til {data['target']}: {data['chunks']} tekstbidder, "
        f"{data['documents']} dokumenter på {data['seconds']:.1f} s"
        + (f" (genoptaget ved {data['resumed_at']})" if data["resumed_at"] else ""),
        f"Antal (lokalt/server): tekstbidder {counts['chunks'][0]}/{counts['chunks'][1]}, "
        f"dokumenter {counts['documents'][0]}/{counts['documents'][1]}",
        f"Stikprøve: {data['same_results']}/{data['queries']} søgninger (tæt og BM25 hver for "
        f"sig) gav samme resultater",
    ]
    if data["removed_documents"]:
        lines.append(f"Fjernet fra serveren (ændret eller slettet lokalt): "
                     f"{data['removed_documents']} dokumenter")
    lines += [f"  AFVIGER: {q}" for q in data["mismatches"]]
    lines.append("Bekræftet." if data["ok"] else "IKKE bekræftet: se afvigelserne ovenfor "
                 "(`vidensbank push --restart` kopierer alt igen).")
    return "\n".join(lines)


def cmd_push(args: argparse.Namespace, config: Config) -> int:
    from index.push import push

    report = push(config, batch=args.batch, restart=args.restart,
                  on_progress=None if args.json else _progress())
    emit(args, report.as_dict(), push_text)
    return 0 if report.ok else 1
