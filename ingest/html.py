"""Saved HTML article pages into Documents.

Metadata comes from the page head (Open Graph, article:*, canonical), the body from <article> or
<main> with the page chrome dropped. Block elements become paragraphs and <br> a line break; the
paragraphs then go through the same clean-up as text dumps (`ingest.textclean`).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from llama_index.core.schema import Document
from vidensbank.ingest.article import article_document
from vidensbank.ingest.bylines import is_person_name, parse_byline
from vidensbank.ingest.dates import find_danish_date, parse_iso_datetime
from vidensbank.ingest.textclean import Paragraph, clean_article, decode_bytes, normalise_line

from vidensbank.errors import IngestError

# Elements that are never article text.
DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "iframe", "svg", "canvas", "video", "audio", "select", "input", "textarea", "dialog",
)
# class/id words of widgets inside the article container.
DROP_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|related|relaterede|newsletter|nyhedsbrev|cookie|"
    r"breadcrumbs?|comments?|kommentarer|advert|annonce|reklame|sidebar|paywall|menu|navigation)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# A widget-looking element holding more than this share of the body is the body itself.
DROP_CLASS_MAX_SHARE = 0.5
BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "li", "main", "p", "section", "summary", "details", "caption",
})
# "Headline | Site" in <title>; a dash is left alone, headlines use it too.
TITLE_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]+$")
BODY_CANDIDATES = ("article", "main", "[role=main]", "body")
META_TITLE = (("property", "og:title"), ("name", "twitter:title"))
META_DATE = (
    ("property", "article:published_time"), ("name", "article:published_time"),
    ("itemprop", "datePublished"), ("name", "date"), ("name", "dcterms.date"),
    ("name", "DC.date.issued"), ("name", "pubdate"), ("property", "og:published_time"),
)
META_AUTHOR = (("name", "author"), ("property", "article:author"), ("name", "dc.creator"))
# Elements that print the date or the byline in the page header (often dropped with <header>).
DATE_SELECTORS = ("time[datetime]", "time", "[itemprop=datePublished]", "[class*=date]",
                  "[class*=dato]")
CHROME_CONTAINERS = ("aside", "nav", "footer")
BYLINE_SELECTORS = ("[rel=author]", "[itemprop=author]", "[class*=byline]", "[class*=author]",
                    "[class*=forfatter]")
# The declared charset sits in the first bytes: <meta charset="..."> or http-equiv content-type.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
CHARSET_SNIFF_BYTES = 4096
# Real pages nest a few dozen elements deep. Far deeper markup is broken or hostile, and the
# recursive walk below would exhaust Python's stack (a RecursionError, not a reason).
MAX_NESTING = 400
# Browsers read a page labelled latin-1 or ASCII as cp1252, and one labelled UTF-16 in a meta tag
# as UTF-8 (a real UTF-16 page starts with a byte order mark); so do we (WHATWG encoding rules).
CHARSET_ALIASES = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}


def read_html(path: Path, doc_id: str) -> Document:
    """Read one saved HTML page. Raises IngestError for empty, binary or text-free pages."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"filen kunne ikke læses: {exc.strerror or exc}") from None
    return parse_html(data, doc_id=doc_id, path=str(path))


def parse_html(
    data: bytes, *, doc_id: str, path: str | None = None, url: str | None = None
) -> Document:
    """Document from the bytes of an HTML page; `url` is where it was fetched (canonical wins)."""
    where = path or url or doc_id
    if not data.strip():
        raise IngestError(where, "siden er tom")
    markup = decode_bytes(data, declared_charset(data))
    if markup is None:
        raise IngestError(where, "filen er binær, ikke HTML")
    soup = BeautifulSoup(markup, "html.parser")
    if nesting_depth(soup, MAX_NESTING) > MAX_NESTING:
        raise IngestError(where, f"HTML'en er for dybt indlejret (over {MAX_NESTING} niveauer)")
    title = page_title(soup)
    date, authors = page_date(soup), page_authors(soup)
    article = clean_article(body_paragraphs(soup), title=title, lead_image=False)
    if article is None or (title and len(article.paragraphs) < 2):  # a headline and no body
        raise IngestError(where, "ingen artikeltekst fundet på siden")
    article.date = date or article.date
    article.authors = authors or article.authors
    article.source = _meta(soup, ("property", "og:site_name")) or article.source
    page_url = _canonical_url(soup) or url
    return article_document(article, doc_id=doc_id, path=path, url=page_url)


def nesting_depth(soup: BeautifulSoup, limit: int) -> int:
    """How deep elements nest, counted without recursion; stops soon after passing `limit`."""
    deepest, stack = 0, [(soup, 0)]
    while stack and deepest <= limit:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))
    return deepest


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares, if Python knows it."""
    match = META_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if not match:
        return None
    try:
        name = codecs.lookup(match[1].decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return CHARSET_ALIASES.get(name, name)


def _meta(soup: BeautifulSoup, *keys: tuple[str, str]) -> str | None:
    for attr, value in keys:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})
        content = tag.get("content") if isinstance(tag, Tag) else None
        if isinstance(content, str) and normalise_line(content):
            return normalise_line(content)
    return None


def _text(tag: Tag | None) -> str:
    """An element's text on one line: inline markup joins ("<b>B</b>olig"), blocks get a space."""
    if tag is None:
        return ""
    paragraphs: list[Paragraph] = []
    buffer: list[str] = []
    _walk(tag, paragraphs, buffer)
    _flush(buffer, paragraphs)
    return " ".join(line for para in paragraphs for line in para)


def page_title(soup: BeautifulSoup) -> str | None:
    """og:title, else the first <h1>, else <title> without its "| Site" suffix."""
    title = _meta(soup, *META_TITLE) or _text(soup.find("h1"))
    return title or TITLE_SITE_SUFFIX.sub("", _text(soup.title)) or None


def page_date(soup: BeautifulSoup) -> str | None:
    """Publication date from metadata, else from a date element in the page."""
    value = _meta(soup, *META_DATE)
    if value and (iso := parse_iso_datetime(value) or find_danish_date(value)):
        return iso
    for selector in DATE_SELECTORS:
        for tag in _outside_chrome(soup.select(selector)):
            stamp = tag.get("datetime")
            found = parse_iso_datetime(stamp) if isinstance(stamp, str) else None
            if found or (found := find_danish_date(_text(tag))):
                return found
    return None


def page_authors(soup: BeautifulSoup) -> list[str]:
    """Names from meta author, else from a byline element ("Af X, foto: Y")."""
    value = _meta(soup, *META_AUTHOR)  # often the site's name instead: then it yields no names
    if value and (names := _names(f"Af {value}", value)):
        return names
    for selector in BYLINE_SELECTORS:
        for tag in _outside_chrome(soup.select(selector)):
            if names := _names(_text(tag), _text(tag)):
                return names
    return []


def _names(byline: str, name: str) -> list[str]:
    return parse_byline(byline) or ([name] if is_person_name(name) else [])


def _outside_chrome(tags: list[Tag]) -> list[Tag]:
    """Leave out dates and bylines of other articles, listed in sidebars and footers."""
    return [tag for tag in tags if tag.find_parent(CHROME_CONTAINERS) is None]


def _canonical_url(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    href = link.get("href") if isinstance(link, Tag) else None
    if isinstance(href, str) and href.strip():
        return href.strip()
    return _meta(soup, ("property", "og:url"))


def body_paragraphs(soup: BeautifulSoup) -> list[Paragraph]:
    """Paragraphs of the article body; removes the page chrome from `soup` on the way."""
    root = _body_root(soup)
    for tag in root.find_all(DROP_TAGS):
        tag.decompose()
    _drop_widgets(root)
    paragraphs: list[Paragraph] = []
    buffer: list[str] = []
    _walk(root, paragraphs, buffer)
    _flush(buffer, paragraphs)
    return paragraphs


def _body_root(soup: BeautifulSoup) -> Tag:
    """The container with most text among the first kind found: <article>, <main>, <body>."""
    for selector in BODY_CANDIDATES:
        candidates = soup.select(selector)
        if candidates:
            return max(candidates, key=lambda tag: len(tag.get_text(strip=True)))
    return soup.body or soup


def _drop_widgets(root: Tag) -> None:
    limit = len(root.get_text(strip=True)) * DROP_CLASS_MAX_SHARE
    for tag in root.find_all(True):
        if tag.decomposed:  # inside a widget dropped already
            continue
        names = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
        widget = DROP_CLASS.search(names) and len(tag.get_text(strip=True)) < limit
        if widget or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
            tag.decompose()


def _walk(node: Tag, paragraphs: list[Paragraph], buffer: list[str]) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, <?xml ...?>
            continue
        if isinstance(child, NavigableString):
            buffer.append(str(child))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            buffer.append("\n")
        elif child.name in ("ul", "ol", "table", "pre"):
            _flush(buffer, paragraphs)
            if block := _special_block(child):
                paragraphs.append(block)
        elif child.name in BLOCK_TAGS:
            _flush(buffer, paragraphs)
            _walk(child, paragraphs, buffer)
            _flush(buffer, paragraphs)
        else:
            _walk(child, paragraphs, buffer)


def _flush(buffer: list[str], paragraphs: list[Paragraph]) -> None:
    """Inline text gathered so far becomes one paragraph; HTML whitespace collapses to a space."""
    text = "".join(buffer)
    buffer.clear()
    lines = [normalise_line(re.sub(r"\s+", " ", line)) for line in text.split("\n")]
    if lines := [line for line in lines if line]:
        paragraphs.append(lines)


def _special_block(tag: Tag) -> Paragraph:
    if tag.name == "pre":
        return [line.rstrip() for line in tag.get_text().splitlines() if line.strip()]
    if tag.name == "table":
        rows = ([_text(cell) for cell in row.find_all(["td", "th"])] for row in tag.find_all("tr"))
        return [" | ".join(cell for cell in row if cell) for row in rows if any(row)]
    return _list_lines(tag)


def _list_lines(tag: Tag) -> Paragraph:
    """One line per item, "•" or "1." in front; nested items indented two spaces a level."""
    lines: Paragraph = []
    for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
        lists = item.find_all(["ul", "ol"])
        nested = [sub for sub in lists if sub.find_parent(["ul", "ol"]) is tag]
        for sub in nested:
            sub.extract()
        marker = f"{number}." if tag.name == "ol" else "•"
        if text := _text(item):
            lines.append(f"{marker} {text}")
        for sub in nested:
            lines += ["  " + line for line in _list_lines(sub)]
    return lines
