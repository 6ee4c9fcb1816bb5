"""Rebuild an index's vectors with the current recipe, and with its own or another model, from
the chunk texts it stores.

Nothing is parsed again: documents are copied as they are and every chunk keeps its text,
offsets and payload; its windows are cut and embedded, and its quote units found and embedded,
as a fresh ingest would (index.build.reembed, index.recipe), so units.sqlite holds rows of this
recipe and model only. With the window size unchanged the windows and their ids stay the same.
The new index is written to a folder beside the old one, which stays usable meanwhile; then the
two folders are exchanged in one step and the old one is removed.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidensbank.index.build.reembed import rebuild_points
from vidensbank.index.config import NO_RERANKER, Config
from vidensbank.index.embedders import identity_of, load_embedder
from vidensbank.index.manifest import MANIFEST, read_manifest, write_manifest
from vidensbank.index.open_index import write_lock
from vidensbank.index.recipe import RERANKER, make_recipe, passage_path_of
from vidensbank.index.stores import shard_snapshot as snap
from vidensbank.index.stores.docstore import DocStore
from vidensbank.index.stores.edge import EdgeStore
from vidensbank.index.stores.unit_store import FILE as UNITS_FILE
from vidensbank.index.stores.unit_store import UnitStore

from vidensbank.errors import ConfigError, IndexLockedError, IndexNotFoundError

log = logging.getLogger(__name__)

DOCSTORE = "documents.sqlite"
SHARD = "shard"
# Files rebuilt here rather than copied; anything else in the index folder is carried over.
REBUILT = (MANIFEST, SHARD, DOCSTORE, DOCSTORE + "-wal", DOCSTORE + "-shm", "write.lock",
           snap.LOCK_NAME, snap.GENERATION_NAME, UNITS_FILE, UNITS_FILE + "-wal",
           UNITS_FILE + "-shm")
STAGING_SUFFIX = ".reindex"
AT_FDCWD = -100
RENAME_EXCHANGE = 2

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReindexReport:
    old_model: dict[str, Any]
    new_model: dict[str, Any]
    documents: int
    points: int  # embedded windows (several per chunk)
    seconds: float
    units: int = 0  # quote unit vectors stored (units.sqlite)
    recipe: dict[str, Any] | None = None  # the recipe the index now records

    def as_dict(self) -> dict[str, Any]:
        return {"old_model": self.old_model, "new_model": self.new_model,
                "documents": self.documents, "points": self.points, "units": self.units,
                "recipe": self.recipe, "seconds": round(self.seconds, 3)}


def _copy_documents(source: Path, target: Path) -> int:
    """Copy the document store with SQLite's backup API (consistent even while others read)."""
    src = sqlite3.connect(str(source / DOCSTORE))
    dst = sqlite3.connect(str(target / DOCSTORE))
    try:
        src.backup(dst)
        return int(dst.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    finally:
        src.close()
        dst.close()


def _copy_extras(source: Path, target: Path) -> None:
    for item in source.iterdir():
        if item.name in REBUILT or item.name.endswith(".tmp"):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
        else:
            shutil.copy2(item, target / item.name)


def rebuild(source: Path, target: Path, model: str | None = None, *, device: str = "cpu",
            window_size: int | None = None, reranker: str = NO_RERANKER,
            on_progress: Progress | None = None) -> ReindexReport:
    """Write a complete index at `target` (which must not exist) from the one at `source`.

    `model` None: the index's own. `window_size` None: the one the index recorded (else the
    default), so a copy for comparing models keeps the index's windows."""
    clock = time.perf_counter()
    manifest = read_manifest(source)
    if manifest is None:
        raise IndexNotFoundError(f"intet indeks i {source}: byg det først med `vidensbank ingest`")
    embedder = load_embedder(model or str(manifest["model"]["name"]), device)
    identity = identity_of(embedder)
    if window_size is None:
        window_size = int((manifest.get("recipe") or {}).get("window_size")
                          or Config.window_size)
    target.mkdir(parents=True)
    old = EdgeStore(source / SHARD, dim=int(manifest["model"]["dim"]), create=False)
    new = EdgeStore(target / SHARD, dim=identity.dim, create=True)
    docs = units = None
    try:
        documents = _copy_documents(source, target)
        _copy_extras(source, target)
        docs, units = DocStore(target / DOCSTORE), UnitStore(target / UNITS_FILE)
        total = old.count()

        def progress(done: int) -> None:
            if on_progress:  # other windows than before where the window size changed
                on_progress(done, max(total, done))

        done = rebuild_points(old, new, docs, units, embedder, identity.name, window_size,
                              on_batch=progress)
        if on_progress and done != total:
            on_progress(done, done)
        new.finish_writes()
        unit_count = units.count()
    finally:
        old.close()
        new.close()
        for store in (docs, units):
            if store is not None:
                store.close()
    recipe = {**make_recipe(passage_path_of(embedder), window_size), RERANKER: reranker}
    write_manifest(target, {**manifest, "model": identity.as_dict(), "recipe": recipe,
                            "reindexed_from": manifest["model"]})
    return ReindexReport(manifest["model"], identity.as_dict(), documents, done,
                         time.perf_counter() - clock, unit_count, recipe)


def exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (renameat2 RENAME_EXCHANGE, Linux).

    Where the call or the file system lacks it, two renames; between them `b` is briefly absent.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        renameat2 = None
    if renameat2 is not None:
        rc = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(a))
    parked = a.with_name(a.name + ".old")
    os.rename(b, parked)
    os.rename(a, b)
    os.rename(parked, a)


def reindex(config: Config, model: str | None = None, *,
            on_progress: Progress | None = None) -> ReindexReport:
    """Rebuild the index at config.index_dir with the current recipe and `model` (None: the
    index's own) and swap it in place."""
    if config.qdrant_url:
        raise ConfigError("reindex virker på det indlejrede indeks (ikke på en Qdrant-server)")
    index_dir = config.index_dir.resolve()
    if read_manifest(index_dir) is None:
        raise IndexNotFoundError(f"intet indeks i {index_dir}: byg det først med "
                                 "`vidensbank ingest corpus/`")
    staging = index_dir.with_name(index_dir.name + STAGING_SUFFIX)
    with write_lock(index_dir):  # no ingest may write to the old index while we copy it
        shutil.rmtree(staging, ignore_errors=True)  # left over from an interrupted run
        try:
            report = rebuild(index_dir, staging, model, device=config.device,
                             window_size=config.window_size, reranker=config.reranker,
                             on_progress=on_progress)
            # Readers copy the shard under a shared lock: none may be mid-copy at the swap.
            with snap.flocked(index_dir / snap.LOCK_NAME, exclusive=True,
                              wait_s=snap.WRITE_WAIT_S) as held:
                if not held:
                    raise IndexLockedError(f"{snap.BUSY_MESSAGE} ({index_dir})")
                exchange(staging, index_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(staging)  # now the old index
    log.info("indeks %s bygget om med %s", index_dir, report.new_model["name"])
    return report
