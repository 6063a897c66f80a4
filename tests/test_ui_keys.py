"""The UI's rebuild box cannot be used to lock the admin out: wrong keys are limited per UI
session in the UI, and the API always accepts the right key from anyone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from rag.api import create_app
from tests.browser import chromium, fresh_streamlit_caches, needs_chromium, settled, ui_page
from ui.keyguard import FREE, KeyGuard

if TYPE_CHECKING:
    from tests.reliability import Demo
    from tests.service import Service

pytest_plugins = ["tests.reliability", "tests.service"]

ROOT = Path(__file__).resolve().parents[1]


def test_a_session_waits_longer_after_each_wrong_key_past_the_free_ones() -> None:
    now = [0.0]
    guard = KeyGuard(clock=lambda: now[0])
    for _ in range(FREE - 1):
        guard.failed()
        assert guard.wait() == 0
    waits = []
    for _ in range(3):
        guard.failed()
        waits.append(guard.wait())
    assert waits == [30, 60, 120]
    now[0] += 120
    assert guard.wait() == 0
    guard.failed(api_wait=600)  # the API's Retry-After wins when longer
    assert guard.wait() == 600
    guard.succeeded()
    assert guard.wait() == 0 and guard.failures == 0


@pytest.mark.slow
def test_a_ui_session_typing_wrong_keys_does_not_stop_the_right_key_from_the_cli(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    data_dir = demo.copy(tmp_path / "data")
    settings = demo.settings(data_dir, REBUILD_API_KEY=demo.rebuild_key)
    with demo.serve(create_app(settings), settings) as url:
        monkeypatch.setenv("API_URL", url)
        monkeypatch.setenv("RAG_TIMEZONE", "Europe/Paris")
        fresh_streamlit_caches()  # the UI caches its settings per process: read API_URL again
        page = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=60)
        page.run()
        errors = []
        for attempt in range(5):
            [key] = [t for t in page.text_input if t.label.startswith("Clé")]
            key.input(f"wrong-{attempt}").run()
            [button] = [b for b in page.button if b.label == "Lancer la reconstruction"]
            button.click().run()
            errors += [e.value for e in page.error]
        assert any("Clé de reconstruction refusée" in e for e in errors), errors
        assert any("Trop de clés erronées dans cette session" in e for e in errors), errors
        failures = requests.get(f"{url}/metrics", timeout=10).text
        line = next(x for x in failures.splitlines() if x.startswith("rag_rebuild_key_failures"))
        assert int(line.split()[-1]) < 5  # the UI kept some of them to itself

        # the admin, from the same machine (same address as the UI), with the right key
        accepted = requests.post(
            f"{url}/rebuild", headers={"X-API-Key": demo.rebuild_key}, timeout=10
        )
        assert accepted.status_code == 202, accepted.text


@pytest.mark.slow
@needs_chromium
def test_five_wrong_keys_typed_in_chromium_do_not_stop_the_right_key(service: Service) -> None:
    """What the red-team run did: the rebuild box of the real UI under `rag up`, in Chromium."""
    from playwright.sync_api import expect

    with chromium(service) as browser:
        page = ui_page(browser, service, 1600)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Reconstruire l'index").click(timeout=60_000)
        box = sidebar.get_by_label("Clé (REBUILD_API_KEY)")
        before = key_failures(service.api)

        def type_wrong_key(attempt: int) -> None:
            # Empty, then typed: the button going from disabled to enabled shows that the
            # page was rerun with this key, so the click is not folded into that rerun.
            launch = sidebar.get_by_role("button", name="Lancer la reconstruction")
            box.fill("")
            box.press("Enter")
            expect(launch).to_be_disabled(timeout=60_000)
            box.fill(f"wrong-{attempt}")
            box.press("Enter")
            expect(launch).to_be_enabled(timeout=60_000)
            settled(page)
            launch.click()

        for attempt in range(FREE):  # these reach the API, one by one
            type_wrong_key(attempt)
            service.wait_for(
                f"wrong key {attempt + 1} at the API",
                lambda done=attempt + 1: key_failures(service.api) - before == done,
            )
        expect(sidebar.get_by_text("Clé de reconstruction refusée").first).to_be_visible()
        for attempt in range(FREE, 5):  # these the UI keeps to itself
            type_wrong_key(attempt)
            session = sidebar.get_by_text("Trop de clés erronées dans cette session")
            expect(session).to_be_visible(timeout=30_000)
        assert key_failures(service.api) - before == FREE

    # the admin, from the same machine as the UI, with the right key
    accepted = requests.post(
        f"{service.api}/rebuild", headers={"X-API-Key": service.rebuild_key}, timeout=30
    )
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()["status_url"]
    service.wait_for(
        "the rebuild",
        lambda: requests.get(f"{service.api}{job}", timeout=10).json()["state"] == "succeeded",
        300,
    )


def key_failures(api: str) -> int:
    metrics = requests.get(f"{api}/metrics", timeout=10).text
    return int(
        next(x for x in metrics.splitlines() if x.startswith("rag_rebuild_key_fail")).split()[-1]
    )
