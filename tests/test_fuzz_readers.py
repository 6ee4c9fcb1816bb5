"""Mutated real files through the readers: anything but an IngestError is a bug.

Seeds: the corpus articles (.txt), one of them as an HTML page, the generated report PDF (as
written, and with uncompressed page streams so flips reach the content parser) and the generated
agreement .docx (damaged as a zip, inside its XML bytes, and element by element in well-formed
XML). Each mutated file goes through
`read_path`, the facets and the chunker, as ingest would; a file either becomes a document whose
chunks are exact slices or is refused with a VidensbankError. A file taking longer than
HANG_SECONDS counts as a failure too: ingest must finish in bounded time.
"""

from __future__ import annotations

import html
import random
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from conftest import ARTICLES
from fixtures import make_report as report_module
from fixtures.figures import record
from fixtures.make_agreement import make_agreement
from fixtures.mutate import mutate, mutate_xml, mutate_zip_member
from vidensbank.index.text.chunking import chunk_document
from vidensbank.ingest.document import read_document

from vidensbank.errors import VidensbankError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

# Mutations per format in the default run (about 12 s here); the slow run tries SLOW_FACTOR times
# as many, with other seeds.
RUNS = {"txt": 60, "html": 50, "pdf": 60, "docx": 80}
SLOW_FACTOR = 4
HANG_SECONDS = 30
DOCX_XML = ("word/document.xml", "word/styles.xml", "word/numbering.xml", "[Content_Types].xml",
            "word/_rels/document.xml.rels", "docProps/core.xml")


class Hang(Exception):
    pass


@dataclass
class FuzzResult:
    tried: int = 0
    ingested: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _html_page(article: Path) -> bytes:
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    title = html.escape(paragraphs[0])
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | Site</title>'
            f'<meta property="og:title" content="{title}"></head><body><nav><a href="/">Forside'
            f"</a></nav><article><h1>{title}</h1><time datetime='2023-03-15'>15. marts 2023"
            f"</time>{body}<ul><li>punkt <b>et</b></li><li>to<ol><li>indre</li></ol></li></ul>"
            f"<table><tr><td>Område</td><td>Beboere</td></tr></table></article></body></html>"
            ).encode()


def _uncompressed_report(path: Path) -> None:
    make_pdf = report_module._new_pdf

    def plain_pdf() -> report_module._ReportPDF:
        pdf = make_pdf()
        pdf.set_compression(False)
        return pdf

    with mock.patch.object(report_module, "_new_pdf", plain_pdf):
        report_module.make_report(path)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, bytes]]]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    report_module.make_report(folder / "rapport.pdf")
    _uncompressed_report(folder / "rapport-ukomprimeret.pdf")
    make_agreement(folder / "aftale.docx")
    articles = sorted(ARTICLES.glob("*.txt"))
    return {
        "txt": [(p.name, p.read_bytes()) for p in articles],
        "html": [("side.html", _html_page(articles[0])), ("side2.html", _html_page(articles[3]))],
        "pdf": [(name, (folder / name).read_bytes())
                for name in ("rapport.pdf", "rapport-ukomprimeret.pdf")],
        "docx": [(name, (folder / "aftale.docx").read_bytes())
                 for name in ("aftale.docx", "aftale-xml.docx", "aftale-elementer.docx")],
    }


def _mutant(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    if name == "aftale-xml.docx":
        return mutate_zip_member(data, rng, DOCX_XML)
    if name == "aftale-elementer.docx":
        return mutate_zip_member(data, rng, DOCX_XML, mutate_xml)
    return mutate(data, rng)


def try_one(path: Path) -> str:
    """'ingested' or 'refused'; raises anything else the readers or the chunker let through."""
    try:
        with time_limit(HANG_SECONDS):
            doc = read_document(path)
            nodes = chunk_document(doc)
    except VidensbankError as exc:
        assert "\n" not in str(exc), f"reason over several lines: {exc!r}"
        return "refused"
    for node in nodes:
        assert doc.text[node.start_char_idx:node.end_char_idx] == node.text
    return "ingested"


def fuzz(kind: str, seeds: list[tuple[str, bytes]], runs: int, folder: Path,
         salt: str = "") -> FuzzResult:
    result = FuzzResult()
    for i in range(runs):
        name, data = seeds[i % len(seeds)]
        seed = f"{salt}{kind}:{name}:{i}"
        step, mutated = _mutant(name, data, random.Random(seed))
        path = folder / f"mutant-{i}{Path(name).suffix}"
        path.write_bytes(mutated)
        result.tried += 1
        try:
            outcome = try_one(path)
        except Exception as exc:  # the finding: name the seed so it can be replayed
            result.failures.append(f"{seed} [{step}]: {type(exc).__name__}: {exc}"[:300])
            continue
        finally:
            path.unlink()
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _run(kind: str, seeds: dict, runs: int, tmp_path: Path, salt: str = "") -> None:
    clock = time.perf_counter()
    result = fuzz(kind, seeds[kind], runs, tmp_path, salt)
    record(f"fuzz_{salt}{kind}", inputs_tried=result.tried, ingested=result.ingested,
           refused=result.refused, failures=len(result.failures),
           seconds=round(time.perf_counter() - clock, 1))
    assert result.tried == runs
    assert not result.failures, "\n".join(result.failures)


@pytest.mark.parametrize("kind", list(RUNS))
def test_mutated_files_are_read_or_refused(kind: str, seeds: dict, tmp_path: Path) -> None:
    _run(kind, seeds, RUNS[kind], tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(RUNS))
def test_many_more_mutated_files(kind: str, seeds: dict, tmp_path: Path) -> None:
    _run(kind, seeds, RUNS[kind] * SLOW_FACTOR, tmp_path, salt="slow_")
