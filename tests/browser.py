"""Headless Debian Chromium for the browser tests (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.service import Service

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
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"
)


@contextmanager
def chromium(service: Service) -> Iterator[Browser]:
    """Headless Chromium once the service's API and UI answer; closed on the way out."""
    from playwright.sync_api import sync_playwright

    service.wait_ready()
    service.wait_ui()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def ui_page(browser: Browser, service: Service, height: int) -> Page:
    """The chat UI as a French desktop user opens it (1,400 px wide)."""
    page = browser.new_page(viewport={"width": 1400, "height": height}, locale="fr-FR")
    page.goto(service.ui, wait_until="domcontentloaded")
    return page


def settled(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app's script is not running: a click while a rerun is under way may
    be folded into that rerun, so each step of a test starts from a finished page."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )


def fresh_streamlit_caches() -> None:
    """Empty the UI's `st.cache_*` before an in-process `AppTest`: they live as long as the
    test process, so a cached `Settings` would keep the API_URL of an earlier test."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
