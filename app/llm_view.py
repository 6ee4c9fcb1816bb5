"""Spørg with a language model (VIDENSBANK_LLM_URL set): its checked answer, or the fallback.

The page calls `show(question)` once. When the model's answer holds up (Library.generate, mode
"generated") it is shown here, sentence by sentence with the unsupported ones flagged, and the page
stops; when it falls back, only the one-line note and the model's text folded in an expander are
shown here, and the page goes on to show the extractive answer as without a model.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from vidensbank.app import labels, resources
from vidensbank.app import ui_text as T

from vidensbank.errors import VidensbankError

GENERATED_KEY = "ask_generated"


def enabled() -> bool:
    return bool(resources.knowledge_base().config.llm_url)


def _generated(question: str) -> Any | None:
    cached = st.session_state.get(GENERATED_KEY)
    if cached is not None and cached.question == question:
        return cached  # a model call takes seconds: not again on every rerun
    try:
        with st.spinner(T.ASK_LLM_SPINNER):
            result = resources.knowledge_base().generate(question)
    except VidensbankError as exc:
        st.warning(T.ASK_LLM_ERROR.format(error=exc))
        return None
    st.session_state[GENERATED_KEY] = result
    return result


def _sentences(result: Any) -> None:
    """The model's text as checked: supported sentences plain, the rest flagged with why; a
    quote shown in place of the model's sentence says so."""
    if not result.sentences:  # nothing retrieved: the text says the sources do not answer
        st.markdown(labels.plain(result.answer))
        return
    for s in result.sentences:
        if s.supported:
            st.markdown(labels.plain(s.text))
        else:
            st.markdown(labels.plain(T.ASK_LLM_UNSUPPORTED.format(
                sentence=s.text, problems="; ".join(s.problems))))
        if s.model_sentence is not None and s.citations:  # the line is the quote itself
            st.caption(labels.plain(T.ASK_LLM_REPLACED.format(n=s.citations[0],
                                                              sentence=s.model_sentence)))
        elif s.quote and s.citations:
            st.caption(labels.plain(T.ASK_LLM_QUOTE.format(n=s.citations[0], quote=s.quote)))
    ok = sum(s.supported for s in result.sentences)
    st.caption(T.ASK_LLM_SUMMARY.format(ok=ok, total=len(result.sentences)))


def _passages(result: Any) -> None:
    st.subheader(T.ASK_CITED)
    if not result.citations:
        st.info(T.ASK_NO_CITATIONS)
    for c in result.citations:
        with st.container(border=True):
            st.markdown(f"**{labels.plain(f'[{c.n}]')} {labels.plain(c.title or c.doc_id)}**")
            st.caption(labels.plain(labels.meta_line(c.doc_type, c.source, None, c.page,
                                                     c.section)))
            st.markdown(labels.plain(c.text))


def show(question: str) -> bool:
    """True when the model's answer was shown; False: the page shows the extractive answer."""
    if not enabled():
        return False
    result = _generated(question)
    if result is None:
        return False
    if result.mode == "fallback":
        st.info(result.note)
        with st.expander(T.ASK_LLM_TEXT):
            _sentences(result)
        return False
    st.subheader(T.ASK_ANSWER)
    st.caption(T.ASK_LLM_CAPTION.format(url=resources.knowledge_base().config.llm_url))
    _sentences(result)
    _passages(result)
    return True
