"""End to end: `rag up` runs the real API and UI under supervisord with the demo index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from rag.schemas import AskResponse
from ui.client import parse_sse

if TYPE_CHECKING:
    from tests.service import Service

pytest_plugins = ["tests.service"]
pytestmark = pytest.mark.slow

QUESTION = {"question": "Que faire ce week-end avec des enfants ?"}


def test_both_programs_run_and_answer(service: Service) -> None:
    service.wait_ready()
    programs = {"api", "ui", "fatal"}  # fatal: the FATAL event listener

    def all_running() -> bool:
        lines = [line.split() for line in service.ctl("status").splitlines()]
        return {line[0] for line in lines if line[1:2] == ["RUNNING"]} == programs

    service.wait_for("all programs RUNNING", all_running, 60)
    ready = service.ready()
    assert ready["ready"] is True and ready["events"] > 0
    assert requests.get(f"{service.ui}/_stcore/health", timeout=10).text == "ok"


def test_ask_and_stream_give_the_same_answer(service: Service) -> None:
    service.wait_ready()
    response = requests.post(f"{service.api}/ask", json=QUESTION, timeout=60)
    assert response.status_code == 200
    answer = AskResponse.model_validate(response.json())
    assert answer.sources and not answer.no_answer

    with requests.post(f"{service.api}/ask/stream", json=QUESTION, stream=True, timeout=60) as sse:
        assert sse.headers["content-type"].startswith("text/event-stream")
        sse.encoding = "utf-8"
        events = list(parse_sse(sse.iter_lines(decode_unicode=True)))
    kinds = [e.event for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "done" and "delta" in kinds
    streamed = AskResponse.model_validate(events[-1].data)
    assert "".join(e.data["text"] for e in events if e.event == "delta") == streamed.answer
    assert streamed.answer == answer.answer
    assert [s.uid for s in streamed.sources] == [s.uid for s in answer.sources]

    uid = answer.sources[0].uid
    event = requests.get(f"{service.api}/events/{uid}", timeout=10)
    assert event.status_code == 200 and event.json()["uid"] == uid


def test_supervisord_restarts_a_killed_api(service: Service) -> None:
    service.wait_ready()
    before = service.pid("api")
    os.kill(before, signal.SIGKILL)
    service.wait_for("a new api process", lambda: service.pid("api") not in (0, before), 60)
    service.wait_ready()
    service.wait_for("api RUNNING again", lambda: "RUNNING" in service.ctl("status", "api"), 30)


def test_supervisorctl_restarts_the_ui(service: Service) -> None:
    before = service.pid("ui")
    output = service.ctl("restart", "ui")
    assert "ui: started" in output, output
    assert service.pid("ui") != before
    service.wait_ui()


def test_rebuild_swaps_the_index_while_answering(service: Service) -> None:
    service.wait_ready()
    before = service.ready()["version"]
    statuses: list[int] = []
    stop = threading.Event()

    def ask_continuously() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                statuses.append(
                    session.post(f"{service.api}/ask", json=QUESTION, timeout=60).status_code
                )

    asker = threading.Thread(target=ask_continuously)
    asker.start()
    try:
        wrong = requests.post(f"{service.api}/rebuild", headers={"X-API-Key": "nope"}, timeout=10)
        assert wrong.status_code == 401
        accepted = requests.post(
            f"{service.api}/rebuild", headers={"X-API-Key": service.rebuild_key}, timeout=10
        )
        assert accepted.status_code == 202
        job_url = f"{service.api}{accepted.json()['status_url']}"

        def finished() -> bool:
            return requests.get(job_url, timeout=10).json()["state"] in ("succeeded", "failed")

        service.wait_for("the rebuild job", finished, 300)
    finally:
        stop.set()
        asker.join(timeout=60)
    job = requests.get(job_url, timeout=10).json()
    assert job["state"] == "succeeded", job
    assert statuses and set(statuses) == {200}, statuses
    after = service.ready()
    assert after["version"] == job["result"]["version"] != before
    metrics = requests.get(f"{service.api}/metrics", timeout=10).text
    assert 'rag_rebuilds_total{outcome="succeeded"} 1' in metrics


def test_a_fatal_program_stops_supervisord(tmp_path: Path) -> None:
    """An API that cannot start (here: a bad port) goes FATAL; the listener stops supervisord
    so that a container exits and its restart policy acts."""
    from tests.service import ROOT, clean_env, free_port

    env = clean_env(
        RAG_DATA_DIR=str(tmp_path / "data"),
        RAG_RUN_DIR=str(tmp_path / "run"),
        API_HOST="127.0.0.1",
        API_PORT="not-a-port",
        API_URL="http://127.0.0.1:1",
        UI_HOST="127.0.0.1",
        UI_PORT=str(free_port()),
    )
    (tmp_path / "run").mkdir()
    command = [sys.executable, "-m", "supervisor.supervisord", "-c", str(ROOT / "supervisord.conf")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "gave up: api entered FATAL state" in output, output
    assert "program api is FATAL" in output, output
