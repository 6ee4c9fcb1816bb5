"""Søg: passages by meaning and words, narrowed by facets, grouped by document, exportable."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from vidensbank.app import app_pages as P
from vidensbank.app import html_view, labels, resources, results
from vidensbank.app import ui_text as T
from vidensbank.index.api import Hit, Library
from vidensbank.index.config import SEARCH_MODES

Filters = dict[str, list[object]]
Terms = Callable[[str], list[tuple[int, int]]]  # matched words of a passage

FACETS = ("doc_type", "kommuner", "boligomraader", "themes", "year")
TOP_K_DEFAULT = 20
TOP_K_MAX = 50


def _facet_options(library: Library, key: str) -> list[object]:
    values = [value for value, _ in library.facets(key, limit=500)]
    if key == "year":
        return sorted(values, reverse=True)
    return sorted(values, key=labels.danish_key)


def _filters(library: Library) -> Filters:
    """Facet pickers in the sidebar; values come from the index itself."""
    filters: Filters = {}
    st.sidebar.subheader(T.SEARCH_FILTERS)
    for key in FACETS:
        options = _facet_options(library, key)
        if not options:
            continue
        show = labels.doc_type_label if key == "doc_type" else str
        chosen = st.sidebar.multiselect(T.FACET_LABELS[key], options, format_func=show,
                                        key=f"facet_{key}", placeholder=T.FACET_PLACEHOLDER,
                                        select_all=False)  # its "Select all" is English only
        if chosen:
            filters[key] = chosen
    return filters


def _exports(hits: list[Hit]) -> None:
    rows = results.export_rows(hits)
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(T.SEARCH_EXPORT_CSV, results.to_csv(rows, results.EXPORT_FIELDS),
                         file_name=f"{T.EXPORT_STEM}.csv", mime="text/csv", icon=T.ICON_DOWNLOAD)
    right.download_button(T.SEARCH_EXPORT_JSON, results.to_json(rows),
                          file_name=f"{T.EXPORT_STEM}.json", mime="application/json",
                          icon=T.ICON_DOWNLOAD)


def _group(group: results.DocGroup, terms: Terms) -> None:
    with st.container(border=True):
        st.markdown(f"#### {labels.plain(group.title or group.doc_id)}")
        places = [f"{T.LABEL_KOMMUNER}: {', '.join(group.kommuner)}" if group.kommuner else "",
                  f"{T.LABEL_BOLIGOMRAADER}: {', '.join(group.boligomraader)}"
                  if group.boligomraader else ""]
        st.caption(labels.plain(" · ".join(
            p for p in [labels.meta_line(group.doc_type, group.source, group.date), *places]
            if p)))
        _hit(group.hits[0], terms)
        if len(group.hits) > 1:  # the best passage shows the case; the rest on request
            with st.expander(T.SEARCH_MORE.format(n=len(group.hits) - 1)):
                for hit in group.hits[1:]:
                    _hit(hit, terms)


def _hit(hit: Hit, terms: Terms) -> None:
    heading = T.SEARCH_PASSAGE.format(rank=hit.rank)
    st.caption(labels.plain(" · ".join([heading, *labels.location_parts(hit.page, hit.section)])))
    st.html(html_view.hit_html(hit, terms(hit.text)))
    if st.button(T.SEARCH_OPEN_SOURCE, key=f"open_{hit.rank}", icon=T.ICON_OPEN):
        st.switch_page(P.SOURCES, query_params={
            "doc_id": hit.doc_id, "start": str(hit.start_char), "end": str(hit.end_char),
            "at": str(hit.window_start)})  # where the hit is labelled: its window's start


def main() -> None:
    library = resources.knowledge_base()
    st.header(T.SEARCH_HEADER)
    filters = _filters(library)
    top_k = st.sidebar.slider(T.SEARCH_TOP_K, 5, TOP_K_MAX, TOP_K_DEFAULT, step=5)
    query = st.text_input(T.SEARCH_INPUT, key="search_query", placeholder=T.SEARCH_PLACEHOLDER)
    mode = st.radio(T.SEARCH_MODE, SEARCH_MODES, format_func=T.SEARCH_MODE_LABELS.get,
                    horizontal=True, key="search_mode")
    if not query.strip():
        st.info(T.SEARCH_EMPTY)
        return
    hits = library.search(query, top_k=top_k, mode=mode, filters=filters or None)
    if not hits:
        st.warning(T.SEARCH_NONE)
        return
    groups = results.group_by_document(hits)
    st.markdown(T.SEARCH_SUMMARY.format(hits=labels.count(len(hits), T.PASSAGES),
                                        docs=labels.count(len(groups), T.DOCUMENTS)))
    _exports(hits)
    for group in groups:
        _group(group, lambda text: library.term_spans(query, text))


main()
