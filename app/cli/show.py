"""`vidensbank show DOC_ID`: a document's metadata and text."""

from __future__ import annotations

import argparse
from typing import Any

from vidensbank.app.cli.common import emit
from vidensbank.index.api import Library
from vidensbank.index.config import Config

NAME = "show"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(NAME, help="vis et dokuments tekst og metadata")
    p.add_argument("doc_id")
    return p


def document_text(data: dict[str, Any]) -> str:
    meta = [f"{k}: {v}" for k, v in data["metadata"].items() if not k.endswith("_spans")]
    return "\n".join([*meta, "", data["text"]])


def run(args: argparse.Namespace, config: Config) -> int:
    with Library.open(config) as library:
        doc = library.show(args.doc_id)
    emit(args, doc.as_dict(), document_text)
    return 0
