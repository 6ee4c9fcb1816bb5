"""Ingest by URL against a local HTTP server on 127.0.0.1: pages, PDFs, and every way it fails."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fixtures.make_agreement_pdf import make_agreement_pdf
from fixtures.make_report import make_report
from vidensbank.ingest import schema
from vidensbank.ingest.agreement import PERIOD
from vidensbank.ingest.fetch import doc_id_for_url, fetch_document, is_url, sniff_kind

from tests.test_cli import run
from vidensbank.errors import IngestError

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
# A fictional article. Its <meta> names the wrong charset: the header's UTF-8 must win.
ARTICLE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="iso-8859-1">
<title>Lektiecafé i Kløvervænget samler børn og frivillige | Fiktive Nyheder</title>
<meta property="og:site_name" content="Fiktive Nyheder">
</head><body><nav>Forside | Nyheder</nav><article>
<h1>Lektiecafé i Kløvervænget samler børn og frivillige</h1>
<p>FIKTIV TESTARTIKEL: Artiklen er opdigtet til test af vidensbanken.</p>
<p>Hver tirsdag mødes skolebørn fra Kløvervænget med frivillige i beboerhuset, hvor de får
hjælp til lektierne og et måltid mad.</p>
<p>Den boligsociale medarbejder fortæller, at forældrene i højere grad kommer til
skole-hjem-samtaler, efter at lektiecaféen åbnede.</p>
</article><footer>Kontakt redaktionen</footer></body></html>
"""


@dataclass(frozen=True)
class Route:
    status: int = 200
    content_type: str = "text/html"
    body: bytes = b""
    delay: float = 0.0
    send_length: bool = True


def _handler(routes: dict[str, Route]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = routes.get(self.path.split("?")[0], Route(404, "text/plain", b"ikke fundet"))
            time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (timeout, size limit)
                self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a local server with an article, a report, an agreement and broken routes."""
    folder = tmp_path_factory.mktemp("site")
    report = make_report(folder / "rapport.pdf")["path"].read_bytes()
    agreement = make_agreement_pdf(folder / "aftale.pdf").path.read_bytes()
    big = b"<html><body>" + b"x" * (2 * 1024 * 1024) + b"</body></html>"
    routes = {
        "/nyheder/lektiecafe-i-kloevervaenget": Route(
            body=ARTICLE.encode("utf-8"), content_type="text/html; charset=utf-8"),
        # Servers often send PDFs as octet-stream: the %PDF- magic decides.
        "/rapporter/fremskudte-indsatser.pdf": Route(
            body=report, content_type="application/octet-stream"),
        "/aftaler/samarbejdsaftale-naestved.pdf": Route(body=agreement,
                                                        content_type="application/pdf"),
        "/data.json": Route(body=b'{"svar": 42}', content_type="application/json"),
        "/billede.png": Route(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"),
        "/fejl": Route(500, "text/plain", b"intern fejl"),
        "/langsom": Route(body=ARTICLE.encode("utf-8"), delay=3.0),
        "/stor": Route(body=big),
        "/stor-uden-laengde": Route(body=big, send_length=False),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in NO_PROXY.items():
        monkeypatch.setenv(key, value)


def test_html_page_by_url(site: str) -> None:
    url = f"{site}/nyheder/lektiecafe-i-kloevervaenget"
    doc = fetch_document(url)
    assert doc.id_ == "lektiecafe-i-kloevervaenget"
    assert doc.metadata[schema.URL] == url and doc.metadata[schema.DOC_TYPE] == schema.ARTIKEL
    assert doc.metadata[schema.TITLE] == "Lektiecafé i Kløvervænget samler børn og frivillige"
    assert "skolebørn fra Kløvervænget" in doc.text and "Ã" not in doc.text
    assert "Kontakt redaktionen" not in doc.text


def test_pdfs_by_url(site: str) -> None:
    report = fetch_document(f"{site}/rapporter/fremskudte-indsatser.pdf?download=1")
    assert report.id_ == "fremskudte-indsatser"
    assert report.metadata[schema.DOC_TYPE] == schema.RAPPORT
    assert report.metadata[schema.PAGE_SPANS][0][1] == "i"
    agreement = fetch_document(f"{site}/aftaler/samarbejdsaftale-naestved.pdf")
    assert agreement.metadata[schema.DOC_TYPE] == schema.SAMARBEJDSAFTALE
    assert agreement.metadata[PERIOD] == "2022-2025"


@pytest.mark.parametrize("path,options,reason", [
    ("/findes-ikke", {}, "siden findes ikke (HTTP 404)"),
    ("/fejl", {}, "serverfejl (HTTP 500)"),
    ("/data.json", {}, "indholdstypen 'application/json' understøttes ikke"),
    ("/billede.png", {}, "indholdstypen 'image/png' understøttes ikke"),
    ("/langsom", {"timeout": 0.5}, "intet svar inden for 0.5 sekunder (timeout)"),
    ("/stor", {"max_mb": 1}, "filen er for stor: 2,0 MB (grænse 1 MB)"),
    ("/stor-uden-laengde", {"max_mb": 1}, "filen er for stor: over grænsen (grænse 1 MB)"),
])
def test_fetch_failures_are_one_line(site: str, path: str, options: dict, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        fetch_document(site + path, **options)
    assert caught.value.reason.startswith(reason)
    assert caught.value.source == site + path


def test_only_http_addresses_are_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "hemmelig.html"
    secret.write_text("<html><body><p>Lokal fil.</p></body></html>")
    with pytest.raises(IngestError, match="kun http- og https-adresser"):
        fetch_document(secret.as_uri())


def test_nothing_listening() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IngestError, match="adressen kunne ikke hentes"):
        fetch_document(f"http://127.0.0.1:{port}/side", timeout=2)


@pytest.mark.parametrize("value,url", [
    ("https://lbf.dk/nyheder/varde", True),
    ("HTTP://127.0.0.1:8000/x.pdf", True),
    ("corpus/artikler/varde.txt", False),
    ("https:/lbf.dk/folded-by-path", False),
    ("ftp://lbf.dk/fil.pdf", False),
])
def test_is_url(value: str, url: bool) -> None:
    assert is_url(value) is url


@pytest.mark.parametrize("url,doc_id", [
    ("https://lbf.dk/nyheder/2023/varde-fleksibilitet/", "varde-fleksibilitet"),
    ("https://vive.dk/pure/15/Fremskudte_indsatser.pdf?download=true", "fremskudte-indsatser"),
    ("https://www.boligsocialnet.dk/", "www-boligsocialnet-dk"),
    ("https://lbf.dk/n%C3%A6stved-aftale", "naestved-aftale"),
])
def test_doc_id_from_url(url: str, doc_id: str) -> None:
    assert doc_id_for_url(url) == doc_id


@pytest.mark.parametrize("data,content_type,kind", [
    (b"%PDF-1.7 ...", "application/octet-stream", "pdf"),
    (b"<!DOCTYPE html><html>", "application/pdf", "html"),  # a login page, not the PDF
    (b"\xef\xbb\xbf<html><body>", "", "html"),
    (b"<div>uden doctype</div>", "text/html", "html"),
    (b"hej", "text/plain", None),
])
def test_sniff_kind(data: bytes, content_type: str, kind: str | None) -> None:
    assert sniff_kind(data, content_type) == kind


@pytest.mark.slow
def test_cli_ingests_urls_and_reports_failures(site: str, tmp_path: Path) -> None:
    page = f"{site}/nyheder/lektiecafe-i-kloevervaenget"
    pdf = f"{site}/rapporter/fremskudte-indsatser.pdf"
    args = ("ingest", page, pdf, f"{site}/findes-ikke", f"{site}/data.json", "--json")
    out = run(*args, index=tmp_path / "idx", env=NO_PROXY)
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["ingested"] == [page, pdf]
    assert [(f["path"], f["reason"].split(" (")[0]) for f in report["failed"]] == [
        (f"{site}/findes-ikke", "siden findes ikke"),
        (f"{site}/data.json", "indholdstypen 'application/json' understøttes ikke")]
    shown = json.loads(run("show", "fremskudte-indsatser", "--json", index=tmp_path / "idx").stdout)
    assert shown["doc_type"] == schema.RAPPORT and shown["metadata"][schema.URL] == pdf
    text = run("ingest", page, index=tmp_path / "idx", env=NO_PROXY)
    assert text.returncode == 0 and "uændret (sprunget over): 1" in text.stdout
