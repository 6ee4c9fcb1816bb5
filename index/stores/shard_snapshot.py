"""Private read copies of an embedded shard, so readers and one writer can work side by side.

Qdrant Edge locks a shard's WAL: while one handle has a shard open, a second load fails with
"Can't init WAL: WouldBlock", in another process and in the same one. So only the writer opens
the live shard; every reader loads a private copy. Copies are made under a shared lock, and the
writer holds the exclusive lock for each write, so a copy never catches half an operation (the
WAL is written per operation, so a copy holds everything written so far). After a batch of writes
the writer bumps a generation file; a reader that sees a new generation makes a fresh copy.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = "shard.lock"
GENERATION_NAME = "shard.generation"
COPY_PREFIX = "vidensbank-shard-"
READ_WAIT_S = 20.0  # a new reader waits this long for a write (e.g. an optimise) to finish
WRITE_WAIT_S = 60.0  # a write waits this long for readers that are copying
BUSY_MESSAGE = "indekset opdateres lige nu — prøv igen om lidt"


@contextlib.contextmanager
def flocked(path: Path, *, exclusive: bool, wait_s: float) -> Iterator[bool]:
    """Hold a shared or exclusive lock on `path`; yields False if it was not had in time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_generation(index_dir: Path) -> str:
    try:
        return (index_dir / GENERATION_NAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def publish(index_dir: Path) -> None:
    """Tell readers that new data is there (atomic: a reader never reads half a name)."""
    tmp = index_dir / f"{GENERATION_NAME}.{os.getpid()}.tmp"
    tmp.write_text(uuid.uuid4().hex, encoding="utf-8")
    os.replace(tmp, index_dir / GENERATION_NAME)


def copy_sparse(src: str, dst: str) -> None:
    """Copy data extents only: Qdrant preallocates files (32 MB WAL pages) that are mostly holes."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        pos = 0
        while pos < size:
            try:
                start = os.lseek(fin.fileno(), pos, os.SEEK_DATA)
            except OSError:  # no data after pos (ENXIO), or no hole support: handled below
                break
            end = os.lseek(fin.fileno(), start, os.SEEK_HOLE)
            fin.seek(start)
            fout.seek(start)
            while start < end:
                block = fin.read(min(end - start, 1 << 20))
                if not block:
                    break
                fout.write(block)
                start += len(block)
            pos = end
        fout.truncate(size)
    shutil.copystat(src, dst)


def private_copy(shard: Path) -> Path:
    """Copy a shard into a fresh temporary folder; the caller holds the shared lock."""
    sweep_stale_copies()
    root = Path(tempfile.mkdtemp(prefix=f"{COPY_PREFIX}{os.getpid()}-"))
    target = root / "shard"
    shutil.copytree(shard, target, copy_function=copy_sparse)
    return target


def remove_copy(copy: Path) -> None:
    shutil.rmtree(copy.parent, ignore_errors=True)


def sweep_stale_copies() -> None:
    """Remove copies left by reader processes that died without cleaning up."""
    for folder in Path(tempfile.gettempdir()).glob(COPY_PREFIX + "*"):
        pid = folder.name[len(COPY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
