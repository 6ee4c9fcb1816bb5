"""Kilder: the documents in the index, their metadata and text; a cited span shown and marked.

Opened from a citation with query parameters doc_id, start and end (offsets in Document.text),
and `at` where the page and section are read (a search hit's window start; else `start`), so the
link to a cited place survives a reload, can be shared, and names the page the other views name.
"""

from __future__ import annotations

import streamlit as st
from vidensbank.app import html_view, labels, resources
from vidensbank.app import ui_text as T
from vidensbank.index.api import DocumentView
from vidensbank.ingest import schema
from vidensbank.ingest.layout import location

PICK_KEY = "sources_doc"


def _span_param() -> tuple[int, int] | None:
    try:
        return int(st.query_params["start"]), int(st.query_params["end"])
    except (KeyError, ValueError):
        return None


def _label_offset(span: tuple[int, int]) -> int:
    try:
        at = int(st.query_params["at"])
    except (KeyError, ValueError):
        return span[0]
    return at if span[0] <= at < span[1] else span[0]


def _on_pick() -> None:
    # Another document picked by hand: the cited span belonged to the previous one.
    st.query_params.clear()
    st.query_params["doc_id"] = st.session_state[PICK_KEY]


def _overview(docs: list[DocumentView], expanded: bool) -> None:
    rows = [{
        T.LABEL_TITLE: d.metadata.get(schema.TITLE) or d.doc_id,
        T.LABEL_TYPE: labels.doc_type_label(d.metadata.get(schema.DOC_TYPE)),
        T.LABEL_SOURCE: d.metadata.get(schema.SOURCE) or "",
        T.LABEL_DATE: d.metadata.get(schema.DATE) or "",
        T.LABEL_KOMMUNER: labels.join_values(d.metadata.get(schema.KOMMUNER)),
        T.LABEL_BOLIGOMRAADER: labels.join_values(d.metadata.get(schema.BOLIGOMRAADER)),
        T.LABEL_CHUNKS: d.chunks,
        T.LABEL_DOC_ID: d.doc_id,
    } for d in docs]
    shown = T.SOURCES_COUNT.format(n=labels.count(len(docs), T.DOCUMENTS))
    with st.expander(shown, expanded=expanded):
        st.dataframe(rows, hide_index=True)


def _metadata(doc: DocumentView) -> None:
    meta = doc.metadata
    fields = [(T.LABEL_DOC_ID, doc.doc_id), (T.LABEL_AUTHORS, meta.get(schema.AUTHORS)),
              (T.LABEL_KOMMUNER, meta.get(schema.KOMMUNER)),
              (T.LABEL_BOLIGOMRAADER, meta.get(schema.BOLIGOMRAADER)),
              (T.LABEL_THEMES, meta.get(schema.THEMES)), (T.LABEL_URL, meta.get(schema.URL)),
              (T.LABEL_CHUNKS, doc.chunks)]
    if ocr := labels.ocr_note(meta):  # recognised text: say so where the text is read
        st.caption(f"{T.LABEL_OCR}: {labels.plain(ocr)}")
    with st.expander(T.SOURCES_METADATA):
        for name, value in fields:
            if value:
                st.markdown(f"**{name}:** {labels.plain(labels.join_values(value))}")


def _document(doc: DocumentView, span: tuple[int, int] | None) -> None:
    meta = doc.metadata
    where = location(meta, _label_offset(span)) if span else None
    page, section = (where.page, where.section) if where else (None, None)
    st.subheader(labels.plain(meta.get(schema.TITLE) or doc.doc_id), anchor=False)
    st.caption(labels.plain(labels.meta_line(meta.get(schema.DOC_TYPE), meta.get(schema.SOURCE),
                                             meta.get(schema.DATE), page, section)))
    _metadata(doc)
    a, b = span or (0, 0)
    if span:
        # Page and section for readers; the character offsets only in the tooltip.
        st.markdown(" · ".join([f"**{T.SOURCES_CITED}**",
                                *map(labels.plain, labels.location_parts(page, section))]),
                    help=T.SOURCES_CHARS.format(start=a, end=b))
        with st.container(border=True):
            st.html(html_view.context_html(doc.text, a, b))
        st.html(f'<a href="#{html_view.MARK_ID}">{T.SOURCES_JUMP}</a>')
    st.markdown(f"**{T.SOURCES_FULL_TEXT}**")
    with st.container(height=600, border=True):
        st.html(html_view.text_block(html_view.highlight(doc.text, a, b,
                                                         mark_id=html_view.MARK_ID)))


def main() -> None:
    library = resources.knowledge_base()
    st.header(T.SOURCES_HEADER)
    if changes := library.recipe_changes():  # usable as it is; `reindex` brings it up to date
        st.info(T.RECIPE_NOTICE.format(changes="; ".join(changes)))
    docs = library.documents()
    if not docs:
        st.info(T.SOURCES_EMPTY)
        return
    ids = [d.doc_id for d in docs]
    wanted = st.query_params.get("doc_id")
    if wanted and wanted not in ids:
        st.warning(T.SOURCES_UNKNOWN.format(doc_id=wanted))
    elif wanted:
        st.session_state[PICK_KEY] = wanted
    _overview(docs, expanded=not wanted)
    titles = {d.doc_id: d.metadata.get(schema.TITLE) or d.doc_id for d in docs}
    doc_id = st.selectbox(T.SOURCES_PICK, ids, format_func=titles.get, key=PICK_KEY,
                          on_change=_on_pick)
    doc = library.document(doc_id)
    if doc is None:  # removed since the list was read
        st.warning(T.SOURCES_UNKNOWN.format(doc_id=doc_id))
        return
    span = _span_param() if doc_id == wanted else None
    if span and not 0 <= span[0] < span[1] <= len(doc.text):
        st.warning(T.SOURCES_BAD_SPAN)
        span = None
    _document(doc, span)


main()
