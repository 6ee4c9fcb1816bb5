"""Spørg: a question in; an answer of verbatim quotes with [n] markers and their passages out."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from vidensbank.app import app_pages as P
from vidensbank.app import html_view, labels, llm_view, resources
from vidensbank.app import ui_text as T
from vidensbank.app.results import to_csv
from vidensbank.index.api import Answer, Citation, Comparison

INPUT_KEY = "ask_input"
ASKED_KEY = "ask_asked"
RESULT_KEY = "ask_result"
COMPARE_KEY = "ask_compare"
COMPARE_RESULT_KEY = "ask_compare_result"


def _ask(question: str) -> None:
    """Callback of the example buttons: fill the field and ask."""
    st.session_state[INPUT_KEY] = question
    st.session_state[ASKED_KEY] = question


def _restore_from_url() -> None:
    # The question lives in the URL too, so a reload or a shared link shows the same answer.
    if ASKED_KEY not in st.session_state and st.query_params.get("q"):
        _ask(st.query_params["q"])
    elif INPUT_KEY not in st.session_state and st.session_state.get(ASKED_KEY):
        st.session_state[INPUT_KEY] = st.session_state[ASKED_KEY]  # back from another page


def _question_form() -> None:
    with st.form("ask_form", border=False):
        question = st.text_input(T.ASK_INPUT, key=INPUT_KEY, placeholder=T.ASK_PLACEHOLDER)
        if st.form_submit_button(T.ASK_BUTTON, type="primary"):
            st.session_state[ASKED_KEY] = question.strip()


def _examples() -> None:
    st.subheader(T.ASK_EXAMPLES)
    for i, question in enumerate(T.EXAMPLE_QUESTIONS):
        st.button(question, key=f"example_{i}", on_click=_ask, args=(question,))


def _result(question: str) -> Answer:
    cached = st.session_state.get(RESULT_KEY)
    if cached is not None and cached.question == question:
        return cached
    with st.spinner(T.ASK_SPINNER):
        result = resources.knowledge_base().ask(question)
    st.session_state[RESULT_KEY] = result
    return result


def by_passage(citations: list[Citation]) -> list[list[Citation]]:
    """Citations that quote the same passage, together: the passage is shown once."""
    groups: dict[tuple[str, int, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.passage.start_char, c.passage.end_char), []).append(c)
    return list(groups.values())


def _passage(group: list[Citation]) -> None:
    first = group[0]
    with st.container(border=True):
        numbers = " ".join(f"[{c.n}]" for c in group)
        st.markdown(f"**{labels.plain(numbers)} {labels.plain(first.title or first.doc_id)}**")
        pages = sorted({c.page for c in group if c.page})
        st.caption(labels.plain(labels.meta_line(first.doc_type, first.source, first.passage.date,
                                                 ", ".join(pages) or None, first.section)))
        spans = [(c.start_char, c.end_char, f"[{c.n}]") for c in group]
        st.html(html_view.passage_html(first.passage, spans))
        for col, c in zip(st.columns(max(len(group), 3)), group, strict=False):
            if col.button(T.ASK_OPEN_SOURCE.format(n=c.n), key=f"open_{c.n}", icon=T.ICON_OPEN):
                st.switch_page(P.SOURCES, query_params={
                    "doc_id": c.doc_id, "start": str(c.start_char), "end": str(c.end_char)})


def comparison_rows(result: Comparison) -> list[dict[str, str]]:
    """One table row per place: its quotes with their [n], and where each stands, each quote
    and each source in a paragraph of its own (two quotes run together read as one)."""
    return [{T.COMPARE_COLUMNS["place"]: row.place,
             T.COMPARE_COLUMNS["kommune"]: row.kommune or "",
             T.COMPARE_COLUMNS["boligomraade"]: row.boligomraade or "",
             T.COMPARE_COLUMNS["title"]: row.title,
             T.COMPARE_COLUMNS["quotes"]: "\n\n".join(f"«{c.quote}» [{c.n}]"
                                                       for c in row.citations),
             T.COMPARE_COLUMNS["sources"]: "\n\n".join(f"[{c.n}] {c.citation}"
                                                        for c in row.citations)}
            for row in result.rows]


def _comparison(question: str) -> None:
    cached = st.session_state.get(COMPARE_RESULT_KEY)
    if cached is None or cached.question != question:
        with st.spinner(T.COMPARE_SPINNER):
            cached = resources.knowledge_base().compare(question)
        st.session_state[COMPARE_RESULT_KEY] = cached
    st.subheader(T.COMPARE_HEADER)
    rows = comparison_rows(cached)
    if rows:
        # A static table: long quotes wrap and stay readable (a grid would cut them off).
        st.table(pd.DataFrame(rows).set_index(T.COMPARE_COLUMNS["place"]))
        st.download_button(T.COMPARE_EXPORT, to_csv(rows, tuple(T.COMPARE_COLUMNS.values())),
                           file_name="sammenligning.csv", mime="text/csv", icon=T.ICON_DOWNLOAD)
    if cached.note:
        st.info(cached.note)


def main() -> None:
    resources.knowledge_base()  # an unusable index stops here with a message
    st.header(T.ASK_HEADER)
    st.caption(T.ASK_INTRO)
    _restore_from_url()
    _question_form()
    question = st.session_state.get(ASKED_KEY) or ""
    if not question:
        _examples()
        return
    st.query_params["q"] = question
    if llm_view.show(question):  # VIDENSBANK_LLM_URL: the model's checked answer held up
        return
    if st.toggle(T.COMPARE_TOGGLE, key=COMPARE_KEY, help=T.COMPARE_HELP):
        _comparison(question)
        return
    result = _result(question)
    st.subheader(T.ASK_ANSWER)
    st.html(html_view.answer_html(result))
    st.subheader(T.ASK_CITED)
    if not result.citations:
        st.info(T.ASK_NO_CITATIONS)
    for group in by_passage(result.citations):
        _passage(group)


main()
