"""API_WORKERS: the real `rag serve` with two uvicorn worker processes on one socket, one
index and one job store (data/jobs/). Which worker holds a connection is read from /proc
(the socket's inode among each worker's file descriptors), so every check targets a worker.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
pytest_plugins = ["tests.reliability"]

WORKERS = 2
QUESTIONS = [
    "Un concert ce week-end ?",
    "Une exposition à Paris ?",
    "Que faire avec des enfants samedi ?",
    "Un spectacle de danse en décembre ?",
]


@dataclass
class Server:
    port: int
    data: Path
    process: subprocess.Popen[bytes]
    log: Path
    rebuild_key: str

    def workers(self) -> list[int]:
        """The uvicorn worker processes (spawned children of the `rag serve` process)."""
        pids = []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in map(int, children.read_text().split()):
            try:
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(pid)
            except FileNotFoundError:
                continue
        return pids

    def connect(self) -> Connection:
        return Connection(self)


class Connection:
    """One keep-alive HTTP connection, and the worker process that accepted it."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.http.connect()
        self.port = self.http.sock.getsockname()[1]
        self.call("GET", "/health")  # accepted by a worker only once it reads a request
        self.worker = self._worker()

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, **headers: str
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        self.http.request(method, path, body=data, headers=headers)
        response = self.http.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def _worker(self) -> int | None:
        inode = server_socket_inode(self.server.port, self.port)
        for pid in self.server.workers():
            try:
                fds = list(Path(f"/proc/{pid}/fd").iterdir())
            except FileNotFoundError:
                continue
            for fd in fds:
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except FileNotFoundError:
                    continue
        return None

    def close(self) -> None:
        self.http.close()


def server_socket_inode(server_port: int, client_port: int) -> int:
    """The inode of the server side of the TCP connection from `client_port`."""
    local, remote = f":{server_port:04X}", f":{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        columns = line.split()
        if columns[1].endswith(local) and columns[2].endswith(remote):
            return int(columns[9])
    raise AssertionError(f"no server socket for client port {client_port}")


def one_per_worker(server: Server, per_worker: int = 1) -> list[Connection]:
    """Connections until every worker holds `per_worker` of them (the kernel picks)."""
    kept: list[Connection] = []
    count: dict[int, int] = {}
    for _ in range(200):
        if len(count) == WORKERS and min(count.values()) >= per_worker:
            return kept
        connection = server.connect()
        if connection.worker is None or count.get(connection.worker, 0) >= per_worker:
            connection.close()
            continue
        count[connection.worker] = count.get(connection.worker, 0) + 1
        kept.append(connection)
    pytest.fail(f"200 connections did not reach every worker: {count}")


@pytest.fixture
def server(demo: Any, tmp_path: Path) -> Iterator[Server]:
    from tests.service import clean_env, free_port, start_rag, stop, wait_for

    data = demo.copy(tmp_path / "data")
    port = free_port()
    env = clean_env(
        RAG_DATA_DIR=str(data),
        RAG_RUN_DIR=str(tmp_path / "run"),  # the workers' shared per-client limits
        API_WORKERS=str(WORKERS),
        API_HOST="127.0.0.1",
        API_PORT=str(port),
        REBUILD_API_KEY=demo.rebuild_key,
        EMBEDDING_PROVIDER="local",
        LLM_PROVIDER="extractive",
        INDEX_RELOAD_INTERVAL="1",
    )
    log = tmp_path / "serve.log"
    process = start_rag("serve", tmp_path, env, log)
    running = Server(port, data, process, log, demo.rebuild_key)
    try:
        # each worker logs it once it has loaded the model and the index
        wait_for(
            "both workers started",
            lambda: log.read_text().count("Application startup complete") >= WORKERS,
            300,
            log,
        )
        yield running
    finally:
        stop(process)


def wait_job(connection: Connection, job_id: str) -> dict[str, Any]:
    from tests.service import wait_for

    job: dict[str, Any] = {}

    def finished() -> bool:
        job.update(connection.call("GET", f"/rebuild/{job_id}")[1])
        return job["state"] in ("succeeded", "failed")

    wait_for(f"rebuild {job_id}", finished, 300, connection.server.log)
    return job


def test_a_rebuild_in_one_worker_is_served_by_every_worker(server: Server) -> None:
    from tests.service import wait_for

    first, second = one_per_worker(server)
    before = first.call("GET", "/ready")[1]["version"]
    assert second.call("GET", "/ready")[1]["version"] == before
    shutil.rmtree(server.data / "cache")  # the job embeds everything again: it takes a while
    key = {"X-API-Key": server.rebuild_key}
    status, accepted = first.call("POST", "/rebuild", **key)
    assert status == 202, accepted
    # only one build runs, whichever worker is asked: the other refuses, or (if the first
    # was already done) its job starts after the first one finished
    status, other = second.call("POST", "/rebuild", **key)
    if status == 202:
        later = wait_job(second, other["id"])
        assert later["started_at"] >= wait_job(first, accepted["id"])["finished_at"]
    else:
        assert status == 409 and accepted["id"] in other["detail"], other
    path = f"/rebuild/{accepted['id']}"
    seen: list[dict[str, Any]] = []

    def finished() -> bool:
        for connection in (second, first):  # both: any worker answers for any job
            status, job = connection.call("GET", path)
            assert status == 200, job
            seen.append(job)
        return seen[-1]["state"] in ("succeeded", "failed")

    wait_for("the rebuild job", finished, 300, server.log)
    job = seen[-1]
    assert job["state"] == "succeeded", job
    assert second.call("GET", path)[1] == job  # the other worker reads the same record
    assert {"embed", "write"} <= {j["stage"] for j in seen}
    version = job["result"]["version"]
    assert version != before

    def both_serve_it() -> bool:
        return all(c.call("GET", "/ready")[1]["version"] == version for c in (first, second))

    wait_for("every worker serving the new version", both_serve_it, 30, server.log)
    assert {first.worker, second.worker} == set(server.workers())


@dataclass
class Outcome:
    port: int
    ok: bool
    detail: str = ""


@dataclass
class Client:
    """A thread asking questions on one keep-alive connection, reconnecting after a failure."""

    server: Server
    connection: Connection
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            question = QUESTIONS[turn % len(QUESTIONS)]
            turn += 1
            port = self.connection.port
            try:
                status, body = self.connection.call("POST", "/ask", {"question": question})
                self.outcomes.append(Outcome(port, status == 200, f"{status} {body}"[:200]))
            except (OSError, http.client.HTTPException) as exc:
                self.outcomes.append(Outcome(port, False, repr(exc)))
                self.connection.close()
                self._reconnect()

    def _reconnect(self) -> None:
        """A new connection; one that fails sent no question, so it is tried again (a
        thread that died here would look like a hang)."""
        while not self.stop.is_set():
            try:
                self.connection = self.server.connect()
                return
            except (OSError, http.client.HTTPException, AssertionError):
                self.stop.wait(0.1)

    def successes(self) -> int:
        return sum(o.ok for o in self.outcomes)


def test_killing_a_worker_mid_request_loses_no_other_request(server: Server) -> None:
    from tests.service import wait_for

    clients = [Client(server, c) for c in one_per_worker(server, per_worker=3)]
    threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    try:
        wait_for("questions answered", lambda: min(c.successes() for c in clients) >= 2, 300)
        victim = clients[0].connection.worker
        on_victim = {c.connection.port for c in clients if c.connection.worker == victim}
        assert victim is not None and len(on_victim) == 3
        before = [c.successes() for c in clients]
        os.kill(victim, signal.SIGKILL)

        def replaced() -> bool:
            pids = server.workers()
            return len(pids) == WORKERS and victim not in pids

        wait_for("uvicorn to replace the killed worker", replaced, 120, server.log)
        wait_for(
            "questions answered after the kill",
            lambda: all(c.successes() >= b + 3 for c, b in zip(clients, before, strict=True)),
            300,
            server.log,
        )
    finally:
        for client in clients:
            client.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    failures = [o for c in clients for o in c.outcomes if not o.ok]
    # the killed worker's connections lose what they had in flight, at most one each; no
    # request on the other worker, and none after reconnecting, fails
    assert failures, "the killed worker's connections should have been cut"
    assert all(f.port in on_victim for f in failures), failures
    assert len(failures) <= len(on_victim), failures


def test_wrong_keys_are_counted_by_every_worker_and_the_right_key_passes(server: Server) -> None:
    """The wrong keys alternate between the two workers, each with another spoofed
    X-Forwarded-For: together they reach the limit (RAG_RUN_DIR/limits.sqlite3)."""
    first, second = one_per_worker(server)
    assert first.worker != second.worker
    statuses = []
    for attempt in range(7):
        connection = (first, second)[attempt % 2]
        headers = {"X-API-Key": f"wrong-{attempt}", "X-Forwarded-For": f"203.0.113.{attempt}"}
        statuses.append(connection.call("POST", "/rebuild", **headers)[0])
    assert statuses == [401] * 5 + [429] * 2
    status, accepted = first.call("POST", "/rebuild", **{"X-API-Key": server.rebuild_key})
    assert status == 202, accepted
    assert wait_job(first, accepted["id"])["state"] == "succeeded"


def test_workers_of_a_killed_server_stop_and_free_the_port(server: Server) -> None:
    """`kill -9` of `rag serve` (an OOM kill): its workers end too, so the API supervisord
    starts again can bind the port instead of going FATAL on "port already in use"."""
    from rag.supervisor import bind_port
    from tests.service import wait_for

    workers = server.workers()
    assert len(workers) == WORKERS
    server.process.kill()
    server.process.wait(timeout=10)

    def gone(pid: int) -> bool:
        try:  # a zombie (reaped by nobody yet) has ended too
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
        except FileNotFoundError:
            return True

    wait_for("the orphaned workers to end", lambda: all(map(gone, workers)), 30, server.log)
    bind_port("127.0.0.1", server.port, "API").close()
