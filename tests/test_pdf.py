"""PDF reports: a fictional VIVE-style report, the Danish text repairs and broken input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures.make_report import (
    HYPHEN_BREAKS,
    QUOTES,
    ReportFacts,
    make_encrypted_pdf,
    make_image_pdf,
    make_report,
    make_truncated_pdf,
)
from hypothesis import given
from hypothesis import strategies as st
from llama_index.core.schema import Document
from pypdf import PageObject
from pypdf.errors import DependencyError
from vidensbank.ingest import schema
from vidensbank.ingest.layout import label_at
from vidensbank.ingest.pdf import parse_pdf, read_pdf
from vidensbank.ingest.pdf_pages import page_labels
from vidensbank.ingest.pdf_text import (
    Block,
    check_outline,
    clean_line,
    follows,
    is_heading,
    join_lines,
    paragraphs,
)
from vidensbank.ingest.readers import read_path
from vidensbank.ingest.report_meta import extract_report_meta, find_isbn, find_publisher

from vidensbank.errors import IngestError


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ReportFacts:
    return make_report(tmp_path_factory.mktemp("rapport") / "fiktiv-rapport.pdf")


@pytest.fixture(scope="module")
def doc(facts: ReportFacts) -> Document:
    return read_pdf(facts["path"], "fiktiv-rapport")


# --- the fictional report -------------------------------------------------------------------


@pytest.mark.parametrize("quote, page, section", QUOTES, ids=[q[1] for q in QUOTES])
def test_quote_lies_on_its_printed_page_and_in_its_section(
    doc: Document, quote: str, page: str, section: str
) -> None:
    quote = quote.replace("~", "")  # a possible hyphenation point, repaired in the text
    start = doc.text.find(quote)
    assert start >= 0, quote
    end = start + len(quote)
    assert label_at(doc.metadata[schema.PAGE_SPANS], start) == page
    assert label_at(doc.metadata[schema.PAGE_SPANS], end - 1) == page
    assert label_at(doc.metadata[schema.SECTION_SPANS], start) == section


def test_page_labels_are_the_printed_ones(doc: Document, facts: ReportFacts) -> None:
    spans = doc.metadata[schema.PAGE_SPANS]
    assert [label for _, label in spans] == facts["page_labels"]
    starts = [start for start, _ in spans]
    assert starts == sorted(set(starts)) and starts[0] == 0


def test_paragraph_over_a_page_break_is_joined(doc: Document) -> None:
    start = doc.text.index("kom de udsatte familier til gode")
    assert label_at(doc.metadata[schema.PAGE_SPANS], start) == "9"
    assert label_at(doc.metadata[schema.PAGE_SPANS], start + len("kom de ud")) == "10"


@pytest.mark.parametrize("written, repaired", HYPHEN_BREAKS, ids=[w for _, w in HYPHEN_BREAKS])
def test_line_end_hyphens_repaired_or_kept(doc: Document, written: str, repaired: str) -> None:
    assert repaired in doc.text
    head, tail = written.replace("\u00ad", "-").split("|")
    broken = {f"{head}\n{tail}", f"{head} {tail}", f"{head.rstrip('-')} {tail}"} - {repaired}
    assert not [form for form in broken if form in doc.text]


def test_lines_are_joined_into_paragraphs(doc: Document) -> None:
    assert "\n" not in doc.text.replace("\n\n", "")
    assert "\u00ad" not in doc.text and "  " not in doc.text


def test_running_header_and_page_numbers_are_gone(doc: Document, facts: ReportFacts) -> None:
    assert facts["header"] not in doc.text
    assert not re.search(r"(?m)^(?:\d{1,3}|[ivx]{1,5})$", doc.text)


def test_table_of_contents_is_gone(doc: Document, facts: ReportFacts) -> None:
    assert "Indhold\n" not in doc.text and "....." not in doc.text
    assert not [entry for entry in facts["toc_entries"] if entry in doc.text]


def test_headings_become_section_spans(doc: Document, facts: ReportFacts) -> None:
    spans = doc.metadata[schema.SECTION_SPANS]
    assert [label for _, label in spans] == facts["headings"]
    for start, label in spans:
        assert doc.text[start:start + len(label)] == label


def test_report_metadata(doc: Document, facts: ReportFacts) -> None:
    meta = doc.metadata
    assert meta[schema.TITLE] == facts["title"]
    assert meta["subtitle"] == facts["subtitle"]
    assert meta[schema.AUTHORS] == facts["authors"]
    assert meta[schema.SOURCE] == meta["publisher"] == facts["publisher"]
    assert meta[schema.YEAR] == facts["year"]
    assert meta["isbn"] == facts["isbn"]
    assert meta[schema.DOC_TYPE] == schema.RAPPORT
    assert meta[schema.PATH] == str(facts["path"])
    assert meta[schema.CONTENT_HASH] == schema.content_hash(doc.text)
    assert set(schema.REQUIRED_KEYS) <= set(meta)


def test_read_path_and_parse_pdf_agree(doc: Document, facts: ReportFacts) -> None:
    via_readers = read_path(facts["path"])
    assert via_readers.id_ == "fiktiv-rapport"
    assert via_readers.text == doc.text
    url = "https://example.org/fiktiv-rapport.pdf"
    fetched = parse_pdf(facts["path"].read_bytes(), doc_id="fiktiv-rapport", url=url)
    assert fetched.text == doc.text
    assert fetched.metadata[schema.URL] == url and fetched.metadata[schema.PATH] is None


# --- broken input ---------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# (id, builder(folder, report), words the reason must contain)
BROKEN = [
    ("afkortet", lambda d, src: make_truncated_pdf(d / "afkortet.pdf", src), "afkortet"),
    ("krypteret", lambda d, src: make_encrypted_pdf(d / "krypteret.pdf"), "krypteret"),
    ("skannet", lambda d, src: make_image_pdf(d / "skannet.pdf"), "intet tekstlag (skannet?)"),
    ("ikke-pdf", lambda d, src: _write(d / "tekst.pdf", b"Fiktiv tekst"), "ikke en PDF"),
    ("tom", lambda d, src: _write(d / "tom.pdf", b""), "tom"),
    ("beskadiget", lambda d, src: _write(d / "rod.pdf", b"%PDF-1.4\nrod\n%%EOF\n"), "beskadiget"),
]


@pytest.mark.parametrize("make, reason", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_pdfs_fail_with_a_clear_reason(
    tmp_path: Path, facts: ReportFacts, make, reason: str
) -> None:
    path = make(tmp_path, facts["path"])
    with pytest.raises(IngestError) as info:
        read_pdf(path, "x")
    assert reason in info.value.reason
    assert info.value.source == str(path)


def test_aes_without_crypto_package_is_a_clear_error(
    facts: ReportFacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def needs_crypto(*args: object, **kwargs: object) -> str:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PageObject, "extract_text", needs_crypto)
    with pytest.raises(IngestError, match="cryptography"):
        read_pdf(facts["path"], "x")


# --- text repair helpers --------------------------------------------------------------------


@pytest.mark.parametrize("left, right, joined", [
    ("de ud-", "satte familier", "de udsatte familier"),
    ("det gode sam-", "arbejde", "det gode samarbejde"),
    ("et skole-hjem-", "samarbejde", "et skole-hjem-samarbejde"),
    ("perioden 2015-", "18", "perioden 2015-18"),
    ("perioden 2015–", "18", "perioden 2015–18"),
    ("i Lærkeparken-", "Øst", "i Lærkeparken-Øst"),
    ("FN-", "konventionen", "FN-konventionen"),
    ("en bolig-", "og beskæftigelsesindsats", "en bolig- og beskæftigelsesindsats"),
    ("beboer\u00ad", "rådgiveren", "beboerrådgiveren"),
    ("tiden -", "og pengene", "tiden - og pengene"),
    ("www.vive.dk/", "rapporter", "www.vive.dk/rapporter"),
    ("en almindelig", "linje", "en almindelig linje"),
])
def test_join_lines(left: str, right: str, joined: str) -> None:
    kept, sep = join_lines(left, right)
    assert kept + sep + right == joined


@pytest.mark.parametrize("raw, clean", [
    ("\ufb01nansieret af \ufb02ere", "finansieret af flere"),
    ("o\ufb00entlig e\ufb00ekt, e\ufb03cient, a\ufb04", "offentlig effekt, efficient, affl"),
    ("bo\u00adlig\u00adområde", "boligområde"),
    ("boligomra\u030ade", "boligområde"),  # decomposed å -> NFC
    ("Ba\u02daring og \u02daAbyen", "Båring og Åbyen"),  # LaTeX-style separate ring
    ("  to\u00a0 mellemrum\u200b ", "to mellemrum"),
    ("ud\u2010", "ud-"),  # Unicode hyphen from a layout program
    ("beboer\u00ad", "beboer\u00ad"),  # the break at the line end is kept for join_lines
])
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize("line, prev, heading", [
    ("3 Samarbejde med kommunen", None, True),
    ("3.2 Fremskudt jobcenter", "Det var en kort linje.", True),
    ("Kapitel 3 Metode og data", None, True),
    ("Sammenfatning", None, True),
    ("12 beboere deltog i interviewene", None, False),
    ("2015 Evalueringen begyndte", None, False),
    ("3 Samarbejde med kommunen ........ 7", None, False),
    ("2 Kommuner i alt 45", None, False),
    ("3 Kommuner deltog.", None, False),
    ("3 Kommuner deltog i styregruppen", "og i alt deltog repræsentanter fra hele " * 2, False),
])
def test_is_heading(line: str, prev: str | None, heading: bool) -> None:
    assert is_heading(line, prev, width=80) is heading


def test_paragraphs_break_where_lines_stop_short() -> None:
    lines = [
        "Kapitel 2", "Metode og data", "2.1 En lang underoverskrift om data og metode i rapporten",
        "Evalueringen bygger på interview med beboere, medarbejdere og ledere i kommunen.",
        "Hertil kommer registerdata om beskæftigelse og uddannelse blandt alle beboere",
        "i området. Det er en kort linje.",
        "En ny paragraf begynder her, fordi linjen ovenfor sluttede langt fra margenen, den",
        "12. maj 2021. Listen har to punkter:",
        "\uf0b7 et punkt i en liste",
        "- et punkt mere",
    ]
    assert paragraphs([clean_line(line) for line in lines], width=82) == [
        Block("Kapitel 2 Metode og data", heading=True),
        Block(lines[2], heading=True),
        Block(" ".join(lines[3:6])),
        Block(" ".join(lines[6:8])),
        Block("• et punkt i en liste"),
        Block("- et punkt mere"),
    ]


@pytest.mark.parametrize("prev, number, fits", [
    ((3,), (3, 1), True),
    ((3, 1), (3, 2), True),
    ((3, 2), (4,), True),
    ((3, 2), (4, 1), True),
    ((3, 2), (5,), True),  # one chapter heading was missed
    ((3,), (3,), True),  # a chapter title repeated
    ((3,), (12,), False),  # a footnote
    ((3, 2), (3,), False),
    ((3,), (3, 5), False),
    ((3,), (4, 3), False),
])
def test_follows(prev: tuple[int, ...], number: tuple[int, ...], fits: bool) -> None:
    assert follows(prev, number) is fits


def test_check_outline_demotes_footnotes_and_restarts_for_annexes() -> None:
    pages = [
        [Block("1 Indledning", True), Block("Tekst.")],
        [Block("2 Metode", True), Block("14 Kilde: Danmarks Statistik", True)],
        [Block("Bilag 1 Interviewguide", True), Block("1 Indledende spørgsmål", True)],
    ]
    checked = check_outline(pages)
    assert checked[1][1] == Block("14 Kilde: Danmarks Statistik")
    assert [b.heading for page in checked for b in page] == [True, False, True, False, True, True]


_words = st.text(alphabet="abcæøåABCÆØÅ-\u00ad", min_size=1, max_size=12)


@given(st.lists(st.lists(_words, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=8))
def test_paragraphs_never_lose_letters(lines: list[str]) -> None:
    lines = [clean_line(line) for line in lines]
    text = " ".join(block.text for block in paragraphs(lines, width=40))
    letters = re.compile(r"[^a-zæøå]", re.IGNORECASE)
    assert letters.sub("", text) == letters.sub("", "".join(lines))


# --- page labels and metadata on their own --------------------------------------------------


def _page(number: str | None) -> list[str]:
    return ["Brødtekst på siden, som ikke er et sidetal."] + ([number] if number else [])


@pytest.mark.parametrize("printed, defined, expected", [
    # Cover and colophon before "iii" are i and ii; a chapter opener between 1 and 3 is 2.
    ([None, None, "iii", "iv", "1", None, "3"], None,
     ["i", "ii", "iii", "iv", "1", "2", "3"]),
    # A year in every footer does not advance with the pages: not a page number.
    (["2021"] * 4, None, ["1", "2", "3", "4"]),
    # The PDF's own labels fill the gaps when they agree with what is printed.
    ([None, "2", "3"], ["Forside", "2", "3"], ["Forside", "2", "3"]),
    ([None, "8", "9"], ["A", "B", "C"], ["7", "8", "9"]),
])
def test_page_labels(
    printed: list[str | None], defined: list[str] | None, expected: list[str]
) -> None:
    labels, _ = page_labels([_page(n) for n in printed], set(), defined)
    assert labels == expected


def test_labelled_colophon_fields_win() -> None:
    colophon = [
        "Titel: Boligsocial indsats i en fiktiv by", "Undertitel: Et testeksempel",
        "Forfattere: Anna Fiktivsen og Bo Testesen", "Udgiver: BUILD, Aalborg Universitet",
        "Udgivelsesår: 2019", "ISBN 978-87-563-0000-0",
        "Udgivelsen er finansieret af Landsbyggefonden.",
    ]
    meta = extract_report_meta([["RAPPORT", "Noget andet på forsiden"], colophon])
    assert (meta.title, meta.subtitle) == ("Boligsocial indsats i en fiktiv by", "Et testeksempel")
    assert meta.authors == ("Anna Fiktivsen", "Bo Testesen")
    assert (meta.publisher, meta.year, meta.isbn) == ("BUILD", 2019, "978-87-563-0000-0")


@pytest.mark.parametrize("lines, publisher", [
    (["Projektet er finansieret af Landsbyggefonden.", "© Rambøll Management, 2020"], "Rambøll"),
    (["Udgivet af Center for Boligsocial Udvikling (CFBU)"], "CFBU"),
    (["Finansieret af Landsbyggefonden"], "Landsbyggefonden"),
    (["En rapport uden udgiver"], None),
])
def test_find_publisher(lines: list[str], publisher: str | None) -> None:
    assert find_publisher(lines) == publisher


def test_find_isbn_needs_a_whole_number() -> None:
    assert find_isbn(["ISBN: 978-87-7582-999-6 (pdf)"]) == "978-87-7582-999-6"
    assert find_isbn(["e-ISBN 87-7582-999-1"]) == "87-7582-999-1"
    assert find_isbn(["ISBN: 978-87"]) is None


def test_cover_title_from_a_single_line_with_colon() -> None:
    meta = extract_report_meta([["Tryghed i fiktive Lærkeparken: En testrapport", "2020"]])
    assert (meta.title, meta.subtitle, meta.year) == (
        "Tryghed i fiktive Lærkeparken", "En testrapport", 2020
    )
