"""Quote units are embedded at ingest and kept beside the index, so an answer embeds only the
question: a library the process has never read answers without embedding its sentences."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from vidensbank.index.answers import quotes
from vidensbank.index.answers.extractive import answer
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.stores.unit_store import FILE, UnitStore
from vidensbank.index.text.quote_units import units

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

QUESTION = "Hvordan kobler andre til kernedriften?"


def _all_unit_keys(idx: OpenIndex) -> set[tuple]:
    keys = set()
    for page in idx.store.all_chunks(with_vectors=False):
        for point in page:
            p = point.payload
            keys |= {(idx.model_name, p["doc_id"], p["record_hash"], p["start_char"] + a,
                      p["start_char"] + b) for a, b, _ in units(p["text"])}
    return keys


def test_ingest_stores_every_unit_of_every_chunk(corpus_open_index: OpenIndex) -> None:
    keys = _all_unit_keys(corpus_open_index)
    stored = corpus_open_index.units.get_many(keys)
    assert keys and set(stored) == keys
    assert corpus_open_index.units.count() == len(keys)  # nothing else, nothing twice


def test_stored_vectors_are_the_units_own(corpus_open_index: OpenIndex) -> None:
    key = sorted(_all_unit_keys(corpus_open_index))[0]
    doc = corpus_open_index.docs.get(key[1])
    assert doc is not None
    fresh = corpus_open_index.embedder.embed_passages([doc.text[key[3]:key[4]]])[0]
    stored = corpus_open_index.units.get_many([key])[key]
    # The same vector: float16 on disk, and the int8 activations of a batch vary a little with
    # the texts beside it (0.998 seen); another unit's vector lies far below this.
    assert float(stored @ fresh) > 0.995


def test_answer_embeds_no_sentence_when_units_are_stored(
        index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quotes._cache.clear()
    idx = OpenIndex.open(Config(index_dir=index_copy))
    try:
        expected = answer(idx, QUESTION)
        quotes._cache.clear()

        def refuse_to_embed(self: object, texts: list[str]) -> np.ndarray:
            raise AssertionError(f"embedded {len(texts)} sentences at question time")

        monkeypatch.setattr(type(idx.embedder), "embed_passages", refuse_to_embed)
        again = answer(idx, QUESTION)
    finally:
        idx.close()
    assert again.citations and [c.quote for c in again.citations] == \
        [c.quote for c in expected.citations]


def test_index_without_unit_vectors_answers_and_keeps_them(index_copy: Path) -> None:
    """An index built before units were stored: the first answer embeds and keeps them."""
    (index_copy / FILE).unlink()
    quotes._cache.clear()
    idx = OpenIndex.open(Config(index_dir=index_copy))
    try:
        result = answer(idx, QUESTION)
        kept = idx.units.count()
    finally:
        idx.close()
    assert result.citations and kept > 0


def test_new_version_of_a_document_replaces_its_unit_vectors(tmp_path: Path,
                                                              corpus_index: Path) -> None:
    from vidensbank.index.build.pipeline import ingest_paths

    source = next(p for p in sorted((Path(__file__).parent.parent / "corpus").rglob("*.txt")))
    doc_file = tmp_path / "docs" / source.name
    doc_file.parent.mkdir()
    shutil.copy(source, doc_file)
    idx = OpenIndex.open(Config(index_dir=tmp_path / "index"), create=True)
    try:
        assert ingest_paths(idx, [doc_file]).ok
        before = idx.units.count()
        doc_file.write_text(doc_file.read_text(encoding="utf-8") +
                            "\n\nEn ny sætning om beboerne til sidst i artiklen.\n",
                            encoding="utf-8")
        assert ingest_paths(idx, [doc_file]).ok
        versions = {row[0] for row in idx.units.db.execute(
            "SELECT DISTINCT version FROM unit_vectors")}
        after = idx.units.count()
    finally:
        idx.close()
    assert before > 0 and len(versions) == 1 and after >= before


def test_unit_store_survives_a_read_only_disk(tmp_path: Path) -> None:
    store = UnitStore(tmp_path / FILE)
    key = ("m", "d", "v", 0, 10)
    store.put_many([(key, np.ones(4, dtype=np.float32))])
    store.db.execute("PRAGMA query_only = ON")  # every write now fails
    store.put_many([(("m", "d", "v2", 0, 10), np.ones(4, dtype=np.float32))])  # logged only
    assert list(store.get_many([key])) == [key]
    store.close()
