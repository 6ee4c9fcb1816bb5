"""The knowledge base, opened once per process and shared by every session and page.

`vidensbank app` passes the index and model as VIDENSBANK_* environment variables; `load_config`
reads them. Every page writes through the same Library object it searches with, so documents added
on "Tilføj dokumenter" are searchable at once without reopening anything.
"""

from __future__ import annotations

import logging

import streamlit as st
from vidensbank.app import ui_text as T
from vidensbank.index.api import Library, configure_logging
from vidensbank.index.config import Config, load_config

from vidensbank.errors import VidensbankError

log = logging.getLogger(__name__)


# Every knowledge base opened in this process, so tests and shutdown can close them.
_OPENED: list[Library] = []


@st.cache_resource(show_spinner=T.LOADING_INDEX)
def open_library(config: Config) -> Library:
    # Keyed by the config: a process that is pointed at another index opens that one.
    log.info("åbner vidensbanken i %s", config.index_dir)
    library = Library.open(config)
    _OPENED.append(library)
    return library


def close_all() -> None:
    """Close every opened knowledge base (a Qdrant Edge shard can be open only once)."""
    open_library.clear()
    while _OPENED:
        _OPENED.pop().close()


def knowledge_base() -> Library:
    """The shared knowledge base, or an error message and a stopped page (never a traceback)."""
    try:
        config = load_config()
        configure_logging(config.log_level)  # the server's line per question, on stderr
        return open_library(config)
    except VidensbankError as exc:
        message = str(exc)
    except Exception as exc:  # e.g. a shard held by another process: say so, no traceback
        log.exception("vidensbanken kunne ikke åbnes")
        message = f"{type(exc).__name__}: {exc}"
    st.error(T.INDEX_ERROR.format(error=message))
    st.info(T.INDEX_ERROR_HINT)
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the script run")
