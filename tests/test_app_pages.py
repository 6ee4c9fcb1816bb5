"""The Streamlit pages through AppTest, against a real index (a private copy of the corpus index).

AppTest runs the scripts in this process, so the app's cached OpenIndex is the one
`resources.open_library(load_config())` returns here; each fixture closes it again, because a Qdrant
Edge shard can be open only once.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from vidensbank.app import html_view, labels, resources, results, uploads
from vidensbank.app import ui_text as T
from vidensbank.index.api import Library
from vidensbank.index.config import load_config
from vidensbank.index.evaluation import runs as evaluation
from vidensbank.index.manifest import read_manifest, write_manifest
from vidensbank.index.retrieval.search import search

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser

APP = ROOT / "app"
ENTRY = APP / "streamlit_app.py"
TIMEOUT = 120  # the first run of a test loads the model and opens the index
EXAMPLE = "Hvordan kobler andre til kernedriften?"
NOTICE = T.RECIPE_NOTICE.split("(")[0]  # the older-recipe notice, up to what changed
SCRIPT_DOC = (
    "Lektiecafé i Æblehaven <script>alert(1)</script>\n\n"
    "I Æblehaven i Roskilde har den boligsociale indsats oprettet en lektiecafé, hvor frivillige "
    "hjælper børn og unge med lektier to gange om ugen. <script>window.vbXss = 1</script> Caféen "
    "samarbejder med skolen og biblioteket, og forældrene inviteres til fælles spisning.\n\n"
    "Projektlederen fortæller, at mange børn nu møder op hver uge. "
    '<img src=x onerror="window.vbXss = 2"> Erfaringerne deles med andre boligområder.\n'
)


def page(name: str) -> AppTest:
    return AppTest.from_file(str(APP / "app_pages" / f"{name}.py"), default_timeout=TIMEOUT)


def shared_library() -> Library:
    """The knowledge base the app has cached for the current VIDENSBANK_INDEX."""
    return resources.open_library(load_config())


@pytest.fixture(scope="module")
def app_index(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    target = tmp_path_factory.mktemp("app-index") / "index"
    shutil.copytree(corpus_index, target, ignore=shutil.ignore_patterns("write.lock"))
    yield target
    resources.close_all()


@pytest.fixture
def app_env(app_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDENSBANK_INDEX", str(app_index))
    return app_index


@pytest.fixture
def writable_env(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An index of its own for tests that add documents."""
    monkeypatch.setenv("VIDENSBANK_INDEX", str(index_copy))
    yield index_copy
    resources.close_all()


def html_bodies(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html")]


def ask_example(at: AppTest) -> AppTest:
    at.run()
    return at.button(key="example_0").click().run()


# --- Spørg -----------------------------------------------------------------------------------

def test_ask_page_offers_example_questions(app_env: Path) -> None:
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert EXAMPLE in [b.label for b in at.button] and len(T.EXAMPLE_QUESTIONS) >= 3
    assert at.header[0].value == T.ASK_HEADER


def test_example_question_gives_answer_with_marked_quotes(app_env: Path) -> None:
    at = ask_example(AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT))
    assert not at.exception
    assert at.text_input(key="ask_input").value == EXAMPLE
    assert at.query_params["q"] == [EXAMPLE] or at.query_params["q"] == EXAMPLE
    result = at.session_state["ask_result"]
    assert result.citations, "the example question should be answered"
    bodies = html_bodies(at)
    answer_body = bodies[0]
    idx = shared_library()
    for c in result.citations:
        assert f'<span class="vb-marker" style="{html_view.MARKER_STYLE}">[{c.n}]</span>' \
            in answer_body
        assert idx.citation_is_exact(c)
        marked = f'style="{html_view.MARK_STYLE}">{html.escape(c.quote)}</mark>'
        assert any(marked in body for body in bodies[1:]), c.quote
    assert sorted(b.label for b in at.button if b.key and b.key.startswith("open_")) == sorted(
        T.ASK_OPEN_SOURCE.format(n=c.n) for c in result.citations)


def test_citation_opens_source_at_the_cited_place(app_env: Path) -> None:
    at = ask_example(AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT))
    first = at.session_state["ask_result"].citations[0]
    at.button(key="open_1").click().run()
    assert not at.exception
    assert at.header[0].value == T.SOURCES_HEADER
    params = {k: at.query_params[k] for k in ("doc_id", "start", "end")}
    flat = {k: v[0] if isinstance(v, list) else v for k, v in params.items()}
    assert flat == {"doc_id": first.doc_id, "start": str(first.start_char),
                    "end": str(first.end_char)}
    assert at.selectbox(key="sources_doc").value == first.doc_id
    mark = f'<mark id="{html_view.MARK_ID}" style="{html_view.MARK_STYLE}">'
    assert any(mark + html.escape(first.quote) + "</mark>" in b for b in html_bodies(at))


def test_compare_places_shows_a_table_and_csv(app_env: Path) -> None:
    at = ask_example(AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT))
    at.toggle(key="ask_compare").set_value(True).run()
    assert not at.exception
    result = at.session_state["ask_compare_result"]
    assert len({r.place for r in result.rows}) >= 2  # the articles that speak of kernedriften
    table = at.table[0].value
    assert list(table.index) == [r.place for r in result.rows]
    assert list(table.columns) == list(T.COMPARE_COLUMNS.values())[1:]
    first = result.rows[0].citations[0]
    assert f"«{first.quote}» [1]" in table.iloc[0][T.COMPARE_COLUMNS["quotes"]]
    # Two quotes of one place stand in paragraphs of their own (Sønderborg: the reply and the
    # introduction), and so do their sources.
    (two,) = [i for i, r in enumerate(result.rows) if len(r.citations) == 2][:1]
    a, b = result.rows[two].citations
    cell = table.iloc[two]
    assert cell[T.COMPARE_COLUMNS["quotes"]] == f"«{a.quote}» [{a.n}]\n\n«{b.quote}» [{b.n}]"
    assert cell[T.COMPARE_COLUMNS["sources"]].count("\n\n") == 1
    assert T.COMPARE_EXPORT in [b.label for b in at.get("download_button")]


def test_offtopic_question_is_refused_on_ask_page(app_env: Path) -> None:
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT).run()
    at.text_input(key="ask_input").input("asdfgh qwerty")
    at.button[0].click().run()
    result = at.session_state["ask_result"]
    assert result.refused and not result.citations
    assert any("ikke noget svar" in body for body in html_bodies(at))


# --- Kilder ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("span", "warning"), [
    ((10, 60), None),
    ((10, 10**9), T.SOURCES_BAD_SPAN),
    (("x", "y"), None),
])
def test_sources_page_marks_a_valid_span_only(app_env: Path, span: tuple, warning: str | None
                                              ) -> None:
    doc = shared_library().documents()[1]
    at = page("sources")
    at.query_params.update(doc_id=doc.doc_id, start=str(span[0]), end=str(span[1]))
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == ([warning] if warning else [])
    text = shared_library().document(doc.doc_id).text
    marked = any("<mark" in b for b in html_bodies(at))
    assert marked == (warning is None and isinstance(span[0], int))
    if marked:
        assert any(f">{html.escape(text[10:60])}</mark>" in b for b in html_bodies(at))


def test_sources_page_lists_every_document(app_env: Path) -> None:
    at = page("sources").run()
    assert not at.exception
    docs = shared_library().documents()
    assert at.selectbox(key="sources_doc").options == [
        d.metadata["title"] for d in docs]
    assert len(at.dataframe[0].value) == len(docs)
    assert not any(i.value.startswith(NOTICE) for i in at.info)  # built with today's recipe


def test_sources_page_tells_of_an_index_built_with_an_older_recipe(
        writable_env: Path) -> None:
    manifest = read_manifest(writable_env)
    del manifest["recipe"]  # as an index from before recipes were recorded
    write_manifest(writable_env, manifest)
    at = page("sources").run()
    assert not at.exception
    notices = [i.value for i in at.info if i.value.startswith(NOTICE)]
    assert len(notices) == 1 and "vidensbank reindex" in notices[0]
    assert shared_library().recipe_changes()[0] in notices[0]
    assert at.selectbox(key="sources_doc").options  # the index stays usable


def test_sources_page_unknown_document(app_env: Path) -> None:
    at = page("sources")
    at.query_params["doc_id"] = "findes-ikke"
    at.run()
    assert [w.value for w in at.warning] == [T.SOURCES_UNKNOWN.format(doc_id="findes-ikke")]


# --- Søg -------------------------------------------------------------------------------------

def test_search_groups_passages_by_document(app_env: Path) -> None:
    at = page("search").run()
    assert [i.value for i in at.info] == [T.SEARCH_EMPTY]
    at.text_input(key="search_query").input("samarbejde med jobcentret").run()
    assert not at.exception
    hits = shared_library().search("samarbejde med jobcentret", top_k=20)
    groups = results.group_by_document(hits)
    assert len(groups) >= 2 and sum(len(g.hits) for g in groups) == len(hits)
    summary = T.SEARCH_SUMMARY.format(hits=labels.count(len(hits), T.PASSAGES),
                                      docs=labels.count(len(groups), T.DOCUMENTS))
    assert summary in [m.value for m in at.markdown]
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(headings) == len(groups)
    assert [b.label for b in at.get("download_button")] == [T.SEARCH_EXPORT_CSV,
                                                            T.SEARCH_EXPORT_JSON]


def test_search_marks_matched_words_and_the_matching_window(app_env: Path) -> None:
    at = page("search").run()
    at.text_input(key="search_query").input("jobcentrene i kernedriften").run()
    assert not at.exception
    shown = "".join(h.proto.body for h in at.get("html"))
    # Stems match across inflections ("jobcentret" for "jobcentrene"); stopwords ("i") do not.
    terms = set(re.findall(r'<b class="vb-term">([^<]*)</b>', shown))
    assert {"kernedriften"} <= terms and any(t.lower().startswith("jobcent") for t in terms)
    assert "i" not in terms and '<span class="vb-window"' in shown
    # Markup in the document is still shown as text.
    hit = shared_library().search("jobcentrene i kernedriften", top_k=1)[0]
    plain_html = html_view.hit_html(replace(hit, text="<script>x</script> kernedriften"),
                                    [(19, 31)])
    assert "<script>" not in plain_html and '<b class="vb-term">kernedriften</b>' in plain_html


@pytest.mark.parametrize(("key", "value"), [
    ("kommuner", "Varde"),
    ("themes", "beskæftigelse"),
    ("doc_type", "artikel"),
])
def test_search_facets_filter_results(app_env: Path, key: str, value: str) -> None:
    at = page("search").run()
    picker = at.multiselect(key=f"facet_{key}")
    assert (labels.doc_type_label(value) if key == "doc_type" else value) in picker.options
    picker.set_value([value])
    at.text_input(key="search_query").input("samarbejde").run()
    assert not at.exception
    hits = shared_library().search("samarbejde", top_k=20, filters={key: [value]})
    assert hits and all(value in (h.metadata.get(key) if isinstance(h.metadata.get(key), list)
                                  else [h.metadata.get(key)]) for h in hits)
    assert T.SEARCH_SUMMARY.format(
        hits=labels.count(len(hits), T.PASSAGES),
        docs=labels.count(len(results.group_by_document(hits)), T.DOCUMENTS)) in [
            m.value for m in at.markdown]


def test_export_csv_and_json(app_env: Path) -> None:
    hits = shared_library().search("kernedriften", top_k=5)
    rows = results.export_rows(hits)
    data = results.to_csv(rows, results.EXPORT_FIELDS)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")),
                                 delimiter=results.CSV_DELIMITER))
    assert [r["doc_id"] for r in parsed] == [h.doc_id for h in hits]
    assert parsed[0]["text"] == hits[0].text
    assert json.loads(results.to_json(rows))[0]["kommuner"] == hits[0].metadata["kommuner"]


# --- Tilføj dokumenter -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("Rapport om Æblehaven.PDF", "Rapport om Æblehaven.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\boot.ini.txt", "boot.ini.txt"),
    (".skjult.docx", "skjult.docx"),
    ("Æblehaven <script>.txt", "Æblehaven _script.txt"),
    ("a\x00b\nc.html", "abc.html"),
    ("....md", "dokument.md"),
    ("ø" * 300 + ".txt", "ø" * uploads.MAX_STEM_CHARS + ".txt"),
    ("Aftale Vejleåparken (2021).docx", "Aftale Vejleåparken (2021).docx"),
])
def test_upload_names_are_sanitised(name: str, expected: str) -> None:
    assert uploads.sanitize_filename(name) == expected


@pytest.mark.parametrize("name", ["program.exe", "uden-endelse", "noter.txt.meta.json", ".."])
def test_upload_of_unsupported_type_is_refused(name: str) -> None:
    with pytest.raises(uploads.UploadError, match="understøttes ikke"):
        uploads.sanitize_filename(name)


def test_oversized_upload_is_refused(tmp_path: Path) -> None:
    big = uploads.Upload("stor.pdf", b"x" * (uploads.MAX_UPLOAD_BYTES + 1))
    saved, refused = uploads.store_uploads(tmp_path, [big])
    assert saved == [] and refused[0][0] == "stor.pdf" and "for stor" in refused[0][1]
    assert not (tmp_path / uploads.UPLOAD_DIR / "stor.pdf").exists()


def test_upload_page_url_field_follows_fetch_support(app_env: Path) -> None:
    at = page("upload").run()
    assert not at.exception
    available = uploads.fetch_module() is not None
    assert at.text_input(key="upload_url").disabled is not available
    assert (T.UPLOAD_URL_UNAVAILABLE in [c.value for c in at.caption]) is not available
    at.button[0].click().run()  # the form's submit button, nothing chosen
    assert [w.value for w in at.warning] == [T.UPLOAD_NOTHING]


def test_uploaded_document_is_searchable_and_shown_as_text(writable_env: Path) -> None:
    at = page("upload").run()
    at.file_uploader(key="upload_files").upload("Æblehaven <script>.txt", SCRIPT_DOC.encode(),
                                                "text/plain")
    at.button[0].click().run()
    assert not at.exception and not at.error
    report = at.session_state["upload_report"]
    assert len(report["ingested"]) == 1 and not report["failed"]
    saved = writable_env / uploads.UPLOAD_DIR / "Æblehaven _script.txt"
    assert saved.read_text(encoding="utf-8") == SCRIPT_DOC

    found = page("search").run()
    found.text_input(key="search_query").input("lektiecafé med frivillige i Æblehaven").run()
    assert any(m.value.startswith("#### Lektiecafé i Æblehaven") for m in found.markdown)

    shown = page("sources")
    shown.query_params["doc_id"] = "aeblehaven-script"
    shown.run()
    bodies = "".join(html_bodies(shown))
    assert "&lt;script&gt;window.vbXss = 1&lt;/script&gt;" in bodies
    assert "<script" not in bodies and "<img" not in bodies


URL_PAGE = (
    "<html><head><title>Værestedet i Lerpøtparken | Boligsocialnet</title></head><body><article>"
    "<h1>Værestedet i Lerpøtparken</h1><p>Værestedet i Lerpøtparken i Esbjerg har åbent fire "
    "dage om ugen, og unge kan få hjælp til jobansøgninger af en medarbejder fra jobcentret. "
    "Samarbejdet med kommunen betyder, at de unge ikke selv skal tage ind til byen.</p>"
    "<p>Projektlederen peger på, at den faste kontakt giver tillid, og at flere unge nu er i "
    "uddannelse eller job end for to år siden.</p></article></body></html>"
)


@pytest.fixture
def web_page(tmp_path: Path) -> Iterator[str]:
    """A page on a local HTTP server: URL ingest end to end without the internet."""
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "vaerestedet.html").write_text(URL_PAGE, encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("localhost", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "ingested", "failed"), [
    ("/vaerestedet.html", 1, 0),
    ("/findes-ikke.html", 0, 1),
])
def test_url_is_fetched_and_ingested(writable_env: Path, web_page: str, path: str,
                                     ingested: int, failed: int) -> None:
    if uploads.fetch_module() is None:
        pytest.fail("ingest.fetch mangler: URL-indlæsning kan ikke testes")
    at = page("upload").run()
    at.text_input(key="upload_url").input(web_page + path)
    at.button[0].click().run()
    assert not at.exception  # a failure is said in words, as an error above the report
    assert [e.value for e in at.error] == ([T.REPORT_NONE_IN] if failed else [])
    report = at.session_state["upload_report"]
    assert (len(report["ingested"]), len(report["failed"])) == (ingested, failed), report
    if ingested:
        doc = shared_library().document("vaerestedet")
        assert doc is not None and "jobcentret" in doc.text
    else:
        assert report["failed"][0]["path"] == web_page + path


def test_invalid_url_is_refused(app_env: Path) -> None:
    at = page("upload").run()
    if at.text_input(key="upload_url").disabled:
        pytest.fail("ingest.fetch mangler: URL-feltet er slået fra")
    at.text_input(key="upload_url").input("ftp://eksempel.dk/rapport.pdf")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [T.UPLOAD_URL_INVALID]


# --- Evaluering ------------------------------------------------------------------------------

def test_evaluation_page_metrics_and_audit(app_env: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    lines = evaluation.DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines()[:3]
    subset = tmp_path / "questions.jsonl"
    subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(evaluation, "DEFAULT_QUESTIONS", subset)
    at = page("evaluation").run()
    at.button[0].click().run()
    assert not at.exception
    result = at.session_state["eval_result"]
    assert result["questions"] == 3 and set(result["modes"]) == set(evaluation.MODES)
    table = at.dataframe[0].value
    assert list(table.index) == [T.EVAL_MODE_LABELS[m] for m in result["modes"]]
    assert list(table.columns) == ["Recall@5", "MRR@10"]
    audit_rows = at.session_state["eval_audit"]
    assert len(audit_rows) == result["citations"]["total"] > 0
    assert all(row["exact"] for row in audit_rows)
    metric = [m.value for m in at.metric if m.label == T.EVAL_EXACT]
    assert metric == [T.EVAL_EXACT_VALUE.format(**result["citations"])]
    assert list(at.dataframe[1].value.columns) == list(T.AUDIT_COLUMNS.values())
    assert T.EVAL_AUDIT_EXPORT in [b.label for b in at.get("download_button")]
    shown = {m.label: m.value for m in at.metric}
    recall = f"{result['answers']['answer_recall']:.3f}".replace(".", ",")
    assert shown[T.EVAL_ANSWER_LABELS["answer_recall"]] == recall
    refusal = result["refusal"]["offtopic"]
    assert refusal["total"] >= 30
    assert shown[T.EVAL_REFUSAL_OFFTOPIC] == T.EVAL_REFUSAL_VALUE.format(**refusal)
    compared = result["compare"]["all"]
    assert compared["questions"] >= 20
    assert shown[T.EVAL_COMPARE_RIGHT] == T.EVAL_COMPARE_VALUE.format(n=compared["right"],
                                                                       total=compared["rows"])


# --- Errors ----------------------------------------------------------------------------------

def _mismatched_model(index_dir: Path) -> None:
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"]["name"] = "en-anden-model"
    (index_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(("prepare", "expected"), [
    (None, "intet indeks"),
    (_mismatched_model, "model"),
])
def test_unusable_index_shows_an_error_not_a_traceback(
        index_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepare, expected: str
) -> None:
    target = index_copy if prepare else tmp_path / "tom"
    if prepare:
        prepare(target)
    monkeypatch.setenv("VIDENSBANK_INDEX", str(target))
    for script in [ENTRY, *sorted((APP / "app_pages").glob("[!_]*.py"))]:
        at = AppTest.from_file(str(script), default_timeout=TIMEOUT).run()
        assert not at.exception, script
        assert expected in at.error[0].value, script
        assert [i.value for i in at.info] == [T.INDEX_ERROR_HINT]


def test_document_text_is_escaped_in_highlights() -> None:
    text = "Før <script>alert(1)</script> efter & <b>fed</b>"
    out = html_view.highlight(text, 4, 29)
    assert "<script" not in out and "<b>" not in out
    assert out == ("Før " + f'<mark style="{html_view.MARK_STYLE}">'
                   "&lt;script&gt;alert(1)&lt;/script&gt;</mark> efter &amp; "
                   "&lt;b&gt;fed&lt;/b&gt;")


def test_passage_marks_several_quotes_with_their_numbers(corpus_open_index) -> None:
    hit = search(corpus_open_index, "kernedriften jobcenter", top_k=1)[0]
    a, b = hit.start_char, hit.start_char + 12
    spans = [(b + 5, b + 20, "[2]"), (a, b, "[1]"), (a + 3, a + 30, "[3]"), (0, 1, "[4]")]
    out = html_view.passage_html(hit, spans)
    mark = f'<mark style="{html_view.MARK_STYLE}">'
    assert out.count("<mark") == 2  # the overlapping and the outside span are left out
    assert (mark + html.escape(hit.text[:12]) + "</mark>") in out
    assert out.index("[1]</sup>") < out.index("[2]</sup>") and "[3]" not in out


def test_an_answer_renders_from_its_groups_with_markers() -> None:
    from vidensbank.index.answers.extractive import Answer, AnswerGroup
    from vidensbank.index.retrieval.citations import Citation

    def cite(n: int, quote: str) -> Citation:
        return Citation(n, "d", "T", None, "artikel", quote, 0, len(quote), None, None, "T",
                        None)  # type: ignore[arg-type]

    first, second = cite(1, "<b>x</b>"), cite(2, "y [7]")
    result = Answer("?", "ignored text", [first, second], lead="Fra 2 forskellige kilder:",
                    groups=[AnswerGroup("a", "A", [first]), AnswerGroup("b", "B", [second])])
    out = html_view.answer_html(result)
    assert "<p>Fra 2 forskellige kilder:</p><p>A:</p><ul><li" in out
    assert out.endswith("</ul></div>") and out.count("<ul>") == 2
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "<b>" not in out and "ignored" not in out
    assert out.count("vb-marker") == 2 and "y [7]»" in out  # "[7]" inside a quote is no marker


def test_a_quote_over_two_lines_stays_one_list_item() -> None:
    """«Lene Krogh Jeppesen mener, ...:\n\n”De boligsociale indsatser ...”»: a lead-in and the
    quotation it introduces are one quote, so one item, its line break kept."""
    from vidensbank.index.answers.extractive import Answer, compose
    from vidensbank.index.answers.quotes import Candidate
    from vidensbank.index.retrieval.search import Hit

    text = ("Indledning.\n\nHun mener, at indsatserne styrker kernedriften:\n\n”Det er alt "
            "sammen en del af den kommunale kernedrift.”\n\nEt afsnit mere.")
    hit = Hit(1, 1.0, "silkeborg", "Borgmester roser samspil", None, "artikel", text, 0,
              len(text), None, None, None, 0, len(text), "", {})
    start = text.index("Hun mener")
    end = text.index("kernedrift.”") + len("kernedrift.”")
    answer = compose("?", [Candidate(1.0, hit, start, end, 1.0, 0.0, 1.0)], [hit])
    assert isinstance(answer, Answer) and "\n\n" in answer.citations[0].quote
    out = html_view.answer_html(answer)
    assert out.count("<li") == 1 and out.count("<p>") == 2  # "Fra 1 kilde:" and the heading
    item = out[out.index("<li"):out.index("</li>")]
    assert "styrker kernedriften:<br><br>”Det er alt" in item and "vb-marker" in item
