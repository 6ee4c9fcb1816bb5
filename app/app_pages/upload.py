"""Tilføj dokumenter: upload files (or a URL, where supported), ingest them, show the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from vidensbank.app import app_pages as P
from vidensbank.app import labels, resources, upload_gate, uploads
from vidensbank.app import ui_text as T
from vidensbank.index.api import IngestReport
from vidensbank.ingest.schema import DOC_TYPES

REPORT_KEY = "upload_report"


def _progress(bar: Any) -> Any:
    def update(done: int, total: int, name: str) -> None:
        text = T.UPLOAD_PROGRESS.format(name=name, done=done + 1, total=total) if name else \
            T.UPLOAD_DONE
        bar.progress(done / total if total else 1.0, text=text)

    return update


def _form() -> tuple[list[uploads.Upload], str, str | None, bool]:
    url_ready = uploads.fetch_module() is not None
    with st.form("upload_form", clear_on_submit=True):
        # No `type=`: Streamlit would refuse other files in English; uploads.py says it in Danish.
        files = st.file_uploader(T.UPLOAD_FILES, accept_multiple_files=True,
                                 max_upload_size=uploads.MAX_UPLOAD_MB, key="upload_files")
        st.caption(T.UPLOAD_HELP.format(limits=uploads.size_limits()))
        url = st.text_input(T.UPLOAD_URL, placeholder=T.UPLOAD_URL_PLACEHOLDER,
                            disabled=not url_ready, key="upload_url")
        if not url_ready:
            st.caption(T.UPLOAD_URL_UNAVAILABLE)
        doc_type = st.selectbox(T.UPLOAD_DOC_TYPE, [None, *DOC_TYPES], key="upload_doc_type",
                                format_func=lambda v: labels.doc_type_label(v) if v
                                else T.UPLOAD_DOC_TYPE_AUTO)
        submitted = st.form_submit_button(T.UPLOAD_BUTTON, type="primary")
    chosen = [uploads.Upload(f.name, f.getvalue()) for f in files or []]
    return chosen, (url or "").strip(), doc_type, submitted


def _ingest(files: list[uploads.Upload], url: str, doc_type: str | None) -> IngestReport | None:
    library = resources.knowledge_base()
    if url and not url.startswith(("http://", "https://")):
        st.error(T.UPLOAD_URL_INVALID)
        return None
    bar = st.progress(0.0)
    try:
        return uploads.ingest_uploads(library, files, urls=[url] if url else [], doc_type=doc_type,
                                      on_progress=_progress(bar))
    except uploads.VidensbankError as exc:  # e.g. another ingest holds the index
        st.error(str(exc))
        return None
    finally:
        bar.empty()  # a full bar reads as success; the report below says what happened


def _shown(path: str) -> str:
    # The file's name, not where the server keeps it; an address in full.
    return path if path.startswith(("http://", "https://")) else Path(path).name


def _outcome(report: dict[str, Any]) -> None:
    """In words first: what failed and why, and links to what got in."""
    failed, added = report["failed"], [*report["ingested"], *report.get("updated", [])]
    if failed:
        st.error(T.REPORT_NONE_IN if not added else T.REPORT_SOME_FAILED.format(
            n=labels.count(len(failed), T.FILES)))
        for f in failed:
            st.markdown(f"- **{labels.plain(_shown(f['path']))}**: {labels.plain(f['reason'])}")
    docs = uploads.documents_from(resources.knowledge_base(), added)
    if docs:
        st.success(T.REPORT_ADDED.format(n=labels.count(len(docs), T.DOCUMENTS)))
        for doc_id, title in docs:
            if st.button(title, key=f"uploaded_{doc_id}", icon=T.ICON_OPEN):
                st.switch_page(P.SOURCES, query_params={"doc_id": doc_id})


def _report(report: dict[str, Any]) -> None:
    _outcome(report)
    cols = st.columns(4)
    cols[0].metric(T.REPORT_INGESTED, len(report["ingested"]))
    cols[1].metric(T.REPORT_SKIPPED, len(report["skipped"]))
    cols[2].metric(T.REPORT_FAILED, len(report["failed"]))
    cols[3].metric(T.REPORT_CHUNKS, report["chunks"])
    if report["skipped"]:
        st.caption(T.REPORT_SKIPPED_NOTE)


def main() -> None:
    resources.knowledge_base()
    st.header(T.UPLOAD_HEADER)
    st.caption(T.UPLOAD_INTRO)
    if not upload_gate.uploads_allowed():  # read-only for a team unless the password is given
        return
    files, url, doc_type, submitted = _form()
    if submitted and not files and not url:
        st.warning(T.UPLOAD_NOTHING)
    elif submitted:
        report = _ingest(files, url, doc_type)
        if report is not None:
            st.session_state[REPORT_KEY] = report.as_dict()
    if REPORT_KEY in st.session_state:
        _report(st.session_state[REPORT_KEY])


main()
