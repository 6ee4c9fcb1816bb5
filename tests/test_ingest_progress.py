"""`vidensbank ingest` shows a bar per file with its pages and chunks, while the file is read and
while its chunks are embedded; it stays quiet when stderr is no terminal."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from conftest import cli
from fixtures.make_report import make_report
from vidensbank.app.cli import main
from vidensbank.index.build import resume

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser


class Terminal(io.StringIO):
    """stderr as a terminal, so the bars draw as they do for a user."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_report(tmp_path_factory.mktemp("rapport") / "fiktiv-rapport.pdf")["path"]


def test_bar_follows_pages_then_chunks(report_pdf: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    monkeypatch.setattr(resume, "WRITE_EVERY", 2)  # a short report written in several batches
    pages = len(PdfReader(report_pdf).pages)
    err, out = Terminal(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["ingest", str(report_pdf), "--index", str(tmp_path / "idx")])
    assert code == 0, out.getvalue()
    chunks = int(re.search(r"nye tekstbidder: (\d+)", out.getvalue())[1])
    drawn = err.getvalue()
    assert "fiktiv-rapport.pdf" in drawn
    # Every page as it is read, before any chunk: the bar moves during the parse.
    for page in (1, pages // 2, pages):
        assert f"side {page}/{pages}" in drawn
    assert drawn.index(f"side 1/{pages}") < drawn.index("tekstbidder")
    # Chunks as they are written, from none to all: the bar moves during the embedding too.
    assert f"side {pages}/{pages}, tekstbidder 0/{chunks}" in drawn
    assert f"tekstbidder {chunks}/{chunks}" in drawn
    written = [int(n) for n in re.findall(rf"tekstbidder (\d+)/{chunks}", drawn)]
    assert written == sorted(written) and len(set(written)) > 2


def test_quiet_without_terminal(report_pdf: Path, tmp_path: Path) -> None:
    result = cli("ingest", str(report_pdf), index=tmp_path / "idx")
    assert result.returncode == 0
    assert "tekstbidder" not in result.stderr and "side 1/" not in result.stderr
    result = cli("ingest", "--json", str(report_pdf), index=tmp_path / "idx2")
    assert json.loads(result.stdout)["chunks"] > 0
