"""Document identity: same-named files stay apart, copies become one document with two sources,
a changed file is reported "opdateret", and ids survive re-ingests (index/build/identity.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import cli
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

TOWNS = ("Varde", "Silkeborg", "Sønderborg", "Aalborg", "Ærø", "Vejle", "Odense")


def _readmes(root: Path) -> list[Path]:
    """Seven different README.md files, one in each folder."""
    paths = []
    for i, town in enumerate(TOWNS):
        path = root / f"mappe{i}" / "README.md"
        path.parent.mkdir(parents=True)
        path.write_text(f"Boligsocial indsats i {town}\n\nI {town} samarbejder kommunen og "
                        f"boligorganisationen om beskæftigelse og trivsel ({i}).\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def _docs(index: Path) -> dict[str, dict]:
    idx = OpenIndex.open(Config(index_dir=index))
    try:
        return {d.doc_id: d.metadata for d in idx.docs.list()}
    finally:
        idx.close()


def test_seven_same_named_files_one_at_a_time_are_seven_documents(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    paths = _readmes(tmp_path / "src")
    for path in paths:
        result = cli("ingest", str(path), "--json", index=index)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["ingested"] == [str(path)]
    docs = _docs(index)
    assert len(docs) == 7 and "readme" in docs
    assert sorted(s for meta in docs.values() for s in meta["sources"]) == sorted(
        p.resolve().as_posix() for p in paths)
    for town in TOWNS:  # each text is findable and cited from its own document
        hits = json.loads(cli("search", f"indsats i {town}", "--json", index=index).stdout)
        assert town in hits[0]["text"]


def test_seven_same_named_files_as_a_folder_and_reingest_keeps_ids(tmp_path: Path) -> None:
    index, src = tmp_path / "idx", tmp_path / "src"
    _readmes(src)
    first = json.loads(cli("ingest", str(src), "--json", index=index).stdout)
    assert len(first["ingested"]) == 7 and first["failed"] == []
    ids = _docs(index)
    again = json.loads(cli("ingest", str(src), "--json", index=index).stdout)
    assert len(again["skipped"]) == 7 and again["ingested"] == again["updated"] == []
    assert _docs(index).keys() == ids.keys()
    # The same files into a new index elsewhere (another machine) get the same ids.
    moved = tmp_path / "andet-sted"
    shutil.copytree(src, moved)
    cli("ingest", str(moved), "--json", index=tmp_path / "idx2")
    assert _docs(tmp_path / "idx2").keys() == ids.keys()


def test_identical_content_at_two_paths_is_one_document_with_two_sources(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    a, b = tmp_path / "a" / "aftale.md", tmp_path / "b" / "kopi.md"
    for path in (a, b):
        path.parent.mkdir()
        path.write_text("Samarbejdsaftale for Gellerup\n\nParterne mødes hvert kvartal.\n",
                        encoding="utf-8")
    report = json.loads(cli("ingest", str(a), str(b), "--json", index=index).stdout)
    assert report["ingested"] == [str(a)]
    assert report["linked"] == [{"path": str(b), "doc_id": "aftale"}]
    docs = _docs(index)
    assert list(docs) == ["aftale"]
    assert docs["aftale"]["sources"] == [a.resolve().as_posix(), b.resolve().as_posix()]
    again = json.loads(cli("ingest", str(b), "--json", index=index).stdout)
    assert again["skipped"] == [str(b)]


def test_changed_file_is_updated_in_place_and_reported(tmp_path: Path) -> None:
    index, src = tmp_path / "idx", tmp_path / "src"
    paths = _readmes(src)
    cli("ingest", str(src), index=index)
    ids = _docs(index)
    changed = paths[3]
    changed.write_text("Ny udgave om Aalborg Øst\n\nHelt ny tekst om fritidsjob.\n",
                       encoding="utf-8")
    result = cli("ingest", str(src), index=index)
    assert result.returncode == 0
    assert "opdateret: 1" in result.stdout and f"OPDATERET {changed}" in result.stdout
    docs = _docs(index)
    assert docs.keys() == ids.keys()  # the id stayed
    owner = next(d for d, m in docs.items() if m["sources"] == [changed.resolve().as_posix()])
    assert ids[owner]["content_hash"] != docs[owner]["content_hash"]
    hits = json.loads(cli("search", "fritidsjob Aalborg Øst", "--json", index=index).stdout)
    assert hits[0]["doc_id"] == owner


def test_changed_copy_leaves_the_shared_document(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    idx = OpenIndex.open(Config(index_dir=index), create=True)
    try:
        a, b = tmp_path / "a" / "notat.md", tmp_path / "b" / "notat.md"
        for path in (a, b):
            path.parent.mkdir()
            path.write_text("Notat om tryghed\n\nTryghedsvandringer i området.\n",
                            encoding="utf-8")
        first = ingest_paths(idx, [a, b])
        assert len(first.ingested) == 1 and len(first.linked) == 1
        b.write_text("Notat om tryghed\n\nNu også om belysning på stierne.\n", encoding="utf-8")
        second = ingest_paths(idx, [a, b])
        assert second.skipped == [str(a)] and second.ingested == [str(b)]
        docs = {d.doc_id: d.metadata["sources"] for d in idx.docs.list()}
        assert docs["notat"] == [a.resolve().as_posix()] and len(docs) == 2
    finally:
        idx.close()
