"""`vidensbank push`: move the embedded index to a Qdrant server, without embedding again."""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app.cli.common import add_cluster, emit, progress_bar
from vidensbank.index import api
from vidensbank.index.config import Config

NAME = "push"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("push", help="flyt det indlejrede indeks til en Qdrant-server "
                                    "(ingen ny embedding; kan genoptages)")
    p.add_argument("--batch", type=int, default=256, help="punkter pr. skrivning (standard 256)")
    p.add_argument("--restart", action="store_true",
                   help="begynd forfra i stedet for at fortsætte en afbrudt push")
    add_cluster(p)
    return p


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


def run(args: argparse.Namespace, config: Config) -> int:
    report = api.push(config, batch=args.batch, restart=args.restart,
                      on_progress=None if args.json else progress_bar(""))
    emit(args, report.as_dict(), push_text)
    return 0 if report.ok else 1
