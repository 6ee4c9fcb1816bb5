"""`vidensbank ingest PATH...`: files, folders and http(s) addresses into the index."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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


def file_bar() -> Callable[[Any], None]:
    """One bar per file on stderr (quiet when stderr is no terminal, as the files bar): its pages
    while a PDF is read, then its chunks while they are embedded and written."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(p: Any) -> None:  # an api.FileProgress
        if p.name not in bars:
            for old in bars.values():
                old.close()
            bars.clear()
            bars[p.name] = tqdm(desc=p.name[:40], file=sys.stderr, disable=None, leave=False,
                                dynamic_ncols=True, bar_format="{desc}: {percentage:3.0f}%|{bar}| "
                                "{postfix} [{elapsed}<{remaining}]")
        bar = bars[p.name]
        embedding = p.chunks > 0
        total, done = (p.chunks, p.chunks_written) if embedding else (p.pages, p.pages_read)
        if bar.total != total:
            bar.reset(total=total or 1)
        bar.n = done
        pages = f"side {p.pages_read}/{p.pages}" if p.pages else "læst" if embedding else "læser"
        chunks = f", tekstbidder {p.chunks_written}/{p.chunks}" if embedding else ""
        bar.set_postfix_str(pages + chunks, refresh=False)
        bar.refresh()
        if p.done:
            bar.close()
            del bars[p.name]

    return update


def run(args: argparse.Namespace, config: Config) -> int:
    # URLs stay strings: Path() would fold "https://" into "https:/".
    sources = [p if is_url(p) else Path(p) for p in args.paths]
    with Library.open(config, create=True) as library:
        report = library.ingest(sources, doc_type=args.doc_type,
                                on_progress=None if args.json else progress_bar("filer"),
                                on_file=None if args.json else file_bar())
    emit(args, report.as_dict(), report_text)
    return 0 if report.ok else 1
