"""Answers a project leader can use: whole sentences, grouped by place, no answer to nonsense,
and the comparison across places (`vidensbank compare`), through the CLI on the real corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import cli
from vidensbank.index.answers import refusal
from vidensbank.index.answers.quotes import Candidate
from vidensbank.index.answers.selection import join_neighbours, select
from vidensbank.index.retrieval.search import Hit
from vidensbank.index.text.fragments import fragment_reason
from vidensbank.index.text.quote_units import units

KERNEDRIFT = "hvordan kobler andre til kernedriften?"
ONE_ARTICLE = "Hvad hedder boligområdet i Silkeborg, hvor kommunen roser samspillet?"
OFFTOPIC = ("Hvad er opskriften på en god lagkage?", "asdfgh qwerty",
            "Hvem vandt VM i fodbold for herrer i 2022?")

def test_units_are_whole_sentences() -> None:
    text = ("Samarbejde\n"
            "Hun fortsætter:\n”Vi mødes hver uge. Det virker.”\n"
            "Det er en god idé at spørge beboerne først, siger hun.\n"
            "Læs mere her:\n")
    found = [text[a:b] for a, b, _ in units(text)]
    assert "Samarbejde" not in found  # a heading is never a quote
    assert "Hun fortsætter:\n”Vi mødes hver uge. Det virker.”" in found  # lead-in joined
    assert all(fragment_reason(u) is None for u in found), found
    assert not any(u.endswith(":") for u in found)

def test_a_unit_bared_of_its_quotation_mark_has_no_space_at_either_end() -> None:
    # A quotation mark, then a space: as sloppy typing (or a passage cut there) leaves it.
    text = ("” Man drifter organisationen på en hel anden måde end i privat udlejning. En "
            "arbejdsmarkedafdeling, som kører på en måde, en familieafdeling, der kører på en "
            "anden måde, en landsbyggefond, som vil noget tredje. Når det gælder børn og "
            "familier, er målet at styrke den tidlige og forebyggende indsats. Boligforeningen "
            "og kommunen mødes hver måned for at følge op på aftalen og justere indsatserne. "
            "Beboerne inddrages gennem afdelingsbestyrelsen og de åbne beboermøder om året. "
            "Sekretariatet skriver hvert år en status til styregruppen.")
    # Over MAX_QUOTE_CHARS with its unclosed mark: its sentences stand alone, the first bared.
    found = units(text)
    assert found
    for a, b, _ in found:
        assert text[a:b] == text[a:b].strip(), repr(text[a:b])
    assert text[found[0][0]:].startswith("Man drifter")

def test_quotation_tail_is_not_a_quote() -> None:
    text = "hvor vi gør det sammen.” Sådan siger hun om arbejdet i området hver dag."
    found = [text[a:b] for a, b, _ in units(text)]
    assert found == ["Sådan siger hun om arbejdet i området hver dag."]

def test_long_quotation_is_quoted_by_its_inner_sentences() -> None:
    inner = [f"Vi har i år {n} mødt mange beboere, som har brug for hjælp til job og uddannelse."
             for n in range(2, 9)]
    text = "Hvad har ændret sig?\n”Arbejdet har ændret sig markant. " + " ".join(inner) + \
        " Det er det vigtigste.”\nSådan siger hun om arbejdet i området hver dag."
    found = [text[a:b] for a, b, _ in units(text)]
    assert inner[0] in found and inner[-1] in found  # a reply too long to quote whole
    assert all(fragment_reason(u) is None for u in found if not u.endswith("?")), found

@pytest.mark.parametrize("quote", [
    "Lene Krogh Jeppesen mener, at indsatserne er med til at styrke den kommunale kernedrift:",
    "”For eksempel med det fremskudte jobcenter i Sønderborg kommune.",
    "Samarbejde med kommunen"])
def test_fragments_are_named(quote: str) -> None:
    assert fragment_reason(quote)

def show_text(index: Path, doc_id: str) -> str:
    out = cli("show", doc_id, "--json", index=index)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["text"]

def test_ask_quotes_whole_sentences_grouped_by_place(corpus_index: Path) -> None:
    out = cli("ask", KERNEDRIFT, "--json", index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert not result["refused"] and result["citations"]
    for c in result["citations"]:
        assert show_text(corpus_index, c["doc_id"])[c["start_char"]:c["end_char"]] == c["quote"]
        assert fragment_reason(c["quote"]) is None, c["quote"]
    text = cli("ask", KERNEDRIFT, index=corpus_index).stdout
    # One heading per document, naming its place: "Sønderborg – Den boligsociale ...:".
    headings = [line for line in text.splitlines() if line.endswith(":") and " – " in line]
    assert len(headings) == len({c["doc_id"] for c in result["citations"]})
    assert any(h.startswith("Sønderborg – ") for h in headings), text
    # A question about how *others* do it hears every article that speaks of kernedriften.
    assert len(headings) >= 2, text
    # ... and no sentence for holding the word "andre" ("siger Brihan Khalil, som ligeledes har
    # benyttet andre tilbud"): it names who is asked about, not what.
    assert not any(re.search(r"\bandre\b", c["quote"]) and "kernedrift" not in c["quote"]
                   for c in result["citations"]), result["citations"]
    # The reply to "Hvordan kobler I til kernedriften?" is quoted whole, not cut after its first
    # sentence ("For eksempel med det fremskudte jobcenter i Sønderborg kommune.").
    assert any(c["quote"].startswith("For eksempel med det fremskudte jobcenter i Sønderborg "
                                     "kommune. De er i boligområdet") for c in result["citations"])

@pytest.mark.parametrize("question", OFFTOPIC)
def test_offtopic_question_is_refused_but_search_lists_hits(corpus_index: Path,
                                                            question: str) -> None:
    out = cli("ask", question, "--json", index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["refused"] and not result["citations"]
    assert "ikke noget svar" in result["answer"]
    hits = json.loads(cli("search", question, "--json", index=corpus_index).stdout)
    assert hits, "search ranks; it does not refuse"

def test_compare_gives_a_row_per_place(corpus_index: Path) -> None:
    out = cli("compare", KERNEDRIFT, "--json", index=corpus_index)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    rows = result["rows"]
    assert len({r["place"] for r in rows}) >= 2, rows
    quotes = [q["quote"] for r in rows for q in r["quotes"]]
    # Rows for sentences holding "andre" ("Dagens program bød på andre oplæg") said nothing
    # about kernedriften: the word names who is asked about, not what.
    assert not any(re.search(r"\bandre\b", q) and "kernedrift" not in q for q in quotes), quotes
    numbers = [q["n"] for r in rows for q in r["quotes"]]
    assert numbers == list(range(1, len(numbers) + 1))
    for r in rows:
        assert set(r) >= {"place", "kommune", "boligomraade", "doc_id", "title", "quotes"}
        assert r["place"] in (r["kommune"], r["boligomraade"])
        text = show_text(corpus_index, r["doc_id"])
        for q in r["quotes"]:
            assert text[q["start_char"]:q["end_char"]] == q["quote"]
            # The quote names the place, or the document is about it (names it at least twice).
            assert r["place"] in q["quote"] or text.count(r["place"]) >= 2, (r["place"], q)
    table = cli("compare", KERNEDRIFT, index=corpus_index).stdout
    assert all(r["place"] in table for r in rows)


def test_compare_quotes_what_ask_quotes_from_each_document(corpus_index: Path) -> None:
    """The comparison and the answer agree: each row opens with a sentence the answer quotes
    from that document (Sønderborg: the reply to "Hvordan kobler I til kernedriften?", not the
    article's introduction)."""
    asked = json.loads(cli("ask", KERNEDRIFT, "--json", index=corpus_index).stdout)
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in asked["citations"]:
        spans.setdefault(c["doc_id"], []).append((c["start_char"], c["end_char"]))
    rows = json.loads(cli("compare", KERNEDRIFT, "--json", index=corpus_index).stdout)["rows"]
    shared = [r for r in rows if r["doc_id"] in spans]
    assert len(shared) >= 2, (rows, spans)
    for r in shared:
        first = r["quotes"][0]
        assert any(a < first["end_char"] and first["start_char"] < b
                   for a, b in spans[r["doc_id"]]), (r["place"], first["quote"], spans)
    (sonderborg,) = [r for r in rows if r["place"] == "Sønderborg"]
    assert "fremskudte jobcenter" in sonderborg["quotes"][0]["quote"]

def test_who_a_question_asks_about_is_not_what_it_asks(corpus_open_index) -> None:
    """Quotes are scored on the question's terms, without "andre"/"andres"."""
    from vidensbank.index.answers.quotes import term_weights
    from vidensbank.index.open_index import sparse_query
    from vidensbank.index.retrieval.search import search

    hits = search(corpus_open_index, KERNEDRIFT, top_k=8)
    weights = term_weights(corpus_open_index, KERNEDRIFT, hits)
    (andre,) = sparse_query(corpus_open_index.bm25, "andre").indices
    (kernedrift,) = sparse_query(corpus_open_index.bm25, "kernedriften").indices
    assert andre not in weights and kernedrift in weights


def test_compare_says_plainly_when_one_place_answers(corpus_index: Path) -> None:
    result = json.loads(cli("compare", ONE_ARTICLE, "--json", index=corpus_index).stdout)
    assert len(result["rows"]) == 1, result["rows"]
    assert result["rows"][0]["doc_id"] == "lbf-silkeborg-borgmester-roser-samspil"
    assert "Kun ét sted" in result["note"]
    text = cli("compare", ONE_ARTICLE, index=corpus_index).stdout
    assert "Kun ét sted" in text

def test_compare_refuses_nonsense(corpus_index: Path) -> None:
    out = cli("compare", "asdfgh qwerty", index=corpus_index)
    assert out.returncode == 0 and "Ingen steder" in out.stdout

# Places no corpus article is about (Holstebro: a kommune; Tingbjerg: a boligområde). The nearest
# passages speak of helhedsplaner and kommuner elsewhere, closely enough in meaning to be quoted.
PLACE_NOT_IN_LIBRARY = ("Hvordan samarbejder helhedsplanen og kommunen i Holstebro?",
                        "Hvilke aktiviteter har helhedsplanen i Tingbjerg?")

@pytest.mark.parametrize("question", PLACE_NOT_IN_LIBRARY)
def test_question_about_a_place_not_in_the_library_is_refused(corpus_index: Path,
                                                              question: str) -> None:
    result = json.loads(cli("ask", question, "--json", index=corpus_index).stdout)
    assert result["refused"] and not result["citations"], result["answer"]
    compared = json.loads(cli("compare", question, "--json", index=corpus_index).stdout)
    assert compared["refused"] and not compared["rows"]

def test_same_question_about_a_place_in_the_library_is_answered(corpus_index: Path) -> None:
    question = "Hvordan samarbejder helhedsplanen og kommunen i Varde?"
    result = json.loads(cli("ask", question, "--json", index=corpus_index).stdout)
    assert not result["refused"]
    assert any(c["doc_id"] == "lbf-varde-fleksibilitet-og-koordination"
               for c in result["citations"])
    rows = json.loads(cli("compare", question, "--json", index=corpus_index).stdout)["rows"]
    assert rows and all("Varde" in (r["place"], r["kommune"]) for r in rows), rows


def _candidate(doc_id: str, own: float) -> Candidate:
    hit = Hit(1, 1.0, doc_id, doc_id, None, "artikel", "x", 0, 1, None, None, None, 0, 1, "",
              {})
    return Candidate(own, hit, 0, 1, own, 0.0, own)


def test_a_question_about_others_hears_three_documents_where_three_answer() -> None:
    """The example question must not depend on a near-tie: documents above the refusal
    threshold are heard however far they lie behind the first, and none below it is."""
    strong = refusal.THRESHOLD + 0.1
    cands = [_candidate("a", strong + 0.2), _candidate("a", strong + 0.15),
             _candidate("b", strong), _candidate("c", strong - 0.05),
             _candidate("d", refusal.THRESHOLD - 0.01)]
    docs = [c.hit.doc_id for c in select(cands, limit=3, margin=0.04)]
    assert docs == ["a", "a", "b"]  # the margin alone: the best document first and most
    docs = [c.hit.doc_id for c in select(cands, limit=3, margin=0.04, min_docs=3)]
    assert sorted(docs) == ["a", "b", "c"]
    docs = [c.hit.doc_id for c in select(cands, limit=4, margin=0.04, min_docs=4)]
    assert "d" not in docs  # under the threshold: never padded in

REPLY = ("Hvordan kobler I til kernedriften?\n”For eksempel med det fremskudte jobcenter. De er i "
         "boligområdet, så beboerne kan møde jobcentret der, hvor de er.”\n\nNyt afsnit om "
         "skolen, som har sin egen historie at fortælle.")


def _unit(hit: Hit, sentence: str, score: float) -> Candidate:
    start = hit.text.index(sentence)
    return Candidate(score, hit, start, start + len(sentence), score, 0.0, score)


def test_neighbouring_sentences_are_quoted_as_one_and_free_a_place() -> None:
    hit = Hit(1, 1.0, "a", "a", None, "artikel", REPLY, 0, len(REPLY), None, None, None, 0,
              len(REPLY), "", {})
    first = _unit(hit, "For eksempel med det fremskudte jobcenter.", 0.9)
    second = _unit(hit, "De er i boligområdet, så beboerne kan møde jobcentret der, hvor de er.",
                   0.8)
    other = _unit(hit, "Nyt afsnit om skolen, som har sin egen historie at fortælle.", 0.7)
    chosen = join_neighbours([first, second], [first, second, other], limit=2)
    quotes = [REPLY[c.start:c.end] for c in chosen]
    assert quotes[0] == ("For eksempel med det fremskudte jobcenter. De er i boligområdet, så "
                         "beboerne kan møde jobcentret der, hvor de er.")
    assert quotes[1:] == [REPLY[other.start:other.end]]  # the freed place goes to the next best
    # A paragraph break between them: two quotes, as chosen.
    assert join_neighbours([second, other], [second, other], limit=2) == [second, other]


HOUSE_RULES = {
    "afdeling-nord.txt": "I afdeling Nord må beboerne grille på altanen med en elgrill, men "
                         "kulgrill er ikke tilladt på altaner og terrasser.",
    "afdeling-syd.txt": "I afdeling Syd er al grillning på altanen forbudt, også med elgrill, "
                        "fordi røgen generer naboerne ovenover.",
}


def test_two_documents_with_one_title_get_headings_that_tell_them_apart(tmp_path: Path) -> None:
    folder = tmp_path / "husorden"
    folder.mkdir()
    for name, rule in HOUSE_RULES.items():
        (folder / name).write_text(f"Husorden for afdelingen\n\n{rule}\n", encoding="utf-8")
    index = tmp_path / "idx"
    assert cli("ingest", str(folder), index=index).returncode == 0
    out = cli("ask", "Må man grille på altanen?", index=index)
    assert out.returncode == 0, out.stderr
    headings = [line for line in out.stdout.splitlines()
                if line.startswith("Husorden for afdelingen") and line.endswith(":")]
    assert sorted(headings) == ["Husorden for afdelingen (afdeling-nord):",
                                "Husorden for afdelingen (afdeling-syd):"], out.stdout
