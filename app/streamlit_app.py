"""Vidensbank in the browser: `vidensbank app` runs this with `streamlit run`."""

from __future__ import annotations

import streamlit as st
from vidensbank.app import app_pages as P
from vidensbank.app import ui_text as T


def main() -> None:
    st.set_page_config(page_title=T.APP_TITLE, page_icon=T.APP_ICON, layout="wide")
    st.html(T.WIDGET_CSS)
    pages = [
        st.Page(P.ASK, title=T.PAGE_ASK, icon=T.ICON_ASK, url_path="spoerg", default=True),
        st.Page(P.SEARCH, title=T.PAGE_SEARCH, icon=T.ICON_SEARCH, url_path="soeg"),
        st.Page(P.SOURCES, title=T.PAGE_SOURCES, icon=T.ICON_SOURCES, url_path="kilder"),
        st.Page(P.UPLOAD, title=T.PAGE_UPLOAD, icon=T.ICON_UPLOAD, url_path="tilfoej"),
        st.Page(P.EVALUATION, title=T.PAGE_EVAL, icon=T.ICON_EVAL, url_path="evaluering"),
    ]
    st.navigation(pages).run()


main()
