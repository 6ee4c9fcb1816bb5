"""Several processes on one embedded index: readers go on while an ingest writes; nothing breaks.

What Qdrant Edge does on its own (first test): a shard that one handle holds open cannot be
loaded again, in another process or in the same one ("Can't init WAL: WouldBlock"); nothing is
corrupted, but a reader could never open the index during an ingest. So readers work on private
copies (index/shard_snapshot.py), and the tests below run real processes against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import qdrant_edge as qe
from conftest import ARTICLES, ROOT
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.stores import shard_snapshot as snap
from vidensbank.index.stores.base import ChunkPoint, SparseVec
from vidensbank.index.stores.edge import EdgeStore

from vidensbank.errors import IndexLockedError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

DIM = 8
TIMEOUT = 300  # seconds: every process here is bounded


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} kom aldrig"
        time.sleep(0.05)


def _small_store(tmp_path: Path) -> Path:
    shard = tmp_path / "idx" / "shard"
    store = EdgeStore(shard, dim=DIM, create=True)
    store.upsert([ChunkPoint(f"00000000-0000-0000-0000-00000000000{i}", np.eye(DIM)[i],
                             SparseVec([i], [1.0]), {"doc_id": f"d{i}"}) for i in range(3)])
    store.finish_writes()
    store.close()
    return shard


HOLD_LIVE_SHARD = """
    import sys, time, pathlib, qdrant_edge as qe
    shard = qe.EdgeShard.load(sys.argv[1])
    pathlib.Path(sys.argv[2]).touch()
    time.sleep(60)
"""


def test_edge_lets_one_handle_open_a_shard(tmp_path: Path) -> None:
    """The experiment: a second load of an open shard fails; the shard itself stays intact."""
    shard = _small_store(tmp_path)
    ready = tmp_path / "ready"
    holder = _python(HOLD_LIVE_SHARD, str(shard), str(ready))
    try:
        _wait_for(ready, holder)
        with pytest.raises(Exception, match="WouldBlock"):
            qe.EdgeShard.load(str(shard))
        # A copy of the open shard loads, with every point written so far.
        copy = snap.private_copy(shard)
        loaded = qe.EdgeShard.load(str(copy))
        assert loaded.count(qe.CountRequest(exact=True)) == 3
        loaded.close()
        snap.remove_copy(copy)
    finally:
        holder.kill()
        holder.communicate(timeout=TIMEOUT)
    reopened = qe.EdgeShard.load(str(shard))
    assert reopened.count(qe.CountRequest(exact=True)) == 3
    reopened.close()


HOLD_WRITER = """
    import sys, time, pathlib
    from vidensbank.index.config import Config
    from vidensbank.index.open_index import OpenIndex
    idx = OpenIndex.open(Config(index_dir=pathlib.Path(sys.argv[1])), create=True)
    pathlib.Path(sys.argv[2]).touch()
    time.sleep(60)
"""


def test_second_writer_is_refused_in_one_line(index_copy: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = _python(HOLD_WRITER, str(index_copy), str(ready))
    try:
        _wait_for(ready, holder)
        with pytest.raises(IndexLockedError, match="anden proces"):
            OpenIndex.open(Config(index_dir=index_copy), create=True)
        out = subprocess.run([sys.executable, "-m", "vidensbank", "ingest", str(ARTICLES),
                              "--index", str(index_copy)], capture_output=True, text=True,
                             cwd=ROOT, timeout=TIMEOUT)
        assert out.returncode == 1 and "prøv igen om lidt" in out.stderr
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
        # Readers are not writers: they still search while the writer holds the shard.
        idx = OpenIndex.open(Config(index_dir=index_copy))
        assert idx.store.count() > 0
        idx.close()
    finally:
        holder.kill()
        holder.communicate(timeout=TIMEOUT)


HOLD_EXCLUSIVE = """
    import sys, time, pathlib
    from vidensbank.index.stores.shard_snapshot import flocked
    with flocked(pathlib.Path(sys.argv[1]), exclusive=True, wait_s=5) as held:
        assert held
        pathlib.Path(sys.argv[2]).touch()
        time.sleep(float(sys.argv[3]))
"""


def test_reader_during_a_write_waits_then_says_busy(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shard = _small_store(tmp_path)
    index_dir = shard.parent
    open_reader = EdgeStore(shard, dim=DIM, create=False)  # an app that is already running
    monkeypatch.setattr(snap, "READ_WAIT_S", 0.5)
    ready = tmp_path / "ready"
    holder = _python(HOLD_EXCLUSIVE, str(index_dir / snap.LOCK_NAME), str(ready), "4")
    try:
        _wait_for(ready, holder)
        snap.publish(index_dir)  # as if the writer had new data: no copy can be made now
        clock = time.monotonic()
        with pytest.raises(IndexLockedError, match=snap.BUSY_MESSAGE):
            EdgeStore(shard, dim=DIM, create=False)
        assert time.monotonic() - clock < 3
        assert open_reader.count() == 3  # the running reader keeps its copy meanwhile
    finally:
        holder.communicate(timeout=TIMEOUT)
    assert open_reader.count() == 3  # and takes a fresh copy once the write is over
    assert open_reader._generation == snap.read_generation(index_dir)
    open_reader.close()


READER = """
    import json, sys, time, pathlib
    from vidensbank.index.config import Config
    from vidensbank.errors import IndexLockedError
    from vidensbank.index.open_index import OpenIndex
    from vidensbank.index.retrieval.search import search
    index_dir, stop, log = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
    records = []
    while not stop.exists():
        try:  # a new process each time would do the same: open, read, close
            idx = OpenIndex.open(Config(index_dir=index_dir))
            hits = search(idx, "beboere i job og uddannelse")
            records.append({"t": time.time(), "ok": True, "hits": len(hits),
                            "points": idx.store.count(), "docs": idx.docs.count()})
            idx.close()
        except IndexLockedError as exc:
            records.append({"t": time.time(), "ok": False, "error": str(exc)})
    json.dump(records, open(log, "w"))
"""


@pytest.mark.slow
def test_readers_keep_reading_while_an_ingest_writes(index_copy: Path, tmp_path: Path) -> None:
    src = tmp_path / "nye"
    src.mkdir()
    for name in ("lbf-varde-fleksibilitet-og-koordination", "bl-strategisk-forum-partnerskaber"):
        # A changed copy (a word in the body): the same text at a new path would only be linked.
        text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
        cut = text.index(" og ", len(text) // 3)
        (src / f"kopi-{name}.txt").write_text(text[:cut] + " samt " + text[cut + 4:],
                                              encoding="utf-8")
    long_lived = OpenIndex.open(Config(index_dir=index_copy))  # like the running app
    before = long_lived.store.count()
    stop = tmp_path / "stop"
    readers = [_python(READER, str(index_copy), str(stop), str(tmp_path / f"r{i}.json"))
               for i in range(2)]
    try:
        time.sleep(3)
        started = time.time()
        ingest = subprocess.run([sys.executable, "-m", "vidensbank", "ingest", str(src), "--index",
                                 str(index_copy), "--json"], capture_output=True, text=True,
                                cwd=ROOT, timeout=TIMEOUT)
        ended = time.time()
    finally:
        stop.touch()
        outputs = [r.communicate(timeout=TIMEOUT) for r in readers]
    assert ingest.returncode == 0, ingest.stderr
    assert len(json.loads(ingest.stdout)["ingested"]) == 2
    for i, (_, err) in enumerate(outputs):
        assert readers[i].returncode == 0, err
        records = json.loads((tmp_path / f"r{i}.json").read_text())
        during = [r for r in records if started < r["t"] < ended]
        assert during and all(r["ok"] for r in during), records
        assert all(r["docs"] in (5, 6, 7) and r["hits"] > 0 for r in records)
    after = long_lived.store.count()  # the running reader sees the new data, unrestarted
    assert after > before
    long_lived.close()
    _assert_intact(index_copy, after)


def _assert_intact(index_dir: Path, points: int) -> None:
    """The live shard loads, and every chunk is an exact slice of its document."""
    shard = qe.EdgeShard.load(str(index_dir / "shard"))
    assert shard.count(qe.CountRequest(exact=True)) == points
    shard.close()
    idx = OpenIndex.open(Config(index_dir=index_dir))
    assert idx.docs.count() == 7
    for doc in idx.docs.list():
        text = idx.docs.get(doc.doc_id).text  # type: ignore[union-attr]
        chunks = idx.store.chunks_of(doc.doc_id)
        assert chunks and all(text[c.payload["start_char"]:c.payload["end_char"]]
                               == c.payload["text"] for c in chunks)
    idx.close()


def test_stale_copies_of_dead_readers_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = Path(tempfile.gettempdir()) / f"{snap.COPY_PREFIX}{dead}-test"
    stale.mkdir(exist_ok=True)
    mine = snap.private_copy(_small_store(tmp_path))
    assert not stale.exists() and mine.exists()
    assert os.path.getsize(mine / "edge_config.json") > 0
    snap.remove_copy(mine)
    assert not mine.parent.exists()
