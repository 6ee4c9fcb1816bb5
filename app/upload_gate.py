"""Who may add documents from the app.

Served on this machine only (loopback, no proxy path), anyone may: they could run `vidensbank
ingest` anyway. Served to others (another address, or a base URL path behind a reverse proxy), the
app is read-only unless VIDENSBANK_UPLOAD_PASSWORD is set, and then a session may write once it
has given that password. The password is compared in constant
time and never logged or shown.
"""

from __future__ import annotations

import hmac
import time

import streamlit as st
from vidensbank.app import ui_text as T
from vidensbank.index.config import Config, load_config, local_only

UNLOCKED_KEY = "upload_unlocked"
WRONG_PASSWORD_DELAY_S = 1.0  # slows guessing down; a right password never waits


def password_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def served_at(config: Config) -> tuple[str, str]:
    """(address, base URL path): what Streamlit was really started with wins; `vidensbank app`
    starts it with the config's."""
    return (st.get_option("server.address") or config.address,
            st.get_option("server.baseUrlPath") or config.base_url_path)


def uploads_allowed() -> bool:
    """True when this session may write; otherwise the page says why (and asks for the
    password where one is set)."""
    config = load_config()
    address, path = served_at(config)
    if local_only(address, path):
        return True
    if path.strip("/"):
        address = f"{address}, /{path.strip('/')}/"
    if not config.upload_password:
        st.info(T.UPLOAD_READ_ONLY.format(address=address))
        return False
    if st.session_state.get(UNLOCKED_KEY):
        return True
    st.info(T.UPLOAD_LOCKED.format(address=address))
    with st.form("upload_unlock", clear_on_submit=True):
        given = st.text_input(T.UPLOAD_PASSWORD, type="password", key="upload_password")
        submitted = st.form_submit_button(T.UPLOAD_UNLOCK)
    if submitted:
        if password_matches(given, config.upload_password):
            st.session_state[UNLOCKED_KEY] = True
            st.rerun()
        time.sleep(WRONG_PASSWORD_DELAY_S)
        st.error(T.UPLOAD_WRONG_PASSWORD)
    return False
