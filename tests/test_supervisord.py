"""End to end: `rag up` runs the real API and UI under supervisord with the demo index."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
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
    """An API that cannot start (here: an address it cannot listen on) goes FATAL; the
    listener stops supervisord so that a container exits and its restart policy acts."""
    from tests.service import ROOT, clean_env, free_port

    env = clean_env(
        RAG_DATA_DIR=str(tmp_path / "data"),
        RAG_RUN_DIR=str(tmp_path / "run"),
        API_HOST="256.0.0.1",
        API_PORT=str(free_port()),
        API_URL="http://127.0.0.1:1",
        UI_HOST="127.0.0.1",
        UI_PORT=str(free_port()),
    )
    (tmp_path / "run").mkdir()
    command = [sys.executable, "-m", "supervisor.supervisord", "-c", str(ROOT / "supervisord.conf")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "cannot listen on 256.0.0.1" in output and "check API_HOST" in output, output
    assert "gave up: api entered FATAL state" in output, output
    assert "program api is FATAL" in output, output


# --- a taken port, FATAL, and supervisorctl from a second terminal -------------------------


@pytest.mark.parametrize("taken", ["API_PORT", "UI_PORT"])
def test_rag_up_with_a_taken_port_exits_1_naming_it(tmp_path: Path, taken: str) -> None:
    """Checked before the demo build and supervisord: nothing starts, nothing loops."""
    from tests.service import BIN, clean_env, free_port

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        ports = {"API_PORT": str(free_port()), "UI_PORT": str(free_port()), taken: str(busy)}
        env = clean_env(
            RAG_DATA_DIR=str(tmp_path / "data"),
            RAG_RUN_DIR=str(tmp_path / "run"),
            API_HOST="127.0.0.1",
            UI_HOST="127.0.0.1",
            **ports,
        )
        started = time.monotonic()
        result = subprocess.run(
            [str(BIN / "rag"), "up"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    print(
        f"rag up with {taken} taken: exit {result.returncode} in {time.monotonic() - started:.1f} s"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"port {busy} is already in use: set {taken}" in result.stderr
    assert not (tmp_path / "data" / "indexes").exists()  # no demo build before the check


def test_an_api_that_dies_at_start_goes_fatal(tmp_path: Path) -> None:
    """supervisord started directly (no `rag up` check) while the API's port is taken: each
    `rag serve` exits at once, within startsecs, so the API goes FATAL and the listener
    stops supervisord instead of restarting it forever."""
    from tests.service import ROOT, clean_env, free_port

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        env = clean_env(
            RAG_DATA_DIR=str(tmp_path / "data"),
            RAG_RUN_DIR=str(tmp_path / "run"),
            API_HOST="127.0.0.1",
            API_PORT=str(busy),
            API_URL=f"http://127.0.0.1:{busy}",
            UI_HOST="127.0.0.1",
            UI_PORT=str(free_port()),
        )
        (tmp_path / "run").mkdir()
        conf = str(ROOT / "supervisord.conf")
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", conf],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    print(f"api FATAL and supervisord stopped in {time.monotonic() - started:.1f} s")
    output = result.stdout + result.stderr
    assert f"port {busy} is already in use: set API_PORT" in output, output
    assert "gave up: api entered FATAL state" in output, output
    assert "program api is FATAL" in output, output


def test_supervisorctl_in_a_second_terminal_needs_no_variable(tmp_path: Path) -> None:
    """README: `uv run rag up` in one terminal, then, in another with nothing set,
    `uv run supervisorctl -c supervisord.conf status` (and `restart api`)."""
    from rag.config import Settings
    from tests.service import BIN, ROOT, clean_env, free_port, local_env, start_rag, stop, wait_for

    default = Settings.model_fields["run_dir"].default
    if Settings(_env_file=ROOT / ".env").run_dir != default:  # type: ignore[call-arg]
        pytest.skip(f"{ROOT / '.env'} sets RAG_RUN_DIR: this test is about its default")
    with socket.socket(socket.AF_UNIX) as probe:
        if probe.connect_ex(str(default / "supervisor.sock")) == 0:
            pytest.skip(f"a `rag up` with the default RAG_RUN_DIR ({default}) runs here")
    uv = shutil.which("uv")
    assert uv, "uv is not on PATH (the README's commands need it)"
    api_port, ui_port = free_port(), free_port()
    env = local_env(tmp_path, api_port, ui_port)
    del env["RAG_RUN_DIR"]  # everything but RAG_RUN_DIR: the default is what is tested
    demo = [str(BIN / "rag"), "demo", "--events", "20"]
    subprocess.run(demo, cwd=tmp_path, env=env, check=True, capture_output=True, timeout=600)
    log = tmp_path / "up.log"
    up = start_rag("up", tmp_path, env, log)
    second_terminal = clean_env()  # no RAG_*, API_*, UI_* variable at all

    def ctl(*args: str) -> str:
        command = [uv, "run", "supervisorctl", "-c", "supervisord.conf", *args]
        done = subprocess.run(
            command, cwd=ROOT, env=second_terminal, capture_output=True, text=True, timeout=90
        )
        return done.stdout + done.stderr

    def running() -> set[str]:
        lines = [line.split() for line in ctl("status").splitlines()]
        return {line[0] for line in lines if line[1:2] == ["RUNNING"]}

    try:
        wait_for("api, ui and fatal RUNNING", lambda: running() == {"api", "ui", "fatal"}, 180, log)
        before = int(ctl("pid", "api").strip())
        restarted = ctl("restart", "api")
        assert "api: stopped" in restarted and "api: started" in restarted, restarted
        assert int(ctl("pid", "api").strip()) != before
        url = f"http://127.0.0.1:{api_port}/health"
        wait_for("the restarted API", lambda: requests.get(url, timeout=5).ok, 120, log)
    finally:
        stop(up)


def test_rag_up_rebuilds_an_index_an_older_version_wrote(tmp_path: Path) -> None:
    """After an upgrade that changed the index format, `rag up` builds the index again
    (here the demo, with its size) before serving, instead of an API that is never ready."""
    from rag.versions import FORMAT
    from tests.service import BIN, free_port, local_env, start_rag, stop, wait_for

    api_port = free_port()
    env = local_env(tmp_path, api_port, free_port())
    demo = [str(BIN / "rag"), "demo", "--events", "20"]
    subprocess.run(demo, cwd=tmp_path, env=env, check=True, capture_output=True, timeout=600)
    indexes = tmp_path / "data" / "indexes"
    old = (indexes / "CURRENT").read_text().strip()
    manifest = indexes / old / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": FORMAT - 1}))
    log = tmp_path / "up.log"
    up = start_rag("up", tmp_path, env, log)
    try:

        def ready() -> bool:
            try:
                reply = requests.get(f"http://127.0.0.1:{api_port}/ready", timeout=5)
            except requests.RequestException:
                return False
            return reply.status_code == 200 and reply.json()["ready"] is True

        wait_for("the rebuilt index to be served", ready, timeout=300, log=log)
        served = requests.get(f"http://127.0.0.1:{api_port}/ready", timeout=5).json()
        assert served["version"] != old and served["events"] == 20, served
        assert "written by an older rag-events" in log.read_text()
    finally:
        stop(up)
