"""One function per CLI command: open the knowledge base, do the work, emit text or JSON."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app import render
from app.cli import emit, parse_filters
from app.cmd_eval import cmd_eval
from app.cmd_push import cmd_push
from app.cmd_reindex import cmd_reindex
from index.config import Config
from index.errors import IndexNotFoundError
from index.kb import KnowledgeBase
from ingest.errors import VidensbankError


def _progress_bar(total_hint: str = "filer") -> Any:
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int, name: str) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit=" " + total_hint, file=sys.stderr,
                              disable=None, dynamic_ncols=True)
        b = bar["bar"]
        b.n = done
        b.set_postfix_str(name[:40], refresh=True)
        if done >= total:
            b.close()

    return update


def cmd_ingest(args: argparse.Namespace, config: Config) -> int:
    from index.pipeline import ingest_paths
    from ingest.fetch import is_url

    kb = KnowledgeBase.open(config, create=True)
    # URLs stay strings: Path() would fold "https://" into "https:/".
    sources = [p if is_url(p) else Path(p) for p in args.paths]
    try:
        report = ingest_paths(kb, sources, doc_type=args.doc_type,
                              on_progress=None if args.json else _progress_bar())
    finally:
        kb.close()
    emit(args, report.as_dict(), render.report_text)
    return 0 if report.ok else 1


def cmd_search(args: argparse.Namespace, config: Config) -> int:
    from index.search import search

    kb = KnowledgeBase.open(config)
    hits = search(kb, args.query, filters=parse_filters(args.filter))
    emit(args, [h.as_dict() for h in hits], lambda _: render.hits_text(hits))
    return 0


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    from index.answer import answer

    if config.llm_url:  # generated and checked; the extractive answer otherwise
        from app.cmd_ask_llm import cmd_ask_llm

        return cmd_ask_llm(args, config)
    kb = KnowledgeBase.open(config)
    result = answer(kb, args.query, filters=parse_filters(args.filter))
    emit(args, result.as_dict(), lambda _: render.answer_text(result))
    return 0


def cmd_show(args: argparse.Namespace, config: Config) -> int:
    kb = KnowledgeBase.open(config)
    doc = kb.docs.get(args.doc_id)
    if doc is None:
        raise VidensbankError(f"intet dokument med id '{args.doc_id}' (se `vidensbank stats`)")
    meta = doc.metadata
    data = {"doc_id": doc.doc_id, "title": meta.get("title"), "source": meta.get("source"),
            "doc_type": meta.get("doc_type"), "text": doc.text, "metadata": meta}
    emit(args, data, lambda d: "\n".join(
        [f"{k}: {v}" for k, v in d["metadata"].items() if not k.endswith("_spans")]
        + ["", d["text"]]))
    return 0


def folder_size(path: Path) -> int:
    # Blocks actually used: Qdrant preallocates sparse files far larger than their data.
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    kb = KnowledgeBase.open(config)
    data = {"index": str(config.index_dir.resolve()), "documents": kb.docs.count(),
            "chunks": kb.docs.chunk_count(), "points": kb.store.count(),
            "model": kb.manifest["model"],
            "size_mb": folder_size(config.index_dir) / 1e6,
            "doc_types": dict(kb.store.facet("doc_type"))}
    emit(args, data, render.stats_text)
    return 0


def cmd_app(args: argparse.Namespace, config: Config) -> int:
    if not (config.index_dir / "manifest.json").exists() and not config.qdrant_url:
        raise IndexNotFoundError(
            f"intet indeks i {config.index_dir}: kør først `vidensbank ingest corpus/`")
    script = Path(__file__).resolve().parent / "streamlit_app.py"
    env = {**os.environ, "VIDENSBANK_INDEX": str(config.index_dir.resolve()),
           "VIDENSBANK_MODEL": config.model}
    if config.qdrant_url:
        env["VIDENSBANK_QDRANT_URL"] = config.qdrant_url
        env["VIDENSBANK_COLLECTION"] = config.collection
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port",
           str(args.port), "--server.address", "localhost", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]
    return subprocess.call(cmd, env=env)


COMMANDS = {"ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "show": cmd_show,
            "stats": cmd_stats, "eval": cmd_eval, "app": cmd_app, "push": cmd_push,
            "reindex": cmd_reindex}


def run(args: argparse.Namespace, config: Config) -> int:
    return COMMANDS[args.command](args, config)
