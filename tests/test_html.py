"""Saved HTML article pages: metadata from the head, the body without page chrome, charsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from vidensbank.ingest import schema
from vidensbank.ingest.html import parse_html, read_html
from vidensbank.ingest.readers import read_path

from vidensbank.errors import IngestError

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="da"><head>
<meta charset="utf-8">
<title>Ny helhedsplan i Gellerup | Boligsocialnet</title>
<meta property="og:title" content="Ny helhedsplan i Gellerup">
<meta property="og:site_name" content="Boligsocialnet">
<meta property="og:url" content="https://example.dk/og/gellerup">
<meta property="article:published_time" content="2021-11-09T10:00:00+01:00">
<meta name="author" content="Rikke Bergquist">
<link rel="canonical" href="https://example.dk/artikler/gellerup">
<script>var label = "Læs senere";</script><style>p { color: red }</style>
</head><body>
<nav><a href="/">Forside</a> <a href="/om">Om os</a></nav>
<header class="site"><p>Boligsocialnet – viden om boligsocialt arbejde</p></header>
<main><article>
<header><h1>Ny helhedsplan i Gellerup</h1>
<p class="byline">Af Rikke Bergquist, foto: Lars Just</p>
<time datetime="2021-11-09">9. november 2021</time></header>
<p class="lead">Beboerne i Gellerup får en ny boligsocial helhedsplan.</p>
<figure><img src="a.jpg" alt="Billede 1"><figcaption>Beboerhuset i Gellerup.</figcaption></figure>
<h2>Samarbejde på tværs</h2>
<p>Kommunen og   boligorganisationen er enige om målene.<br>Planen løber i fire år.</p>
<ul><li>Beskæftigelse</li><li>Uddannelse<ul><li>Lektiecafé</li></ul></li></ul>
<blockquote><p>”Vi kan kun lykkes i fællesskab,” siger formanden.</p></blockquote>
<div class="share-buttons"><a>Del på Facebook</a></div>
<!-- en kommentar i koden -->
<form><input name="q"><button>Søg</button></form>
</article>
<aside><h3>Relaterede artikler</h3><p>En anden artikel</p></aside>
</main>
<footer><p>© 2021 Boligsocialnet</p></footer>
</body></html>
"""
ARTICLE_TEXT = (
    "Ny helhedsplan i Gellerup\n\n"
    "Beboerne i Gellerup får en ny boligsocial helhedsplan.\n\n"
    "Beboerhuset i Gellerup.\n\n"
    "Samarbejde på tværs\n\n"
    "Kommunen og boligorganisationen er enige om målene.\nPlanen løber i fire år.\n\n"
    "• Beskæftigelse\n• Uddannelse\n  • Lektiecafé\n\n"
    "”Vi kan kun lykkes i fællesskab,” siger formanden."
)

# An old page: no charset declared, cp1252 bytes, no metadata, the date only printed.
CP1252_PAGE = """<html><head><title>Tryghed i Vollsmose | Landsbyggefonden</title></head><body>
<div id="menu"><ul><li><a>Forside</a></li></ul></div>
<div class="content"><p class="dato">Skrevet d. 9-11-2021</p>
<h2>Ny måling</h2>
<p>Beboerne i Vollsmose føler sig mere trygge, viser en ”ny” måling fra kommunen.</p>
<p>Æblehaven</p><p>Læs nu</p><p>Læs senere</p><p>Tilføjet til læse listen</p>
</div></body></html>"""
CP1252_TEXT = (
    "Tryghed i Vollsmose\n\nNy måling\n\n"
    "Beboerne i Vollsmose føler sig mere trygge, viser en ”ny” måling fra kommunen."
)


def test_article_page(tmp_path: Path) -> None:
    path = tmp_path / "gellerup.html"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    doc = read_html(path, "gellerup")
    assert doc.text == ARTICLE_TEXT
    meta = doc.metadata
    assert (meta[schema.TITLE], meta[schema.DATE], meta[schema.YEAR]) == (
        "Ny helhedsplan i Gellerup", "2021-11-09", 2021
    )
    assert meta[schema.AUTHORS] == ["Rikke Bergquist"]
    assert meta[schema.SOURCE] == "Boligsocialnet"
    assert meta[schema.URL] == "https://example.dk/artikler/gellerup"  # canonical beats og:url
    assert (meta[schema.DOC_TYPE], meta[schema.PATH]) == (schema.ARTIKEL, str(path))
    assert meta[schema.CONTENT_HASH] == schema.content_hash(doc.text)


def test_cp1252_page_without_charset() -> None:
    doc = parse_html(CP1252_PAGE.encode("cp1252"), doc_id="vollsmose", url="https://lbf.dk/v")
    assert doc.text == CP1252_TEXT
    meta = doc.metadata
    assert (meta[schema.TITLE], meta[schema.DATE], meta[schema.URL], meta[schema.PATH]) == (
        "Tryghed i Vollsmose", "2021-11-09", "https://lbf.dk/v", None
    )


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="iso-8859-1">',  # read as cp1252, as browsers do: ” is 0x94 there
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        '<meta charset="utf-8">',  # declared wrongly: the bytes are cp1252
        '<meta charset="utf-16">',  # impossible in a meta tag; browsers read such pages as UTF-8
    ],
)
def test_declared_charsets(head: str) -> None:
    page = f"<html><head>{head}</head><body><h1>Ærø</h1><p>”Åbyhøj” og Ærø.</p></body></html>"
    doc = parse_html(page.encode("cp1252"), doc_id="x")
    assert doc.text == "Ærø\n\n”Åbyhøj” og Ærø."


@pytest.mark.parametrize(
    ("head", "body", "title", "authors"),
    [
        ("<title>Overskrift | Sted</title>", "<h1>Rigtig overskrift</h1><p>Tekst her.</p>",
         "Rigtig overskrift", []),
        ("<title>Plan – og hvad så? | BL</title>", "<p>Tekst her.</p>", "Plan – og hvad så?", []),
        ('<meta name="author" content="Anna Holm og Peter Lund">', "<h1>T</h1><p>Tekst her.</p>",
         "T", ["Anna Holm", "Peter Lund"]),
        ("", '<h1>T</h1><p class="byline">Af: Regner Hansen, foto: Lars Just</p><p>Tekst her.</p>',
         "T", ["Regner Hansen"]),
        # A site name as meta author names nobody; the byline in the page does.
        ('<meta name="author" content="Landsbyggefonden">',
         '<h1>T</h1><p class="byline">Af Rikke Bergquist</p><ul></ul><p>Tekst her.</p>',
         "T", ["Rikke Bergquist"]),
    ],
)
def test_title_and_author_fallbacks(head: str, body: str, title: str, authors: list[str]) -> None:
    page = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    meta = parse_html(page, doc_id="x").metadata
    assert (meta[schema.TITLE], meta[schema.AUTHORS]) == (title, authors)


def test_dates_of_other_articles_in_a_sidebar_are_not_the_date() -> None:
    page = """<html><body><aside><time datetime="2020-01-01">1. januar 2020</time></aside>
    <article><p class="dato">Opdateret 9. november 2021</p><p>Tekst her.</p></article>
    </body></html>"""
    assert parse_html(page.encode(), doc_id="x").metadata[schema.DATE] == "2021-11-09"


def test_inline_markup_joins_and_blocks_separate() -> None:
    page = (b'<?xml version="1.0"?><!DOCTYPE html><html><body><!-- x -->'
            b"<h1><strong>B</strong>oligsocial<br>indsats</h1>"
            b"<table><tr><th>\xc3\x85r</th><th>Antal</th></tr><tr><td><b>2</b>019</td><td>5</td></tr>"
            b"</table><p>Tekst <em>her</em>.</p></body></html>")
    doc = parse_html(page, doc_id="x")
    assert doc.metadata[schema.TITLE] == "Boligsocial indsats"
    assert doc.text == "Boligsocial indsats\n\nÅr | Antal\n2019 | 5\n\nTekst her."


def test_og_url_when_no_canonical_and_url_when_neither() -> None:
    body = "<body><h1>T</h1><p>Tekst her.</p></body>"
    with_og = f'<html><head><meta property="og:url" content="https://a.dk/x"></head>{body}</html>'
    assert parse_html(with_og.encode(), doc_id="x", url="https://b.dk").metadata[schema.URL] == (
        "https://a.dk/x"
    )
    assert parse_html(body.encode(), doc_id="x", url="https://b.dk").metadata[schema.URL] == (
        "https://b.dk"
    )


def test_read_path_dispatches_html(tmp_path: Path) -> None:
    path = tmp_path / "Gellerup Plan.htm"
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    doc = read_path(path)
    assert (doc.id_, doc.text) == ("gellerup-plan", ARTICLE_TEXT)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "siden er tom"),
        (b"\x00\x01\x02binary\x00", "filen er binær, ikke HTML"),
        (b"<html><head><title>Kun titel</title></head><body><nav>Menu</nav></body></html>",
         "ingen artikeltekst fundet på siden"),
    ],
)
def test_bad_pages_raise_one_line_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "side.html"
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_html(path, "side")
    assert (info.value.source, info.value.reason) == (str(path), reason)
