"""Serving the app to a team: the address and proxy path, uploads only for those allowed, and one
log line per question. The stop on SIGTERM is in test_service_stop.py (a real server)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import cli
from test_app_pages import SCRIPT_DOC, page
from vidensbank.app import resources, upload_gate
from vidensbank.app import ui_text as T
from vidensbank.app.cli import build_parser, serve
from vidensbank.app.cli.common import config_from
from vidensbank.index import query_log
from vidensbank.index.api import Library
from vidensbank.index.config import Config, load_config
from vidensbank.index.open_index import OpenIndex

from vidensbank.errors import ConfigError

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

PASSWORD = "æble-Hus 42"
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO vidensbank\.queries: question "
                  r"kind=(\w+) mode=(\w+) hits=(\d+) outcome=(\w+) ms=(\d+)$")


# --- address and proxy path ------------------------------------------------------------------

def test_address_and_base_path_reach_the_server_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDENSBANK_ADDRESS", "10.0.0.5")
    args = build_parser().parse_args(["app", "--base-url-path", "vidensbank"])
    config = config_from(args)
    assert (config.address, config.base_url_path) == ("10.0.0.5", "vidensbank")
    flagged = config_from(build_parser().parse_args(["app", "--address", "0.0.0.0"]))
    cmd = serve.server_command(flagged, 8600)
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    env = serve.server_env(config)
    assert (env["VIDENSBANK_ADDRESS"], env["VIDENSBANK_BASE_URL_PATH"]) == ("10.0.0.5",
                                                                           "vidensbank")
    assert env["VIDENSBANK_LOG_LEVEL"] == "INFO"  # a service logs its questions by default
    assert Config().address == "localhost"


@pytest.mark.parametrize("address,path,local", [
    ("localhost", "", True), ("127.0.0.1", "", True), ("::1", "", True), ("[::1]", "/", True),
    ("0.0.0.0", "", False), ("", "", False), ("10.0.0.5", "", False), ("vidensbank.lan", "", False),
    ("127.0.0.1", "vidensbank", False),  # behind a reverse proxy: others reach it
])
def test_who_the_app_is_served_to(address: str, path: str, local: bool) -> None:
    assert Config(address=address, base_url_path=path).serves_locally is local


def test_password_stays_out_of_repr_and_bad_log_level_is_refused() -> None:
    config = Config.from_env({"VIDENSBANK_UPLOAD_PASSWORD": PASSWORD})
    assert config.upload_password == PASSWORD and PASSWORD not in repr(config)
    with pytest.raises(ConfigError, match="logniveau"):
        Config.from_env({"VIDENSBANK_LOG_LEVEL": "snakkesalig"})


def test_password_comparison() -> None:
    assert upload_gate.password_matches(PASSWORD, PASSWORD)
    assert not upload_gate.password_matches(PASSWORD[:-1], PASSWORD)
    assert not upload_gate.password_matches("", PASSWORD)


# --- the Tilføj page -------------------------------------------------------------------------

@pytest.fixture
def team_env(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private index, served on every interface, with no password unless a test sets one."""
    monkeypatch.setenv("VIDENSBANK_INDEX", str(index_copy))
    monkeypatch.setenv("VIDENSBANK_ADDRESS", "0.0.0.0")
    monkeypatch.delenv("VIDENSBANK_UPLOAD_PASSWORD", raising=False)
    monkeypatch.delenv("VIDENSBANK_BASE_URL_PATH", raising=False)
    yield index_copy
    resources.close_all()


def documents(index_dir: Path) -> int:
    with Library.open(Config(index_dir=index_dir)) as library:
        return len(library.documents())


@pytest.mark.parametrize("address,path", [("0.0.0.0", ""), ("127.0.0.1", "vidensbank")])
def test_served_to_others_without_password_the_page_is_read_only(
        team_env: Path, monkeypatch: pytest.MonkeyPatch, address: str, path: str) -> None:
    monkeypatch.setenv("VIDENSBANK_ADDRESS", address)
    monkeypatch.setenv("VIDENSBANK_BASE_URL_PATH", path)
    before = documents(team_env)
    at = page("upload").run()
    assert not at.exception and not at.error
    shown = address if not path else f"{address}, /{path}/"
    assert [i.value for i in at.info] == [T.UPLOAD_READ_ONLY.format(address=shown)]
    assert not at.get("file_uploader") and not at.text_input and not at.button
    resources.close_all()
    assert documents(team_env) == before


def test_with_the_password_an_upload_goes_in(team_env: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("VIDENSBANK_UPLOAD_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    at = page("upload").run()
    assert [i.value for i in at.info] == [T.UPLOAD_LOCKED.format(address="0.0.0.0")]
    assert not at.get("file_uploader")

    at.text_input(key="upload_password").input("forkert")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [T.UPLOAD_WRONG_PASSWORD]
    assert not at.get("file_uploader")

    at.text_input(key="upload_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error and not at.info
    at.file_uploader(key="upload_files").upload("Æblehaven.txt", SCRIPT_DOC.encode(),
                                                "text/plain")
    at.button[0].click().run()
    assert not at.exception and not at.error
    report = at.session_state["upload_report"]
    assert len(report["ingested"]) == 1 and not report["failed"]
    hits = resources.open_library(load_config()).search("lektiecafé med frivillige i Æblehaven")
    assert hits and hits[0].doc_id == "aeblehaven"
    assert PASSWORD not in caplog.text


# --- one log line per question ---------------------------------------------------------------

@pytest.fixture
def query_lines(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    logger = logging.getLogger("vidensbank")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    yield
    logger.setLevel(saved[0])
    logger.propagate = saved[1]
    logger.handlers[:] = saved[2]


def test_one_line_per_question_without_text(corpus_open_index: OpenIndex, query_lines: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    library = Library(corpus_open_index)
    question, offtopic = "Hvordan kobler andre til kernedriften?", "Hvem vandt VM i fodbold 2022?"
    query_log.configure("WARNING")
    library.search(question)
    assert capsys.readouterr().err == ""

    query_log.configure("INFO")
    hits = library.search(question, mode="bm25")
    answers = [library.ask(question), library.ask(offtopic)]
    err = capsys.readouterr().err
    lines = [LINE.match(line) for line in err.splitlines()]
    assert len(lines) == 3 and all(lines), err
    kinds = [(m[1], m[2], int(m[3]), m[4]) for m in lines if m]
    assert kinds[0] == ("search", "bm25", len(hits), "hits")
    for (kind, mode, n, outcome), result in zip(kinds[1:], answers, strict=True):
        assert (kind, mode, n) == ("ask", "hybrid", len(result.hits))
        assert outcome == ("answer" if result.citations else "refusal")
    assert kinds[1][3] == "answer"
    texts = [question, offtopic, *(h.text[:40] for h in hits),
             *(c.quote[:40] for c in answers[0].citations)]
    assert not [t for t in texts if t in err]


def test_log_level_comes_from_the_environment(corpus_index: Path, query_lines: None) -> None:
    quiet = cli("search", "kernedriften", index=corpus_index)
    loud = cli("search", "kernedriften", index=corpus_index, env={"VIDENSBANK_LOG_LEVEL": "info"})
    assert quiet.returncode == loud.returncode == 0
    assert "question kind=" not in quiet.stderr
    assert len([ln for ln in loud.stderr.splitlines() if LINE.match(ln)]) == 1, loud.stderr
