"""Headless Debian Chromium for the browser tests (never a downloaded browser)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, and this machine's
# closed network refuses every connection.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def fresh_streamlit_caches() -> None:
    """Empty the UI's `st.cache_*` before an in-process `AppTest`: they live as long as the
    test process, so a cached `Settings` would keep the API_URL of an earlier test."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
