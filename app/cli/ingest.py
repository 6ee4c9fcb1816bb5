"""`vidensbank ingest PATH...`: files, folders and http(s) addresses into the index."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from vidensbank.app.cli.common import add_cluster, emit, progress_bar
from vidensbank.index.api import Library
from vidensbank.index.config import Config
from vidensbank.ingest.fetch import is_url

NAME = "ingest"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="indlæs filer og mapper")
    p.add_argument("paths", nargs="+", help="filer, mapper eller http(s)-adresser")
    p.add_argument("--doc-type", choices=["artikel", "rapport", "samarbejdsaftale", "andet"])
    p.add_argument("--workers", type=int, help="processer, der læser og embedder parallelt")
    p.add_argument("--device", help="cpu eller cuda (kun sentence-transformers-modeller)")
    p.add_argument("--ocr", choices=["auto", "always", "never"],
                   help="tekstgenkendelse af skannede PDF-sider: auto (sider uden tekstlag, "
                        "standard), always (alle sider) eller never")
    add_cluster(p)
    return p


def report_text(report: dict[str, Any]) -> str:
    lines = [
        f"Indlæst: {len(report['ingested'])}, opdateret: {len(report['updated'])}, "
        f"uændret (sprunget over): {len(report['skipped'])}, "
        f"samme indhold som et andet dokument: {len(report['linked'])}, "
        f"fejlet: {len(report['failed'])}, nye tekstbidder: {report['chunks']}"
    ]
    lines += [f"  OPDATERET {path}" for path in report["updated"]]
    lines += [f"  SAMME INDHOLD {item['path']}: kilde til {item['doc_id']}"
              for item in report["linked"]]
    lines += [f"  FEJL {f['path']}: {f['reason']}" for f in report["failed"]]
    return "\n".join(lines)


def run(args: argparse.Namespace, config: Config) -> int:
    # URLs stay strings: Path() would fold "https://" into "https:/".
    sources = [p if is_url(p) else Path(p) for p in args.paths]
    with Library.open(config, create=True) as library:
        report = library.ingest(sources, doc_type=args.doc_type,
                                on_progress=None if args.json else progress_bar("filer"))
    emit(args, report.as_dict(), report_text)
    return 0 if report.ok else 1
