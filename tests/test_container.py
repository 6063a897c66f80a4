"""The container image, built and run for real with Docker Compose.

One module-scoped stack (build + `up --wait` on an empty volume) serves every test; it is
torn down with its volume at the end, even on failure. Needs a Docker engine: `.ci/run`
starts one with ../shared/docker/offline-base-images.sh.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
import requests

from tests.browser import CHROMIUM, CHROMIUM_FLAGS

# The first test also pays for the build and the first demo index (about a minute here).
pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[1]
# Every name the tests give Docker starts with PROJECT; RAG_TEST_DOCKER_PROJECT sets it, so
# two checkouts on one engine never touch each other's containers, images or volumes.
PROJECT = os.environ.get("RAG_TEST_DOCKER_PROJECT", "rag-events-test")
IMAGE = f"{PROJECT}:latest"
VOLUME = f"{PROJECT}-data"
"""compose.yaml's volume, named by RAG_DATA_VOLUME (a fixed name, not <project>_rag-data)."""
SERVICE = "rag-events"
REBUILD_KEY = "container-test-rebuild-key"
QUESTION = "Que faire ce week-end à Paris avec des enfants ?"
# Host settings that would reach the container through compose's pass-through entries.
HOST_ONLY = ("MISTRAL_", "LLM_", "OPENAGENDA_", "EMBEDDING_", "RAG_", "API_", "UI_")
# Big or irrelevant folders left out when copying the checkout (.dockerignore does the rest).
NOT_IN_CONTEXT = (".git", ".venv", "data", "tests", "bench", "test-artifacts", "__pycache__")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def engine_problem() -> str | None:
    """Why no Docker engine can run these tests, or None when one answers."""
    if shutil.which("docker") is None:
        return "no `docker` command (CI installs it: bash ../shared/docker/offline-base-images.sh)"
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 20 s"
    if info.returncode != 0:
        return f"no Docker engine answers `docker info`: {info.stderr.strip()[:200]}"
    return None


def wait_for(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Stack:
    """One compose project: how to drive it and where its ports are published."""

    project_dir: Path
    project: str
    env: dict[str, str]
    api: str
    ui: str

    def compose(
        self, *args: str, timeout: float = 300, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = ["docker", "compose", "--progress", "plain", "-p", self.project, *args]
        result = subprocess.run(
            command,
            cwd=self.project_dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def exec(self, *args: str) -> str:
        return self.compose("exec", "-T", SERVICE, *args, timeout=60).stdout

    def inspect(self, template: str) -> str:
        """`docker inspect --format TEMPLATE` of the service's container."""
        container = self.compose("ps", "-q", SERVICE).stdout.strip()
        result = subprocess.run(
            ["docker", "inspect", "--format", template, container],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def container_health(self) -> str:
        return json.loads(self.inspect("{{json .State.Health}}"))["Status"]

    def program_states(self) -> dict[str, str]:
        """`supervisorctl status` as {program: state} (it exits 3 when one is not running)."""
        result = self.compose("exec", "-T", SERVICE, "supervisorctl", "status", check=False)
        lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
        return {words[0]: words[1] for words in lines if len(words) > 1}

    def restart_count(self) -> int:
        """How many times Docker's restart policy restarted the container (rag up exited)."""
        return int(self.inspect("{{.RestartCount}}"))

    def program_pid(self, name: str) -> int:
        """0 while the program is not running (supervisorctl then prints 0 and exits 1)."""
        result = self.compose("exec", "-T", SERVICE, "supervisorctl", "pid", name, check=False)
        out = result.stdout.strip()
        return int(out) if out.isdigit() else 0

    def ready(self) -> dict:
        response = requests.get(f"{self.api}/ready", timeout=10)
        return response.json()


def stack_env(image: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(HOST_ONLY)}
    return env | {"RAG_EVENTS_IMAGE": image, "RAG_DATA_VOLUME": VOLUME} | extra


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    problem = engine_problem()
    if problem:
        pytest.skip(problem)
    api_port, ui_port = free_port(), free_port()
    env = stack_env(
        IMAGE, API_PORT=str(api_port), UI_PORT=str(ui_port), REBUILD_API_KEY=REBUILD_KEY
    )
    stack = Stack(ROOT, PROJECT, env, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}")
    try:
        stack.compose("build", timeout=1500)
        subprocess.run(["docker", "volume", "rm", "-f", VOLUME], capture_output=True, timeout=60)
        started = time.monotonic()
        stack.compose("up", "-d", "--wait", timeout=600)
        # the image's demo index is copied into the empty volume: no embedding at start
        print(
            f"healthy after `up -d --wait` on an empty volume: {time.monotonic() - started:.1f} s"
        )
        settle_the_demo(stack)
        yield stack
    finally:
        logs = subprocess.run(
            ["docker", "compose", "-p", PROJECT, "logs", "--no-color", "--tail", "60"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        print(logs.stdout[-6000:])
        subprocess.run(
            ["docker", "compose", "-p", PROJECT, "down", "-v", "--remove-orphans"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )


# What `rag up` and `rag demo` print (rag/cli.py) when the image's demo was built on
# another day than the container's today (an image built before midnight, or a cached
# layer): `rag up` regenerates it in the background and the API swaps to it when done.
REGENERATING = "regenerating it around today in the background"
DEMO_BUILT = re.compile(r"^.*\bDemo index (\S+): ", re.MULTILINE)


def settle_the_demo(stack: Stack) -> None:
    """Wait out a background regeneration of the demo, so that every test sees one index
    version (the CI once compared `rag info` and /ready across that swap)."""
    if REGENERATING not in stack.compose("logs", "--no-color", SERVICE).stdout:
        return

    def built() -> str | None:
        found = DEMO_BUILT.search(stack.compose("logs", "--no-color", SERVICE).stdout)
        return found.group(1) if found else None

    wait_for("the demo regenerated around today", lambda: built() is not None, timeout=300)
    version = built()
    assert version is not None
    wait_for("every API worker to serve it", lambda: served_by_all(stack, version))
    print(f"the image's demo was built on another day: regenerated as {version}")


def ask(stack: Stack) -> dict:
    response = requests.post(f"{stack.api}/ask", json={"question": QUESTION}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def assert_sourced(answer: dict) -> None:
    assert answer["answer"].strip()
    assert answer["sources"], "the demo index should give sources for a Paris week-end question"
    assert all(source["uid"] and source["title"] for source in answer["sources"])


def test_container_is_healthy_and_answers_from_the_demo_index(stack: Stack) -> None:
    assert stack.container_health() == "healthy"
    ready = stack.ready()
    assert ready["ready"] is True, ready
    assert_sourced(ask(stack))


def test_docker_run_reads_the_compose_volume_by_its_name(stack: Stack) -> None:
    """docs/docker.md: `docker run --rm -v rag-data:/app/data rag-events rag info` after
    `docker compose up` shows the index compose serves (here under the test's names)."""
    run = ["docker", "run", "--rm", "-v", f"{VOLUME}:/app/data", IMAGE, "rag", "info", "--json"]
    result = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout.strip().splitlines()[-1])
    ready = stack.ready()
    assert info["version"] == ready["version"] and info["events"] == ready["events"]
    print(f"demo index in the image: {info['events']} events, {info['passages']} passages")


def test_runs_as_non_root(stack: Stack) -> None:
    assert stack.exec("id", "-u").strip() != "0"


def test_ui_shows_the_chat_input(stack: Stack) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page()
            page.goto(stack.ui, timeout=60_000)
            page.locator("[data-testid='stChatInput'] textarea").wait_for(timeout=60_000)
        finally:
            browser.close()


def test_supervisord_runs_both_and_restarts_the_api(stack: Stack) -> None:
    # `up --wait` returns once the API answers /health, a few seconds after supervisord
    # spawned it; supervisord calls a program RUNNING only once it has stayed up startsecs
    # (10 s), so both may still be STARTING here. They must get to RUNNING as the processes
    # already there: a retry (a new pid), BACKOFF, EXITED or FATAL, or a restarted
    # container, is a start that failed and fails the test.
    pids = {name: stack.program_pid(name) for name in ("api", "ui")}
    assert all(pids.values()), pids

    def both_running() -> bool:
        states = stack.program_states()
        assert {"api", "ui"} <= states.keys(), states
        assert set(states.values()) <= {"STARTING", "RUNNING"}, states
        return set(states.values()) == {"RUNNING"}

    wait_for("supervisord to report the API and the UI RUNNING", both_running, timeout=60)
    assert {name: stack.program_pid(name) for name in pids} == pids, "a program was respawned"
    assert stack.restart_count() == 0
    assert "api: started" in stack.exec("supervisorctl", "restart", "api")
    wait_for("the API after a restart", lambda: api_answers(stack))
    assert_sourced(ask(stack))


def test_a_killed_api_comes_back_and_the_container_stays_healthy(stack: Stack) -> None:
    before = stack.program_pid("api")
    stack.exec("sh", "-c", f"kill -9 {before}")  # the slim image has no kill binary

    def restarted() -> bool:
        # RUNNING once the new process stayed up startsecs: an API that cannot bind the
        # port (its orphaned workers still hold it) never gets there and goes FATAL
        status = stack.compose("exec", "-T", SERVICE, "supervisorctl", "status", "api", check=False)
        pid = stack.program_pid("api")
        return "RUNNING" in status.stdout and pid not in (0, before) and api_answers(stack)

    wait_for("supervisord to restart the killed API", restarted)
    assert stack.container_health() == "healthy"
    assert_sourced(ask(stack))


def test_recreated_container_reuses_the_index_on_the_volume(stack: Stack) -> None:
    before = stack.ready()["version"]
    started = requests.post(f"{stack.api}/rebuild", headers={"X-API-Key": REBUILD_KEY}, timeout=30)
    assert started.status_code == 202, started.text
    status_url = f"{stack.api}{started.json()['status_url']}"

    def job() -> dict:
        return requests.get(status_url, timeout=10).json()

    wait_for("the rebuild job", lambda: job()["state"] in ("succeeded", "failed"), timeout=300)
    assert job()["state"] == "succeeded", job()
    rebuilt = job()["result"]["version"]
    assert rebuilt != before
    # API_WORKERS=2: the worker that ran the job serves it at once, the other one within
    # INDEX_RELOAD_INTERVAL; a read from that one must not pass for "the rebuilt version".
    wait_for("every API worker to serve the rebuilt version", lambda: served_by_all(stack, rebuilt))

    stack.compose("up", "-d", "--force-recreate", "--wait", timeout=600)
    assert stack.ready()["version"] == rebuilt
    assert_sourced(ask(stack))


def served_by_all(stack: Stack, version: str, reads: int = 8) -> bool:
    """Several reads in a row (each may reach either API worker) all answer `version`."""
    return all(stack.ready()["version"] == version for _ in range(reads))


def api_answers(stack: Stack) -> bool:
    try:
        return requests.get(f"{stack.api}/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_entrypoint_runs_any_other_command(stack: Stack) -> None:
    result = subprocess.run(
        ["docker", "run", "--rm", IMAGE, "rag", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_api_mode_serves_the_same_volume_alone(stack: Stack) -> None:
    """`command: api`, the extra replica of compose.yaml: same index, no UI, no supervisord."""
    port = free_port()
    volume = f"{VOLUME}:/app/data"
    run = ["docker", "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:8000", "-v", volume]
    run += [IMAGE, "api"]
    container = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    try:
        replica = Stack(ROOT, PROJECT, stack.env, f"http://127.0.0.1:{port}", stack.ui)
        wait_for("the API-only container", lambda: api_answers(replica))
        assert replica.ready()["version"] == stack.ready()["version"]
        assert_sourced(ask(replica))
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)


# Inside the container: kill the API each time supervisord starts it (a shell loop, since
# the slim image has no pkill); `kill` is the shell builtin.
KILL_EVERY_API_START = """
last=0
while true; do
  pid=$(supervisorctl pid api 2>/dev/null)
  if [ "${pid:-0}" -gt 0 ] 2>/dev/null && [ "$pid" != "$last" ]; then kill -9 "$pid"; last=$pid; fi
  sleep 0.2
done
"""


def test_an_api_that_keeps_dying_stops_the_container_with_a_failure(stack: Stack) -> None:
    """Killed at every start, the API goes FATAL after supervisord's retries; `rag up` (the
    main process) then exits 1, so the container stops as failed instead of looking alive."""
    volume = f"{VOLUME}:/app/data"
    run = ["docker", "run", "-d", "--name", f"{PROJECT}-dying", "-v", volume, IMAGE]
    container = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    killer = subprocess.Popen(
        ["docker", "exec", container, "sh", "-c", KILL_EVERY_API_START],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        waited = subprocess.run(
            ["docker", "wait", container], capture_output=True, text=True, timeout=300
        )
        logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
        output = logs.stdout + logs.stderr
        assert waited.stdout.strip() == "1", output[-3000:]
        assert "gave up: api entered FATAL state" in output, output[-3000:]
        assert "exiting with status 1" in output
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)
        killer.wait(timeout=60)


def test_editing_code_keeps_the_dependency_layer_cached(stack: Stack, tmp_path: Path) -> None:
    """A build after a code change reuses the dependency layer and the runtime's venv copy."""
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*NOT_IN_CONTEXT))
    with (project / "rag" / "text.py").open("a") as module:
        # A unique edit: BuildKit would rightly reuse a layer built from the same bytes before.
        module.write(f"\n# edited by the layer cache test: {uuid4()}\n")

    image = f"{PROJECT}-cache:latest"
    edited = Stack(project, f"{PROJECT}-cache", stack_env(image), stack.api, stack.ui)
    try:
        output = edited.compose("build", timeout=1500)
    finally:
        subprocess.run(["docker", "image", "rm", "-f", image], capture_output=True)
    log = output.stdout + output.stderr
    assert step_state(log, "--no-install-project") == "CACHED", log
    assert step_state(log, "COPY --from=builder /app/.venv") == "CACHED", log
    assert step_state(log, "COPY rag/") != "CACHED", log


def step_state(log: str, marker: str) -> str:
    """`CACHED` or `DONE` for the BuildKit step whose title contains `marker`."""
    step = next(
        line.split()[0]
        for line in log.splitlines()
        if line.startswith("#") and "[" in line and marker in line
    )
    for line in log.splitlines():
        if line.startswith(f"{step} ") and line.split()[1] in ("CACHED", "DONE"):
            return line.split()[1]
    return "unknown"


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "hadolint", ROOT / "Dockerfile"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
