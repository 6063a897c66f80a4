"""The Streamlit chat in a real headless Chromium, against the real API under supervisord."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.service import Service

from tests.browser import CHROMIUM, CHROMIUM_FLAGS

pytest_plugins = ["tests.service"]
ROOT = Path(__file__).resolve().parents[1]

SCREENSHOT = ROOT / "test-artifacts" / "ui.png"


def test_api_down_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's own test runner: no browser, no API listening at API_URL."""
    from streamlit.testing.v1 import AppTest

    from tests.service import free_port

    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{free_port()}")
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert any("L'API ne répond pas" in error.value for error in app.sidebar.error)
    app.chat_input[0].set_value("Que faire ce week-end ?").run()
    assert not app.exception
    assert any("rag serve" in error.value for error in app.main.error)


@pytest.mark.slow
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"
)
def test_browser_chat_shows_answer_and_sources_and_rebuilds(service: Service) -> None:
    from playwright.sync_api import expect, sync_playwright

    service.wait_ready()
    service.wait_ui()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2200}, locale="fr-FR")
            page.goto(service.ui, wait_until="domcontentloaded")
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text(re.compile(r"\d+ événements"))).to_be_visible(timeout=60_000)

            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill("Que faire ce week-end avec des enfants ?")
            chat.press("Enter")

            messages = page.get_by_test_id("stChatMessage")
            expect(messages).to_have_count(2, timeout=60_000)
            answer = messages.nth(1)
            expect(answer.get_by_text("[1]").first).to_be_visible(timeout=60_000)
            cards = answer.locator("[class*='st-key-source-']")
            expect(cards.first).to_be_visible(timeout=30_000)
            assert "Erreur" not in answer.inner_text()
            page.wait_for_timeout(1500)  # let the map settle for the screenshot
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            # the sidebar's rebuild control: key, start, progress, then the new version
            sidebar.get_by_text("Reconstruire l'index").click()
            sidebar.get_by_label("Clé (REBUILD_API_KEY)").fill(service.rebuild_key)
            sidebar.get_by_label("Clé (REBUILD_API_KEY)").press("Enter")
            sidebar.get_by_role("button", name="Lancer la reconstruction").click()
            expect(sidebar.get_by_text("Index reconstruit")).to_be_visible(timeout=120_000)
            expect(sidebar.get_by_text(service.ready()["version"])).to_be_visible()
        finally:
            browser.close()
