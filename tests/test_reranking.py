"""The reader (index.reranking): one interface, its backends, and what search, quotes and refusal
do with its scores."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from vidensbank.index.answers import refusal
from vidensbank.index.answers.quotes import READ_DEPTH, W_LEXICAL, Candidate, read
from vidensbank.index.config import READER, Config
from vidensbank.index.reranking import base
from vidensbank.index.reranking.reader import MAX_TOKENS, pair_ids
from vidensbank.index.retrieval.search import Hit, rerank

from vidensbank.errors import ConfigError

ANSWER = ("Helhedsplanen samarbejder tæt med jobcentret og skolerne, så beboerne møder "
          "kommunens tilbud i deres eget boligområde.")
NEIGHBOUR = "Boligområdet ligger i den nordlige del af byen og har cirka 700 lejemål."
PENSION = "Folkepensionen udbetales forud den første hverdag i måneden."
QUESTION = "Hvordan samarbejder helhedsplanen med kommunens kernedrift?"


class WordReader:
    """A reader that scores the share of the question's words a passage holds."""

    name = "ord"

    def rerank(self, question: str, passages: Sequence[str]) -> np.ndarray:
        words = set(question.lower().split())
        return np.array([len(words & set(p.lower().split())) - 1.0 for p in passages],
                        dtype=np.float32)


def make_hit(rank: int, text: str, doc_id: str = "d") -> Hit:
    return Hit(rank=rank, score=1.0 / rank, doc_id=doc_id, title="t", source=None,
               doc_type="artikel", text=text, start_char=0, end_char=len(text), page=None,
               section=None, date=None, window_start=0, window_end=len(text), citation="t",
               metadata={})


def test_config_reads_the_reader_from_env_and_flags() -> None:
    assert Config().reranker == "none"
    assert Config.from_env({"VIDENSBANK_RERANKER": READER}).reranker == READER
    assert Config().with_overrides(reranker=READER).reranker == READER
    with pytest.raises(ConfigError, match="reranker"):
        Config(reranker=" ")


def test_none_means_no_reader() -> None:
    assert base.load("none") is None
    assert base.load("NONE") is None


def test_pair_ids_keep_the_question_and_cut_the_passage() -> None:
    from vidensbank.index.embedders.e5_model import load as load_model
    from vidensbank.index.reranking.reader import base_path

    tok = load_model(base_path()).tokenizer
    ids = pair_ids(tok, QUESTION, "ord " * 2000)
    assert len(ids) == MAX_TOKENS
    q = tok.content_ids("query: " + QUESTION)
    assert ids[:len(q) + 3] == [tok.bos, *q, tok.eos, tok.eos]
    assert ids[-1] == tok.eos


def test_search_rerank_orders_hits_by_the_reader_and_numbers_them_anew() -> None:
    hits = [make_hit(1, PENSION), make_hit(2, NEIGHBOUR), make_hit(3, ANSWER)]
    out = rerank(WordReader(), QUESTION, hits)
    assert [h.text for h in out] == [ANSWER, PENSION, NEIGHBOUR]
    assert [h.rank for h in out] == [1, 2, 3]
    assert out[0].score > out[1].score >= out[2].score


def candidate(hit: Hit, score: float) -> Candidate:
    return Candidate(score, hit, hit.start_char, hit.end_char, dense=score, lexical=0.5,
                     own=score)


def test_read_puts_what_the_reader_reads_first_and_keeps_the_rest_after() -> None:
    hits = [make_hit(i + 1, PENSION if i % 2 else NEIGHBOUR, doc_id=f"d{i}")
            for i in range(READ_DEPTH + 3)]
    hits[5] = make_hit(6, ANSWER, doc_id="d5")
    cands = [candidate(h, 1.0 - i / 100) for i, h in enumerate(hits)]
    out = read(WordReader(), QUESTION, cands)
    assert out[0].text == ANSWER and out[0].reader is not None
    assert len(out) == len(cands)
    assert all(c.reader is None for c in out[READ_DEPTH:])
    assert max(c.score for c in out[READ_DEPTH:]) < min(c.score for c in out[:READ_DEPTH])
    assert read(None, QUESTION, cands) is cands


def test_refusal_with_a_reader_weighs_its_score_not_shared_words() -> None:
    hit = make_hit(1, ANSWER)
    english = "How does the housing plan work with the municipality?"
    line = refusal.READER_THRESHOLD

    def cand(dense: float, lexical: float, reader: float | None) -> Candidate:
        return Candidate(0.9, hit, 0, len(ANSWER), dense=dense, lexical=lexical, own=dense,
                         reader=reader)

    # An English question shares no word with the Danish passage: the reader still hears it.
    assert not refusal.refuse([cand(line, 0.0, 2.0)], question=english, hits=[hit])
    # Where the reader reads no answer, close meaning and shared words do not save it.
    near = line - W_LEXICAL  # with every word shared, its evidence reaches the line
    assert not refusal.refuse([cand(near, 1.0, 0.5)], question=QUESTION, hits=[hit])
    assert refusal.refuse([cand(near, 1.0, -3.0)], question=QUESTION, hits=[hit])
    # Without a reader the word sign still refuses a Danish question that shares no word (an
    # English one has a threshold of its own: tests/test_language.py).
    assert refusal.refuse([cand(0.95, 0.0, None)], question=QUESTION, hits=[hit])


@pytest.fixture(scope="module")
def tiny_reader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Weights from the training script itself: one tuned layer, a few groups, one epoch."""
    pytest.importorskip("torch")
    from evals.tuning import train_reader

    folder = tmp_path_factory.mktemp("reader")
    groups = [{"query": QUESTION, "doc_id": f"d{i}", "texts": [ANSWER, PENSION, NEIGHBOUR]}
              for i in range(6)]
    weights = train_reader.train(groups[:4], groups[4:], tuned=1, epochs=1, seed=1, lr=1e-4,
                                 batch_groups=2)
    np.savez(folder / "reader.npz", **weights)
    return folder / "reader.npz"


@pytest.mark.integration
def test_training_reads_as_the_served_graph_runs(tiny_reader: Path) -> None:
    """The torch layers train_reader fine-tunes, fed the bottom states of the int8 graph, give
    the onnxruntime reader's scores: what is trained is what runs."""
    import dataclasses

    import torch
    from vidensbank.index.reranking.reader import DanishReader, base_path

    from evals.tuning.train_reader import bottom_states, scores, torch_layers

    reader = DanishReader.from_files(tiny_reader, base_path())
    data = dict(np.load(tiny_reader))
    depth = int(data["depth"])
    assert f"l{depth - 1}.q.w" in data and f"l{depth - 2}.q.w" not in data  # one tuned layer
    model = reader.model
    passages = [PENSION, ANSWER, NEIGHBOUR]
    seqs = [pair_ids(model.tokenizer, QUESTION, p) for p in passages]
    bottom = bottom_states(dataclasses.replace(model, layers=depth - 1), seqs, threads=1)
    layers = torch_layers(model, depth - 1, 1)  # the tuned float32 weights
    head = torch.nn.Linear(model.hidden, 1)
    head.weight.data = torch.from_numpy(data["head.w"].astype(np.float32)).reshape(1, -1)
    head.bias.data = torch.tensor([float(data["head.b"])])
    with torch.no_grad():
        trained = scores(layers, head, bottom).numpy()
    served = reader.rerank(QUESTION, passages)
    assert served.shape == (3,) and served.dtype == np.float32
    assert np.allclose(trained, served, atol=0.05), (trained, served)
    assert reader.rerank(QUESTION, []).shape == (0,)


def test_missing_reader_weights_are_a_danish_error(tmp_path: Path) -> None:
    from vidensbank.index.reranking.reader import DanishReader, base_path

    with pytest.raises(ConfigError, match="læserens vægte findes ikke"):
        DanishReader.from_files(tmp_path / "reader.npz", base_path())


@pytest.mark.integration
def test_a_cross_encoder_from_a_folder_serves_as_the_reader(tmp_path: Path) -> None:
    st = pytest.importorskip("sentence_transformers")
    from vidensbank.index.embedders.st_model import resolve_model

    _, minilm = resolve_model("all-minilm-l6-v2")  # a packaged model: no download
    folder = tmp_path / "cross"
    st.CrossEncoder(str(minilm), num_labels=1, device="cpu").save(str(folder))
    reader = base.load(str(folder))
    assert reader is not None and reader.name == str(folder)
    direct = st.CrossEncoder(str(folder), device="cpu").predict([(QUESTION, ANSWER),
                                                                  (QUESTION, PENSION)])
    assert np.allclose(reader.rerank(QUESTION, [ANSWER, PENSION]), direct, atol=1e-5)


def test_an_unknown_cross_encoder_is_a_danish_error() -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(ConfigError, match="kunne ikke indlæses"):
        base.load("ingen-saadan/model-findes")


def test_window_negatives_are_cut_to_a_positive_windows_length() -> None:
    """A matched window can be a whole chunk; the miner cuts it to whole sentences of at most a
    window's length, from a sentence drawn at random, so length cannot tell answers apart."""
    import random

    from evals.tuning.reader_pairs import WINDOW_CHARS, window_piece

    sentences = [f"Sætning nummer {i} handler om beboerne i afdeling {i}." for i in range(40)]
    chunk = " ".join(sentences)
    rng = random.Random(3)
    pieces = [window_piece(chunk, rng) for _ in range(30)]
    assert all(len(p) <= WINDOW_CHARS for p in pieces)
    assert all(p.endswith(".") and p[0].isupper() for p in pieces)  # whole sentences
    assert all(p in chunk for p in pieces)
    assert len({p.split()[2] for p in pieces}) > 5  # not always the chunk's opening
    assert window_piece(sentences[0], rng) == sentences[0]
