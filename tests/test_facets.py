"""Facets and document types: small Danish snippets with traps, and the five seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from vidensbank.ingest import schema
from vidensbank.ingest.facets import (
    KOMMUNER,
    THEME_KEYWORDS,
    detect_doc_type,
    extract_facets,
    find_boligomraader,
    find_kommuner,
    find_themes,
)

ARTICLES = Path(__file__).resolve().parent.parent / "corpus" / "artikler"


def test_kommuner_table_has_all_98() -> None:
    assert len(KOMMUNER) == 98
    assert len(set(KOMMUNER)) == 98


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Samarbejdet med Ishøj Kommune er tæt.", ["Ishøj"]),
        ("Københavns Kommune og Frederiksberg Kommune deler udgiften.",
         ["København", "Frederiksberg"]),
        ("Projektet i Varde blev en succes.", ["Varde"]),
        ("Sønderborg kommune har ansat en projektleder.", ["Sønderborg"]),
        ("Roskilde først, så Randers og igen Roskilde.", ["Roskilde", "Randers"]),
        ("Aarhus' borgmester og Århus Stiftstidende.", ["Aarhus"]),
        ("Ålborg og Åbenrå med gamle stavemåder.", ["Aalborg", "Aabenraa"]),
        ("Høje-Taastrup Kommune og Lyngby-Taarbæk Kommune.", ["Høje-Taastrup", "Lyngby-Taarbæk"]),
        ("Nordfyns Kommune og Bornholms Regionskommune.", ["Nordfyns", "Bornholm"]),
        ("FAKTA OM VARDE KOMMUNE", ["Varde"]),
        ("Vejleåparken ligger ved Strandgårdsskolen.", []),
        ("ProVarde er en erhvervsforening.", []),
        # Names that are also ordinary words or surnames.
        ("Vejen til job går gennem praktik.", []),
        ("Partnerskaber er vejen til succes.", []),
        ("Han står i vejen for sig selv.", []),
        ("Borgmesteren i Vejen åbnede huset.", ["Vejen"]),
        ("Vejen Kommune og Billund Kommune.", ["Vejen", "Billund"]),
        ("Boliger i Esbjerg, Billund, Vejen og Kolding.",
         ["Esbjerg", "Billund", "Vejen", "Kolding"]),
        ("En odder svømmede i åen. Odder er fredet i Danmark.", []),
        ("Odder Kommune og Skanderborg Kommune.", ["Odder", "Skanderborg"]),
        ("Professor Bent Greve har skrevet om velfærdsstaten.", []),
        ("Bent Greves bog om velfærd.", []),
        ("Boligområdet ligger i Greve.", ["Greve"]),
        ("Skive rugbrød i tynde skiver.", []),
        ("Tønder med regnvand stod i gården.", []),
        ("Projektet i Tønder og Skives borgmester.", ["Tønder", "Skive"]),
        ("Middelfart Kommune og Boligselskabet Lillebælt i Middelfart.", ["Middelfart"]),
    ],
)
def test_find_kommuner(text: str, expected: list[str]) -> None:
    assert find_kommuner(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Helhedsplanen for Lerpøtparken og Isbjerg Parken i Varde.",
         ["Lerpøtparken", "Isbjerg Parken"]),
        ("Beboerne i Mjølnerparkens gård holdt fest.", ["Mjølnerparken"]),
        ("Vollsmose og Gellerupparken er store boligområder.", ["Vollsmose", "Gellerupparken"]),
        ("FAKTA OM LERPØTPARKEN", ["Lerpøtparken"]),
        ("Afdelingen Kastanjegården har 120 boliger.", ["Kastanjegården"]),
        ("Solbakken har fået en ny helhedsplan.", ["Solbakken"]),
        ("boligområdet Lupinvej/Resedavej i Silkeborg", ["Lupinvej/Resedavej"]),
        ("Lupinvej/Resadavej er et boligområde. Boligområdet Lupinvej/Resedavej har en "
         "helhedsplan, og Lupinvej/Resedavej har et beboerhus.", ["Lupinvej/Resedavej"]),
        ("Han cykler ad Nørregade/Vestergade til arbejde.", []),
        ("Børnehaven holder lukket i juli.", []),
        ("Vi mødtes i Fælledparken en søndag.", []),
        ("Kirkegården ligger bag kirken.", []),
        ("Haven er stor.", []),
        ("Vi besøgte børnehaven Solhaven i boligområdet.", []),
    ],
)
def test_find_boligomraader(text: str, expected: list[str]) -> None:
    assert find_boligomraader(text) == expected


@pytest.mark.parametrize(
    ("text", "min_count", "expected"),
    [
        ("Jobcentret hjælper ledige i job. Beskæftigelse er målet.", 2, ["beskæftigelse"]),
        ("Lektiehjælp i klubben.", 2, []),
        ("Lektiehjælp i klubben.", 1, ["uddannelse"]),
        ("Politisk vilje og politiske mål.", 1, []),
        ("Politiet og SSP forebygger kriminalitet.", 2, ["kriminalitetsforebyggelse"]),
        ("Flygtninge lærer dansk; danskkundskaber og integration. Forældre og forældrene mødes.",
         2, ["integration", "forældresamarbejde"]),
        ("Bestyrelsen, styregruppen og samarbejdsaftalen. Tryghed og trivsel.", 2,
         ["organisering og samarbejde", "tryghed og trivsel"]),
    ],
)
def test_find_themes(text: str, min_count: int, expected: list[str]) -> None:
    assert find_themes(text, min_count=min_count) == expected


def test_themes_are_known_names() -> None:
    text = (ARTICLES / "lbf-varde-fleksibilitet-og-koordination.txt").read_text(encoding="utf-8")
    assert set(find_themes(text)) <= set(THEME_KEYWORDS)


AGREEMENT = """Samarbejdsaftale om helhedsplanen for Solsikkeparken

§ 1 Parter
Aftalen er indgået mellem Næstved Kommune og Boligselskabet Kløverhøj.

§ 2 Periode
Parterne er enige om perioden 2022-2025."""
REPORT = """Boligsociale helhedsplaner og chanceulighed
VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd
ISBN: 978-87-7119-123-4
Indholdsfortegnelse"""
ARTICLE_ABOUT_REPORT = "En ny rapport viser, at samarbejde virker, siger projektlederen i Varde."


@pytest.mark.parametrize(
    ("text", "reader_value", "expected"),
    [
        (AGREEMENT, schema.ANDET, schema.SAMARBEJDSAFTALE),
        (AGREEMENT, schema.ARTIKEL, schema.SAMARBEJDSAFTALE),
        (REPORT, schema.ANDET, schema.RAPPORT),
        (ARTICLE_ABOUT_REPORT, schema.ARTIKEL, schema.ARTIKEL),
        ("Referat af beboermødet.", schema.ANDET, schema.ANDET),
        ("Referat af beboermødet.", None, schema.ANDET),
    ],
)
def test_detect_doc_type(text: str, reader_value: str | None, expected: str) -> None:
    assert detect_doc_type(text, {schema.DOC_TYPE: reader_value}) == expected


SEEDS = [
    ("artikel-sonderborg-helhedsplanens-vaerdi-for-kernedriften.txt",
     ["Sønderborg", "Aarhus", "Aabenraa"], [], "beskæftigelse"),
    ("bl-strategisk-forum-partnerskaber.txt",
     ["Roskilde", "Randers"], ["Rønnebærparken", "Æblehaven", "Tingbjerg"],
     "organisering og samarbejde"),
    ("lbf-fire-webfilm-boligsociale-bestyrelser-vejleaaparken.txt",
     ["Ishøj"], ["Vejleåparken"], "uddannelse"),
    ("lbf-silkeborg-borgmester-roser-samspil.txt",
     ["Silkeborg"], ["Lupinvej/Resedavej"], "beskæftigelse"),
    ("lbf-varde-fleksibilitet-og-koordination.txt",
     ["Varde", "Esbjerg", "Billund", "Vejen", "Kolding"], ["Lerpøtparken", "Isbjerg Parken"],
     "børn og unge"),
]


@pytest.mark.parametrize(("name", "kommuner", "omraader", "top_theme"), SEEDS)
def test_seed_facets(name: str, kommuner: list[str], omraader: list[str], top_theme: str) -> None:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    facets = extract_facets(text)
    assert facets[schema.KOMMUNER] == kommuner
    assert facets[schema.BOLIGOMRAADER] == omraader
    assert facets[schema.THEMES][0] == top_theme
    assert detect_doc_type(text, {schema.DOC_TYPE: schema.ARTIKEL}) == schema.ARTIKEL


def test_silkeborg_themes_follow_the_helhedsplan() -> None:
    # "arbejder med beskæftigelse, uddannelse, kriminalitetsforebyggelse og integration"
    text = (ARTICLES / "lbf-silkeborg-borgmester-roser-samspil.txt").read_text(encoding="utf-8")
    themes = find_themes(text)
    assert themes[:3] == ["beskæftigelse", "uddannelse", "integration"]
    assert "kriminalitetsforebyggelse" in themes
