"""Chunks are exact slices of the document text, also where passages repeat."""

from __future__ import annotations

import pytest
from llama_index.core.schema import Document
from vidensbank.index.text.chunking import DanishChunker, chunk_document, paragraph_spans
from vidensbank.index.text.sentences import sentence_spans
from vidensbank.ingest import schema
from vidensbank.ingest.layout import label_at

REPEATED = "§ 3 Opfølgning\n\nParterne mødes hvert kvartal og følger op på målene.\n\n" * 25


def _doc(text: str, **meta) -> Document:
    return schema.make_document(text, doc_id="t", title="Test", doc_type="andet", extra=meta)


@pytest.mark.parametrize("budget,minimum", [(120, 30), (300, 100), (900, 200)])
def test_repeated_passages_keep_their_own_offsets(budget: int, minimum: int) -> None:
    doc = _doc(REPEATED)
    nodes = DanishChunker(chunk_size=budget, chunk_min=minimum).get_nodes_from_documents([doc])
    assert len(nodes) > 1
    starts = [n.start_char_idx for n in nodes]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for node in nodes:
        assert REPEATED[node.start_char_idx:node.end_char_idx] == node.get_content()


def test_chunks_cover_every_paragraph_of_a_seed(corpus_open_index) -> None:
    doc = corpus_open_index.docs.get("lbf-varde-fleksibilitet-og-koordination")
    assert doc is not None
    nodes = chunk_document(Document(id_=doc.doc_id, text=doc.text, metadata={}))
    covered = "".join(doc.text[n.start_char_idx:n.end_char_idx] for n in nodes)
    assert "".join(doc.text.split()) == "".join(covered.split())
    assert all(len(n.text) <= 900 * 1.5 for n in nodes)


def test_long_paragraph_is_split_between_sentences() -> None:
    sentence = "Den boligsociale medarbejder hjælper unge i Vollsmose med lektier og job. "
    text = sentence * 40
    nodes = chunk_document(_doc(text), budget=300, minimum=50)
    assert len(nodes) > 5
    for node in nodes:
        assert node.text.endswith("job.")
        assert text[node.start_char_idx:node.end_char_idx] == node.text


def test_chunks_do_not_cross_sections_and_carry_page_and_section() -> None:
    text = "Indledning\n\nFørste afsnit om Ærø.\n\nSamarbejde\n\nAndet afsnit om Ålborg.\n\n"
    second = text.index("Samarbejde")
    doc = _doc(text, page_spans=[[0, "1"], [second, "2"]],
               section_spans=[[0, "1 Indledning"], [second, "2 Samarbejde"]])
    nodes = chunk_document(doc, budget=500, minimum=10)
    assert [(n.metadata["page"], n.metadata["section"]) for n in nodes] == [
        ("1", "1 Indledning"), ("2", "2 Samarbejde")]
    assert "page_spans" not in nodes[0].metadata


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Han kom kl. 10 til mødet. Det gik godt.", ["Han kom kl. 10 til mødet.", "Det gik godt."]),
        ("Fonden giver 11 mio. kr. Det er bl.a. til job.",
         ["Fonden giver 11 mio. kr.", "Det er bl.a. til job."]),
        ("”Vi kan kun lykkes i fællesskab.” Sådan sagde han.",
         ["”Vi kan kun lykkes i fællesskab.”", "Sådan sagde han."]),
        ("Overskrift\nTekst her. Mere tekst!", ["Overskrift", "Tekst her.", "Mere tekst!"]),
        ("Hvordan kobler I til kernedriften?\n”For eksempel med jobcentret.",
         ["Hvordan kobler I til kernedriften?", "”For eksempel med jobcentret."]),
    ],
)
def test_danish_sentence_spans(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_paragraphs_and_labels() -> None:
    text = "Et.\n\n\nTo\nlinjer.\n\nTre."
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["Et.", "To\nlinjer.", "Tre."]
    assert label_at([[0, "i"], [10, "1"]], 9) == "i"
    assert label_at([[0, "i"], [10, "1"]], 10) == "1"
    assert label_at([], 3) is None
