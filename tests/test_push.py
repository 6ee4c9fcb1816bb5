"""`vidensbank push`: the embedded corpus index moved to a Qdrant server, resumed and verified.

The server is qdrant-client's local mode (`local:PATH`), which speaks the same client API as a
Qdrant server; no server binary can be installed here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import ROOT
from qdrant_client import QdrantClient
from qdrant_client import models as qm
from vidensbank.app.cli import main
from vidensbank.index.build.push import STATE_NAME, push, same_hits
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import search
from vidensbank.index.stores.server import ServerStore
from vidensbank.index.stores.server_docstore import MANIFEST_ID

from vidensbank.errors import ModelMismatchError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser


def _config(index_dir: Path, tmp_path: Path, **kw: Any) -> Config:
    return Config(index_dir=index_dir, qdrant_url=f"local:{tmp_path / 'qdrant'}", **kw)


def test_push_moves_the_index_and_a_second_machine_uses_it(index_copy: Path,
                                                           tmp_path: Path) -> None:
    url = f"local:{tmp_path / 'qdrant'}"
    out = subprocess.run([sys.executable, "-m", "vidensbank", "push", "--index", str(index_copy),
                          "--qdrant-url", url, "--json"], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] and report["counts"]["documents"] == [5, 5]
    assert report["counts"]["chunks"][0] == report["counts"]["chunks"][1] == report["chunks"]
    assert report["queries"] >= 10 and report["same_results"] == report["queries"]
    assert json.loads((index_copy / STATE_NAME).read_text())["phase"] == "done"
    # Another machine: an empty index folder, only the URL. Manifest and documents come from
    # the server, and every hit is an exact slice of the document the server holds.
    elsewhere = Config(index_dir=tmp_path / "andet-sted", qdrant_url=url)
    local, remote = OpenIndex.open(Config(index_dir=index_copy)), OpenIndex.open(elsewhere)
    try:
        assert remote.manifest["model"] == local.manifest["model"]
        query = "hvordan kobler andre til kernedriften"
        for mode in ("dense", "bm25"):
            assert same_hits(search(local, query, mode=mode), search(remote, query, mode=mode))
        want, got = search(local, query), search(remote, query)
        # Hybrid: RRF may swap near-ties deep in its prefetch lists; the clear top agrees.
        assert [(h.doc_id, h.start_char) for h in got[:3]] == [
            (h.doc_id, h.start_char) for h in want[:3]]
        for hit in got:
            doc = remote.docs.get(hit.doc_id)
            assert doc is not None and doc.text[hit.start_char:hit.end_char] == hit.text
        assert remote.docs.chunk_count() == local.docs.chunk_count()
    finally:
        local.close()
        remote.close()
    assert not (tmp_path / "andet-sted" / "manifest.json").exists()


class Interrupt(Exception):
    pass


def test_interrupted_push_resumes_where_it_stopped(index_copy: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(index_copy, tmp_path)

    def stop_after_two_batches(done: int, total: int, label: str) -> None:
        if label == "tekstbidder" and done >= 64:
            raise Interrupt
    with pytest.raises(Interrupt):
        push(config, batch=32, on_progress=stop_after_two_batches)
    state = json.loads((index_copy / STATE_NAME).read_text())
    assert (state["phase"], state["chunks_done"]) == ("chunks", 64)

    written: list[int] = []
    original = ServerStore.upsert
    monkeypatch.setattr(ServerStore, "upsert",
                        lambda self, pts: (written.append(len(pts)), original(self, pts))[1])
    report = push(config, batch=32)
    assert report.ok and report.resumed_at == 64
    assert sum(written) == report.chunks - 64  # the first two batches were not sent again


def test_push_again_removes_what_the_source_no_longer_has(index_copy: Path,
                                                          tmp_path: Path) -> None:
    config = _config(index_copy, tmp_path)
    assert push(config).ok
    writer = OpenIndex.open(Config(index_dir=index_copy), create=True)
    gone = writer.docs.list()[0].doc_id
    writer.docs.delete(gone)
    writer.store.delete_doc(gone)
    writer.store.finish_writes()
    writer.close()
    report = push(config)
    assert report.ok and report.removed_documents == 1
    assert report.counts["documents"] == [4, 4]


def test_cluster_settings_are_used_for_new_collections(index_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    created: dict[str, dict] = {}
    original = QdrantClient.create_collection

    def spy(self: QdrantClient, name: str, **kw: Any) -> bool:
        created[name] = kw
        return original(self, name, **kw)
    monkeypatch.setattr(QdrantClient, "create_collection", spy)
    code = main(["push", "--index", str(index_copy), "--qdrant-url", f"local:{tmp_path / 'q'}",
                 "--collection", "klynge", "--shard-number", "6", "--replication-factor", "2",
                 "--write-consistency", "2", "--json"])
    assert code == 0 and set(created) == {"klynge", "klynge_documents"}
    for kw in created.values():
        assert (kw["shard_number"], kw["replication_factor"],
                kw["write_consistency_factor"]) == (6, 2, 2)


def test_server_refuses_an_index_of_another_model(index_copy: Path, tmp_path: Path) -> None:
    config = _config(index_copy, tmp_path)
    assert push(config).ok
    client = QdrantClient(path=str(tmp_path / "qdrant"))
    client.upsert("vidensbank_documents", [qm.PointStruct(id=MANIFEST_ID, vector={}, payload={
        "kind": "manifest", "manifest": {"model": {"name": "anden-model", "dim": 768}}})])
    client.close()
    with pytest.raises(ModelMismatchError, match="anden-model"):
        OpenIndex.open(config)


@pytest.mark.parametrize("args,message", [
    (["push"], "kræver en Qdrant-server"),
    (["push", "--qdrant-url", "local:/tmp/x", "--batch", "0"], "--batch"),
    (["push", "--qdrant-url", "local:/tmp/x", "--replication-factor", "1",
      "--write-consistency", "2"], "write_consistency"),
])
def test_push_user_errors_are_one_line(index_copy: Path, args: list[str], message: str) -> None:
    out = subprocess.run([sys.executable, "-m", "vidensbank", *args, "--index", str(index_copy)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 1 and message in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def _hits(*pairs: tuple[str, float]) -> list[Any]:
    """Stand-ins for Hit: same_hits reads score, doc_id and start_char only."""
    return [SimpleNamespace(score=score, doc_id=doc, start_char=0) for doc, score in pairs]


@pytest.mark.parametrize("a,b,same", [
    (_hits(("a", 0.9), ("b", 0.5)), _hits(("a", 0.9), ("b", 0.5)), True),
    (_hits(("a", 0.9), ("b", 0.5)), _hits(("a", 0.9), ("c", 0.5)), True),  # tie at the cut
    (_hits(("a", 0.9), ("b", 0.5), ("c", 0.5)), _hits(("b", 0.9), ("a", 0.5), ("c", 0.5)), False),
    (_hits(("a", 0.9), ("b", 0.5)), _hits(("a", 0.9), ("b", 0.4)), False),  # another score
    (_hits(("a", 0.9)), _hits(("a", 0.9), ("b", 0.5)), False),
])
def test_same_hits_allows_ties_only_at_the_cut(a: list, b: list, same: bool) -> None:
    assert same_hits(a, b) is same
