"""Plain-text article dumps: the five real seeds, the clean-up rules, and bad input."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import ARTICLES
from vidensbank.ingest import schema
from vidensbank.ingest.article import read_article_text
from vidensbank.ingest.bylines import parse_byline
from vidensbank.ingest.dates import parse_date_line
from vidensbank.ingest.readers import read_path
from vidensbank.ingest.textclean import is_chrome_line

from vidensbank.errors import IngestError

SONDERBORG = "artikel-sonderborg-helhedsplanens-vaerdi-for-kernedriften.txt"
BL = "bl-strategisk-forum-partnerskaber.txt"
VEJLEAAPARKEN = "lbf-fire-webfilm-boligsociale-bestyrelser-vejleaaparken.txt"
SILKEBORG = "lbf-silkeborg-borgmester-roser-samspil.txt"
VARDE = "lbf-varde-fleksibilitet-og-koordination.txt"
SEEDS = (SONDERBORG, BL, VEJLEAAPARKEN, SILKEBORG, VARDE)


def _read(name: str):
    path = ARTICLES / name
    return read_article_text(path, schema.slugify(path.stem))


def _write(tmp_path: Path, data: bytes, name: str = "artikel.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "title", "date", "authors"),
    [
        (SONDERBORG, "Den boligsociale helhedsplans værdi for kernedriften", None, []),
        (BL, "Strategisk Forum: Partnerskaber er vejen til succes", "2023-03-15",
         ["Anja Robstrup Andersen"]),
        # The only dates printed are those of the four films in the related list.
        (VEJLEAAPARKEN,
         "[Fire nye webfilm] Boligsociale bestyrelser: Hvorfor og hvordan – og for hvem?",
         None, []),
        (SILKEBORG, "Borgmester roser samspil mellem kommune og boligsociale indsatser", None,
         ["Rikke Bergquist"]),
        (VARDE, "Fleksibilitet og koordination bringer velfærden helt tæt på beboerne", None,
         ["Regner Hansen"]),
    ],
)
def test_seed_metadata(name: str, title: str, date: str | None, authors: list[str]) -> None:
    meta = _read(name).metadata
    assert (meta[schema.TITLE], meta[schema.DATE], meta[schema.AUTHORS]) == (title, date, authors)
    assert meta[schema.YEAR] == (int(date[:4]) if date else None)
    assert meta[schema.DOC_TYPE] == schema.ARTIKEL
    assert meta[schema.SOURCE] is None  # no publisher cue in the text; the sidecars give it
    assert meta[schema.PATH] == str(ARTICLES / name)


@pytest.mark.parametrize("name", SEEDS)
def test_seed_text_starts_with_title_and_is_tidy(name: str) -> None:
    doc = _read(name)
    text = doc.text
    assert text.startswith(doc.metadata[schema.TITLE] + "\n\n")
    assert text == text.strip() and "\n\n\n" not in text
    assert all(line == line.rstrip() and line.strip() for line in text.split("\n") if line)
    assert "\u00a0" not in text and "  " not in text.replace("\n  ", "\n")
    assert text == unicodedata.normalize("NFC", text)
    assert doc.metadata[schema.CONTENT_HASH] == schema.content_hash(text)
    assert {"æ", "ø", "å"} <= set(text)


# Page chrome from the seeds; none of it may survive anywhere in any text.
BOILERPLATE = (
    "film_SOME", "Silkeborg0020", "Billede 1", "Brødtekst", "Brødstekst", "Foto Paco", "Foto Cfbu",
    "Tilføjet til læse listen", "Læseliste", "læst disse?", "Se alle artikler", "Seneste Artikel",
    "Om skribenten", "Klik for at læse", "lydkoncentrat", "Skrevet d.", "1 / 1", "Læs senere",
    "Læs nu", "Af: Regner", "Af Rikke", "foto: Lars Just", "15. MAR. 2023", "Forskellige Grafikker",
    "Anja Andersen er journalist", "Boligdirektør", "Oversigt Kbh", "På billedet ses",
    "Bestyrelsens perspektiv", "Fire film om boligsocialt bestyrelsesarbejde",
)
# Whole lines that are chrome, but whose words may occur inside real sentences.
BOILERPLATE_LINES = {"0", "text 1", "Varde 1", "billede", "Fik du", "."}


@pytest.mark.parametrize("name", SEEDS)
def test_seed_boilerplate_is_gone(name: str) -> None:
    text = _read(name).text
    assert [s for s in BOILERPLATE if s in text] == []
    assert BOILERPLATE_LINES.isdisjoint(line.strip() for line in text.split("\n"))


@pytest.mark.parametrize(
    ("name", "passage"),
    [
        (SONDERBORG, "Nu skifter hun karrierespor, men inden det har vi nået at tale med hende om"),
        (SONDERBORG, "Alle kunne komme til orde, og det var også okay at lave en artikel med en "
                     "beboer, som var utilfreds.\nVi fulgte for eksempel beboerne"),
        # Sentences the copy glued together are split at the seam, on lines of their own.
        (SONDERBORG, "i resten af kommunen.\nHvad så med effekten af koblingen?\n”Når det går"),
        (SONDERBORG, "og aktivitetsnavne.”\nTre ting din efterfølger skal vide\n”For det første"),
        (SONDERBORG, "Marlene Wullf\nBoligsocial projektleder i Sønderborg kommune"),
        (SONDERBORG, "og Sønderborg kommune\n\nEn ting, Marlene undrede sig over"),
        (BL, "Strategisk Forum: Partnerskaber er vejen til succes\n\nBorgmester i Roskilde, Thomas "
             "Breddam (midten), bød velkommen til årets Strategisk Forum."),
        (BL, "\n\n”Vi kan kun lykkes i fællesskab.”\n\n"),
        (BL, "Efter borgmester Thomas Breddam havde budt velkommen til Roskilde by"),
        (BL, "Det kan for eksempel være:\n\n• Uddannelse og beskæftigelse til unge på kanten\n"
             "• Flere i job i udsatte boligområder\n• Bekæmpelse af hjemløshed\n"
             "• Behandling af voldsramte familier\n\nSamarbejdet tager udgangspunkt"),
        (BL, "lukket ned for en fremskudt jobindsats i Rønnebærparken og Æblehaven"),
        (BL, "hvis operatøren har været i stand til at opnå den aftalte effekt."),
        (VEJLEAAPARKEN, "høstes.\n\nStrandgårdsskolen i Ishøj er nabo til Vejleåparken.\n\n"),
        (VEJLEAAPARKEN, "børnesko.\n\nFire film om arbejdet i boligsociale bestyrelser\n\n"),
        # A list item's continuation line keeps its indent under the item.
        (VEJLEAAPARKEN, "forbedre de almene boligområder.\n  Han nævner, at bestyrelsen både skal"),
        (VEJLEAAPARKEN, "alene.\n\nTom Lillie: ”Samarbejdet med de boligsociale indsatser giver os "
                        "muligheder, vi ellers ikke har haft”.\n\n"),
        (SILKEBORG, "indsatser.\n\nLupinvej/Resadavej er et boligområde i Silkeborg"),
        (SILKEBORG, "Jamila Sharia er glad for at deltage i Kvindeprojektet, for hun føler"),
        (SILKEBORG, "(Foto: Lars Just)"),
        (SILKEBORG, "Kilde: Det Nationale Forsknings- og Analysecenter for Velfærd, VIVE."),
        (VARDE, "beboerne\n\nI den boligsociale helhedsplan i det nordlige Varde er projektlederen "
                "og medarbejderne"),
        (VARDE, "erfaringer som chauffør.\n\nEn fælles indsats fra boligorganisation og kommune"),
        (VARDE, "EN BRED VIFTE AF AKTIVITETER"),
        (VARDE, "FAKTA OM LERPØTPARKEN OG ISBJERG PARKEN"),
        (VARDE, "https://www.detboligsocialeteam.dk/"),
        (VARDE, "så tager vi hurtigt en snak om det,” smiler Hanna Esmarch Lund."),
    ],
)
def test_seed_body_passages_survive_verbatim(name: str, passage: str) -> None:
    assert passage in _read(name).text


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (VEJLEAAPARKEN, "Det spraglede lokalsamfund og skolens aktiviteter bindes sammen i "
                        "organiseringen med de boligsociale medarbejdere."),
        # The slideshow caption repeats a sentence of the body: kept once, in the body.
        (BL, "Kathrin Houmøller og Ulrik Vinther fra Center for Boligsocial Udvikling fortalte "
             "stærke personhistorier fra deres feltarbejde i udsatte boligområder."),
        # Alt text and caption say nearly the same; only the caption stays.
        (SILKEBORG, "projektmedarbejder Lisa Svendsen, og deltager Kali Maya Sarki."),
    ],
)
def test_seed_repeated_captions_kept_once(name: str, line: str) -> None:
    assert _read(name).text.count(line) == 1


@pytest.mark.parametrize(
    ("name", "source"),
    [(BL, "BL"), (VEJLEAAPARKEN, "Landsbyggefonden"), (SONDERBORG, None)],
)
def test_sidecar_gives_the_source(name: str, source: str | None) -> None:
    doc = read_path(ARTICLES / name)
    assert doc.metadata[schema.SOURCE] == source
    assert doc.text == _read(name).text  # the sidecar never touches the text


# --- the rules on small inline dumps -------------------------------------------------------------

BODY = "Beboerne i Gellerup får en ny helhedsplan, og kommunen er med fra start."
LONG_BODY = "\n\n".join(f"Afsnit {n} om planen." for n in range(1, 7))


@pytest.mark.parametrize(
    ("dump", "text", "date", "authors"),
    [
        (f"Ny plan\n\n9. november 2021\n\n{BODY}", f"Ny plan\n\n{BODY}", "2021-11-09", []),
        (f"09.11.2021\nNy plan\n\n{BODY}", f"Ny plan\n\n{BODY}", "2021-11-09", []),
        (f"Ny plan\n\nPubliceret 2021-11-09\n\n{BODY}", f"Ny plan\n\n{BODY}", "2021-11-09", []),
        (f"Ny plan\nAf Anna Holm og Peter Lund\n\n{BODY}", f"Ny plan\n\n{BODY}", None,
         ["Anna Holm", "Peter Lund"]),
        # A headline and its lead on adjacent lines: the headline becomes its own paragraph.
        (f"Ny plan\n{BODY}", f"Ny plan\n\n{BODY}", None, []),
        # A date deep in the body is something the article mentions, not its own date.
        ("Ny plan\n\n" + LONG_BODY + "\n\n9. november 2021",
         "Ny plan\n\n" + LONG_BODY + "\n\n9. november 2021", None, []),
        (f"Ny plan\r\n\r\n{BODY}\r\n", f"Ny plan\n\n{BODY}", None, []),
        (f"Ny plan\n\n{BODY}\n\n© 2022 Landsbyggefonden", f"Ny plan\n\n{BODY}", None, []),
        # A related list goes with its heading; its stamps date the films, not the article.
        (f"Ny plan\n\n{BODY}\n\nAndre film\n\nFilm A\nFilm A\nSkrevet den 9. november 2021\n"
         "Film B\nFilm B\nSkrevet d. 8-6-2020", f"Ny plan\n\n{BODY}", None, []),
    ],
)
def test_header_date_and_byline(
    tmp_path: Path, dump: str, text: str, date: str | None, authors: list[str]
) -> None:
    doc = read_article_text(_write(tmp_path, dump.encode()), "x")
    assert (doc.text, doc.metadata[schema.DATE], doc.metadata[schema.AUTHORS]) == (
        text, date, authors
    )


def test_copyright_line_names_the_source(tmp_path: Path) -> None:
    dump = f"Ny plan\n\n{BODY}\n\nCopyright © 2022 BL – Danmarks Almene Boliger"
    assert read_article_text(_write(tmp_path, dump.encode()), "x").metadata[schema.SOURCE] == "BL"


def test_markdown_heading_marks_are_dropped(tmp_path: Path) -> None:
    dump = f"# Ny plan i Åbyhøj\n\n{BODY}\n\n## Næste skridt\n\n{BODY}"
    doc = read_article_text(_write(tmp_path, dump.encode(), "artikel.md"), "x")
    assert doc.metadata[schema.TITLE] == "Ny plan i Åbyhøj"
    assert doc.text == f"Ny plan i Åbyhøj\n\n{BODY}\n\nNæste skridt\n\n{BODY}"


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("15. MAR. 2023 KL. 15:27", "2023-03-15"),
        ("Skrevet d. 9-11-2021", "2021-11-09"),
        ("9. november 2021", "2021-11-09"),
        ("09.11.2021", "2021-11-09"),
        ("2021-11-09", "2021-11-09"),
        ("Mandag d. 9. nov. 2021", "2021-11-09"),
        ("Opdateret 9/11/2021, 10.15", "2021-11-09"),
        ("31-02-2021", None),
        ("09.11.21", None),
        ("I 2021 blev planen vedtaget", None),
        ("9. november 2021 blev planen vedtaget", None),
    ],
)
def test_parse_date_line(line: str, iso: str | None) -> None:
    assert parse_date_line(line) == iso


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Af: Regner Hansen, foto: Lars Just", ["Regner Hansen"]),
        ("Af Rikke Bergquist, foto: Tor Birk Trads", ["Rikke Bergquist"]),
        ("Af Anna Holm & Hanna Esmarch-Lund", ["Anna Holm", "Hanna Esmarch-Lund"]),
        ("Tekst: Marlene Wullf", ["Marlene Wullf"]),
        ("Af samme grund valgte kommunen at vente.", None),
        ("Af Landsbyggefonden", None),
    ],
)
def test_parse_byline(line: str, names: list[str] | None) -> None:
    assert parse_byline(line) == names


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("film_SOME.jpg", True), ("Billede 6 + Brødstekst 9", True), ("text 1", True),
        ("Foto Paco Ortega Og Thomas Breddam", True), ("Foto: Lars Just", True),
        ("Se alle artikler ( 2923 )", True), ("Forskellige Grafikker (5) (1)", True),
        ("Klik for at læse hele rapporten", True), ("0", True), (".", True),
        ("Foto fra festen viser glade beboere", False), ("Antal boliger (2019)", False),
        ("Varde 1", False),  # only chrome as the first line, before the headline
        ("Læs mere om helhedsplanen på kommunens hjemmeside.", False),
        ("© 2022 Landsbyggefonden", True), ("Copyright er et problem for mange", False),
    ],
)
def test_is_chrome_line(line: str, chrome: bool) -> None:
    assert is_chrome_line(line) is chrome


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "filen er tom"),
        (b" \n\r\n\t\n", "filen er tom"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "filen er binær, ikke tekst"),
        (bytes(range(1, 32)) * 20, "filen er binær, ikke tekst"),
        ("Læs nu\n\nLæs senere\n\n0\n".encode(), "ingen artikeltekst tilbage efter oprydning"),
    ],
)
def test_bad_input_raises_one_line_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(IngestError) as info:
        read_article_text(path, "x")
    assert (info.value.source, info.value.reason) == (str(path), reason)


@pytest.mark.parametrize(
    "encoded",
    [
        "Ærø får en ny plan\n\nBeboerne på Ærø og i Åbyhøj får ”mere” støtte.".encode("cp1252"),
        "Ærø får en ny plan\n\nBeboerne på Ærø og i Åbyhøj får ”mere” støtte.".encode("utf-8-sig"),
        "Ærø får en ny plan\n\nBeboerne på Ærø og i Åbyhøj får ”mere” støtte.".encode("utf-16"),
    ],
)
def test_encodings_are_decoded(tmp_path: Path, encoded: bytes) -> None:
    doc = read_article_text(_write(tmp_path, encoded), "x")
    assert doc.metadata[schema.TITLE] == "Ærø får en ny plan"
    assert doc.text == "Ærø får en ny plan\n\nBeboerne på Ærø og i Åbyhøj får ”mere” støtte."


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    doc = read_article_text(_write(tmp_path, "Søndergade\n\nBørn og æbler.".encode("latin-1")), "x")
    assert doc.text == "Søndergade\n\nBørn og æbler."
