"""The Streamlit chat in a real headless Chromium, against the real API under supervisord."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Route

    from tests.service import Service

from tests.browser import chromium, fresh_streamlit_caches, needs_chromium, ui_page

pytest_plugins = ["tests.service"]
ROOT = Path(__file__).resolve().parents[1]

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "ui.png"


def test_api_down_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit's own test runner: no browser, no API listening at API_URL."""
    from streamlit.testing.v1 import AppTest

    from tests.service import free_port

    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{free_port()}")
    fresh_streamlit_caches()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert any("L'API ne répond pas" in error.value for error in app.sidebar.error)
    app.chat_input[0].set_value("Que faire ce week-end ?").run()
    assert not app.exception
    assert any("rag serve" in error.value for error in app.main.error)


@pytest.mark.slow
@needs_chromium
def test_browser_chat_shows_answer_and_sources_and_rebuilds(service: Service) -> None:
    from playwright.sync_api import expect

    with chromium(service) as browser:
        page = ui_page(browser, service, 2200)
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
        SCREENSHOT.parent.mkdir(exist_ok=True)
        assert _map_land_share(page, answer, ARTIFACTS / "map.png") > 0.2
        page.screenshot(path=str(SCREENSHOT))

        # the sidebar's rebuild control: key, start, progress, then the new version
        sidebar.get_by_text("Reconstruire l'index").click()
        sidebar.get_by_label("Clé (REBUILD_API_KEY)").fill(service.rebuild_key)
        sidebar.get_by_label("Clé (REBUILD_API_KEY)").press("Enter")
        sidebar.get_by_role("button", name="Lancer la reconstruction").click()
        expect(sidebar.get_by_text("Index reconstruit")).to_be_visible(timeout=120_000)
        expect(sidebar.get_by_text(service.ready()["version"])).to_be_visible()


def _offline_page(browser: Browser, width: int, blocked: list[str]) -> Page:
    """A page that can reach this machine only: any other host is refused and recorded."""
    page = browser.new_page(viewport={"width": width, "height": 1000}, locale="fr-FR")

    def route(request: Route) -> None:
        if urlparse(request.request.url).hostname in ("127.0.0.1", "localhost"):
            request.continue_()
        else:
            blocked.append(request.request.url)
            request.abort()

    page.route("**/*", route)
    return page


@pytest.mark.slow
@needs_chromium
def test_offline_docs_map_and_cards_in_rank_order_on_a_phone(service: Service) -> None:
    """With every other host blocked: /docs and /redoc render, the map draws its shipped
    background, and at 390 px the cards read [1], [2], [3]… from top to bottom; events
    already over are marked "terminé"."""
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    blocked: list[str] = []
    with chromium(service) as browser:
        page = _offline_page(browser, 1280, blocked)
        page.goto(f"{service.api}/docs")
        operations = page.locator(".swagger-ui .opblock-summary-path")
        expect(operations.filter(has_text="/ask/stream")).to_be_visible(timeout=30_000)
        assert operations.count() >= 8
        page.screenshot(path=str(ARTIFACTS / "docs.png"))
        page.goto(f"{service.api}/redoc")
        expect(page.get_by_role("heading", name="rag-events (0.1.0)")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Readiness: 200 once an index is loaded").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "redoc.png"))

        page = _offline_page(browser, 390, blocked)
        page.goto(service.ui, wait_until="domcontentloaded")
        main = page.get_by_role("main")
        expect(main.get_by_text("corpus de démonstration")).to_be_visible(timeout=60_000)
        chat = page.get_by_test_id("stChatInputTextArea")
        chat.fill("Que faire ce week-end ?")
        chat.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        cards = answer.locator("[class*='st-key-source-']")
        expect(cards.first).to_be_visible(timeout=60_000)
        expect(answer.locator("canvas").first).to_be_attached(timeout=30_000)
        tops = {}
        for card in cards.all():
            number = int(
                re.search(r"st-key-source-\d+-(\d+)", card.get_attribute("class") or "")[1]
            )  # type: ignore[index]
            box = card.bounding_box()
            assert box is not None
            tops[number] = box["y"]
        assert len(tops) >= 3
        assert sorted(tops, key=tops.__getitem__) == sorted(tops), tops

        # the shipped background is drawn: a good part of the map is land-coloured
        assert _map_land_share(page, answer, ARTIFACTS / "map-390.png") > 0.2
        page.screenshot(path=str(ARTIFACTS / "ui-390.png"), full_page=True)

        # a question about the past: its events are over, and their cards say so
        # (the demo corpus always has a few events in the two weeks before today)
        chat.fill("Qu'y avait-il la semaine dernière ?")
        chat.press("Enter")
        past = page.get_by_test_id("stChatMessage").nth(3)
        over = past.locator("[class*='st-key-source-']").filter(has_text="terminé")
        expect(over.first).to_be_visible(timeout=60_000)
        over.first.screenshot(path=str(ARTIFACTS / "card-over-390.png"))
    assert blocked == []


def _map_land_share(page: Page, answer: Locator, png: Path) -> float:
    """Screenshots the answer's map into `png` until deck.gl has drawn it (up to ~15 s);
    returns the share of its pixels that have the background's land colour."""
    from PIL import Image

    from ui.map import LAND

    chart = answer.get_by_test_id("stDeckGlJsonChart")
    chart.scroll_into_view_if_needed()
    share = 0.0
    for _ in range(30):
        page.wait_for_timeout(500)
        chart.screenshot(path=str(png))
        pixels = list(Image.open(png).convert("RGB").get_flattened_data())
        near = sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, LAND, strict=True)))
        share = near / len(pixels)
        if share > 0.2:
            break
    return share
