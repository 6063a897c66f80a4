"""compose.yaml on a real single-node Docker Swarm: `docker stack deploy` runs 3 replicas
behind the routing mesh on a read-only volume, the one-shot builder writes the index, and
questions keep being answered while a replica is killed and a new version is built, which
every replica then serves. The swarm is left as it was found (joined only for the test).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.docker, pytest.mark.timeout(2400)]

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "scaleout-rag-events:swarm-test"
STACK = "scaleout-test"
SERVICE = f"{STACK}_rag-events"
REPLICAS = 3
RELOAD_S = 2
QUESTIONS = ["Un concert ce week-end ?", "Une exposition à Paris ?", "Un spectacle samedi ?"]
RETRIES = 3
"""Connection errors retried per question: the routing mesh does not retry a request cut by
a killed replica, so a client (or a proxy in front) must."""


def docker(*args: str, timeout: float = 300, check: bool = True) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"docker {' '.join(args)}: {result.stdout}{result.stderr}")
    return result.stdout


def engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="module")
def swarm() -> Iterator[None]:
    if not engine_answers():
        pytest.skip("no Docker engine answers (.ci/run starts one)")
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip()
    if state not in ("inactive", "active"):
        pytest.fail(f"the engine's swarm is {state!r}; expected inactive or active")
    if state == "inactive":
        docker("swarm", "init", "--advertise-addr", "127.0.0.1")
    try:
        yield
    finally:
        if state == "inactive":
            docker("swarm", "leave", "--force", check=False)


@dataclass
class Stack:
    env: dict[str, str]
    api: str
    volume: str

    def replicas(self) -> list[str]:
        """Running containers of the API+UI service on this node."""
        label = f"label=com.docker.swarm.service.name={SERVICE}"
        return docker("ps", "-q", "--filter", label, "--filter", "status=running").split()

    def ready(self, container: str) -> dict | None:
        """The replica's own /ready, from inside its container (not through the mesh)."""
        script = (
            "import json, urllib.request\n"
            "try:\n"
            "    print(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=5).read()"
            ".decode())\n"
            "except Exception as e:\n"
            "    print('null')\n"
        )
        output = docker("exec", container, "python", "-c", script, check=False, timeout=60)
        try:
            return json.loads(output or "null")
        except ValueError:
            return None

    def versions(self) -> set[str | None]:
        return {(self.ready(c) or {}).get("version") for c in self.replicas()}

    def build(self) -> None:
        """`rag build` by hand on the manager, into the stack's volume (what `builder` runs)."""
        docker(
            "run", "--rm", "-v", f"{self.volume}:/app/data", "-e", "EMBEDDING_PROVIDER=local",
            IMAGE, "build", timeout=900,
        )  # fmt: skip


def wait_until(what: str, check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(1)
    services = docker("service", "ps", "--no-trunc", SERVICE, check=False)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{services}")


@pytest.fixture(scope="module")
def stack(swarm: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from tests.service import clean_env, free_port

    env = clean_env(
        RAG_EVENTS_IMAGE=IMAGE,
        RAG_REPLICAS=str(REPLICAS),
        RAG_DATA_READ_ONLY="true",
        RAG_BUILDER="1",
        RAG_DATA_VOLUME=f"{STACK}-data",
        RAG_CPUS="1",
        RAG_MEMORY="2G",
        API_PORT=str(free_port()),
        UI_PORT=str(free_port()),
        API_WORKERS="1",
        INDEX_RELOAD_INTERVAL=str(RELOAD_S),
        LLM_PROVIDER="extractive",
        EMBEDDING_PROVIDER="local",
    )
    build = ["docker", "compose", "-p", STACK, "build", "rag-events"]
    built = subprocess.run(build, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert built.returncode == 0, built.stdout + built.stderr
    deploy = ["docker", "stack", "deploy", "--resolve-image", "never", "-c", "compose.yaml", STACK]
    deployed = subprocess.run(deploy, cwd=ROOT, env=env, capture_output=True, text=True)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    running = Stack(env, f"http://127.0.0.1:{env['API_PORT']}", env["RAG_DATA_VOLUME"])
    try:
        # the builder writes the first index; the read-only replicas pick it up by themselves
        wait_until(
            f"{REPLICAS} replicas serving the builder's index",
            lambda: len(running.replicas()) == REPLICAS and None not in running.versions(),
            900,
        )
        yield running
    finally:
        docker("stack", "rm", STACK, check=False)
        label = f"label=com.docker.stack.namespace={STACK}"
        wait_until(
            "the stack's containers to stop",
            lambda: not docker("ps", "-q", "--filter", label, check=False).split(),
            180,
        )
        leftovers = docker("ps", "-aq", "--filter", label, check=False).split()
        if leftovers:  # the builder job's exited containers
            docker("rm", "-f", *leftovers, check=False)
        docker("volume", "rm", "-f", running.volume, check=False)


@dataclass
class Asker:
    """Questions through the published port (the routing mesh), one connection each."""

    api: str
    statuses: list[int] = field(default_factory=list)
    retried: int = 0
    failed: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            question = QUESTIONS[turn % len(QUESTIONS)]
            turn += 1
            for attempt in range(RETRIES + 1):
                try:
                    response = requests.post(
                        f"{self.api}/ask",
                        json={"question": question},
                        headers={"Connection": "close"},
                        timeout=60,
                    )
                except requests.ConnectionError as exc:
                    if attempt == RETRIES:
                        self.failed.append(repr(exc))
                    else:
                        self.retried += 1
                        time.sleep(0.5)
                    continue
                self.statuses.append(response.status_code)
                break


def kill_one_and_build(stack: Stack) -> str:
    """Kill a replica, wait for Swarm to replace it, build a new version by hand, and wait
    until every replica serves it; returns that version."""
    containers = stack.replicas()
    before = stack.versions()
    assert len(containers) == REPLICAS and len(before) == 1 and None not in before
    docker("kill", containers[0])
    wait_until(
        "Swarm to replace the killed replica",
        lambda: (
            len(set(stack.replicas()) - {containers[0]}) == REPLICAS
            and None not in stack.versions()
        ),
        600,
    )
    stack.build()
    wait_until(
        "every replica serving the new version",
        lambda: len(now := stack.versions()) == 1 and now != before,
        RELOAD_S + 60,  # the reload interval, plus `docker exec` on 3 busy containers
    )
    (version,) = stack.versions()
    assert version is not None
    return version


def test_read_only_replicas_survive_a_kill_and_all_serve_a_new_version(stack: Stack) -> None:
    inspect = json.loads(docker("inspect", stack.replicas()[0]))[0]
    mounts = {m["Destination"]: m for m in inspect["Mounts"]}
    assert mounts["/app/data"]["RW"] is False  # the replicas only read the index
    kill_one_and_build(stack)


def test_questions_through_the_mesh_lose_nothing_meanwhile(stack: Stack) -> None:
    if not Path("/proc/net/ip_vs").exists():
        pytest.skip("Swarm's routing mesh needs IPVS, which this kernel lacks (/proc/net/ip_vs)")
    askers = [Asker(stack.api) for _ in range(3)]
    threads = [threading.Thread(target=a.run, daemon=True) for a in askers]
    for thread in threads:
        thread.start()
    try:
        wait_until("answers through the mesh", lambda: all(a.statuses for a in askers), 120)
        kill_one_and_build(stack)
        served = sum(len(a.statuses) for a in askers)
        wait_until("more answers after the switch", lambda: sum(
            len(a.statuses) for a in askers) > served + 3, 120)  # fmt: skip
    finally:
        for asker in askers:
            asker.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    statuses = [s for a in askers for s in a.statuses]
    failed = [f for a in askers for f in a.failed]
    print(f"{len(statuses)} answers, {sum(a.retried for a in askers)} connections retried")
    assert not failed, failed
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
