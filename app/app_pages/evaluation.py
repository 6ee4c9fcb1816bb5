"""Evaluering: Recall@5 and MRR@10 per search mode, citation exactness and a citation audit."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from vidensbank.app import resources, results
from vidensbank.app import ui_text as T
from vidensbank.index.api import Library
from vidensbank.index.evaluation import api as evaluation

from vidensbank.errors import VidensbankError

RESULT_KEY = "eval_result"
AUDIT_KEY = "eval_audit"
# The quote gets the room; the short columns stay in view beside it.
AUDIT_WIDTHS = {T.AUDIT_COLUMNS[k]: st.column_config.Column(width=w) for k, w in (
    ("question", "medium"), ("n", 40), ("quote", "large"), ("source", "medium"), ("page", 50),
    ("exact", 60))}


def decimal_comma(value: float) -> str:
    return f"{value:.3f}".replace(".", ",")


def _run(library: Library, questions: list[Any]) -> None:
    bar = st.progress(0.0)

    def step(text: str) -> Any:
        return lambda done, total: bar.progress(done / total,
                                                text=text.format(done=done, total=total))

    run = evaluation.evaluate(library, questions, on_progress=step(T.EVAL_PROGRESS))
    bar.empty()
    st.session_state[RESULT_KEY] = run.figures
    st.session_state[AUDIT_KEY] = run.audit


def _metrics(result: dict[str, Any]) -> None:
    st.subheader(T.EVAL_METRICS)
    table = pd.DataFrame.from_dict(result["modes"], orient="index")
    table.index = [T.EVAL_MODE_LABELS.get(m, m) for m in table.index]
    table.index.name = T.EVAL_MODE
    left, right = st.columns([2, 3])
    left.dataframe(table.style.format(decimal_comma))
    right.bar_chart(table, horizontal=True, stack=False, sort=False, x_label="", y_label="",
                    height=260)
    cites = result["citations"]
    cols = st.columns(2)
    cols[0].metric(T.EVAL_QUESTIONS, result["questions"])
    cols[1].metric(T.EVAL_EXACT, T.EVAL_EXACT_VALUE.format(**cites))
    if result["missing_gold"]:
        st.warning(T.EVAL_MISSING.format(ids=", ".join(result["missing_gold"])))


def _answers(result: dict[str, Any]) -> None:
    """Answer recall, fragments, citations and sources per answer; off-topic refusals."""
    st.subheader(T.EVAL_ANSWERS, help=T.EVAL_ANSWERS_HELP)
    figures = result["answers"]
    for col, (key, label) in zip(st.columns(len(T.EVAL_ANSWER_LABELS)),
                                 T.EVAL_ANSWER_LABELS.items(), strict=True):
        col.metric(label, decimal_comma(figures[key]))
    refusal = result.get("refusal")
    if refusal:
        st.subheader(T.EVAL_REFUSAL)
        cols = st.columns(2)
        cols[0].metric(T.EVAL_REFUSAL_OFFTOPIC, T.EVAL_REFUSAL_VALUE.format(**refusal["offtopic"]))
        cols[1].metric(T.EVAL_REFUSAL_ANSWERABLE,
                       T.EVAL_REFUSAL_VALUE.format(**refusal["answerable"]))


def _compare(result: dict[str, Any]) -> None:
    """Places found with a right row, rows right, questions with two or more right places."""
    figures = (result.get("compare") or {}).get("all")
    if not figures or not figures["questions"]:
        return
    st.subheader(T.EVAL_COMPARE, help=T.EVAL_COMPARE_HELP)
    shown = ((T.EVAL_COMPARE_FOUND, figures["found"], figures["gold_places"]),
             (T.EVAL_COMPARE_RIGHT, figures["right"], figures["rows"]),
             (T.EVAL_COMPARE_TWO, figures["two_right"], figures["questions"]))
    for col, (label, n, total) in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(label, T.EVAL_COMPARE_VALUE.format(n=n, total=total))


def _cell(key: str, value: Any) -> Any:
    if key == "exact":
        return T.YES if value else T.NO
    return "" if value is None else value


def _audit(rows: list[dict[str, Any]]) -> None:
    st.subheader(T.EVAL_AUDIT)
    shown = [{label: _cell(key, row[key]) for key, label in T.AUDIT_COLUMNS.items()}
             for row in rows]
    st.dataframe(shown, hide_index=True, column_config=AUDIT_WIDTHS)
    st.download_button(T.EVAL_AUDIT_EXPORT, results.to_csv(shown, tuple(T.AUDIT_COLUMNS.values())),
                       file_name="citatrevision.csv", mime="text/csv", icon=T.ICON_DOWNLOAD)


def main() -> None:
    library = resources.knowledge_base()
    st.header(T.EVAL_HEADER)
    try:
        questions = evaluation.default_questions()
    except VidensbankError as exc:
        st.error(str(exc))
        return
    st.caption(T.EVAL_INTRO.format(n=len(questions)))
    if st.button(T.EVAL_BUTTON, type="primary"):
        _run(library, questions)
    if RESULT_KEY in st.session_state:
        _metrics(st.session_state[RESULT_KEY])
        _answers(st.session_state[RESULT_KEY])
        _compare(st.session_state[RESULT_KEY])
        _audit(st.session_state[AUDIT_KEY])


main()
