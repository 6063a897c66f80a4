"""Faults: a failing LLM, a damaged index at startup, rebuilds killed or out of disk, an API
killed over and over, concurrent rebuilds. The service keeps answering and loses nothing.

Real things throughout: the real app and engine on a 40-event demo index, a real `rag build`
process killed with SIGKILL, a real tmpfs that fills up, a real `rag up` under supervisord.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.embeddings import create_embedder
from rag.index import TMP_PREFIX, build_index, load_index
from rag.ingest import load_events
from rag.versions import active_version
from tests.fakes.llm_server import FakeLLM, fail, garbage, sleep
from ui.client import ApiClient

if TYPE_CHECKING:
    from tests.reliability import Demo

pytest_plugins = ["tests.reliability"]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUESTION = {"question": "Que faire ce week-end à Paris ?", "as_of": "2026-11-26"}


def client_for(demo: Demo, data_dir: Path, **settings: Any) -> TestClient:
    app = create_app(demo.settings(data_dir, REBUILD_API_KEY=demo.rebuild_key, **settings))
    return TestClient(app, raise_server_exceptions=False)


def rebuild(client: TestClient, key: str) -> dict[str, Any]:
    """Start a rebuild through the API and wait for its outcome."""
    started = client.post("/rebuild", headers={"X-API-Key": key})
    assert started.status_code == 202, started.text
    url = started.json()["status_url"]
    for _ in range(2400):
        job = client.get(url).json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    pytest.fail("the rebuild did not finish in 2 minutes")


def temporaries(data_dir: Path) -> list[str]:
    return [p.name for p in (data_dir / "indexes").glob(f"{TMP_PREFIX}*")]


# -- the LLM provider fails ------------------------------------------------------------------


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="module")
def llm_client(
    demo: Demo, llm: FakeLLM, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    data_dir = demo.copy(tmp_path_factory.mktemp("llm") / "data")
    settings = {
        "LLM_PROVIDER": "mistral",
        "MISTRAL_API_KEY": "test-key",
        "MISTRAL_SERVER_URL": llm.url,
        "LLM_TIMEOUT": 1,
    }
    with client_for(demo, data_dir, **settings) as client:
        yield client


FAILURES = {
    "timeout": [sleep(30)],  # far past LLM_TIMEOUT=1: the request must not wait for it
    "500": [fail(500)] * 3,
    "429": [fail(429)] * 3,
    "garbage": [garbage()],
}


@pytest.mark.timeout(60)  # the bound: a hanging provider would hang the test
@pytest.mark.parametrize("path", ["/ask", "/ask/stream"])
@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_llm_still_gets_an_extractive_answer(
    llm_client: TestClient, llm: FakeLLM, path: str, failure: str
) -> None:
    llm.script(*FAILURES[failure])
    response = llm_client.post(path, json=QUESTION)
    assert response.status_code == 200, response.text
    if path == "/ask":
        body = response.json()
    else:
        done = response.text.split("event: done\ndata: ", 1)[1].split("\n", 1)[0]
        body = json.loads(done)
    assert body["provider"] == body["provider"] | {"generator": "extractive", "fallback": True}
    assert body["sources"] and body["answer"].strip()
    llm.script()  # nothing left over for the next case
    assert not llm._script


# -- a damaged index at startup --------------------------------------------------------------


def damage(kind: str, data_dir: Path) -> None:
    root = data_dir / "indexes"
    version = root / (root / "CURRENT").read_text().strip()
    if kind == "missing":
        shutil.rmtree(version)
    elif kind == "truncated":
        vectors = version / "vectors.npy"
        with vectors.open("r+b") as fh:
            fh.truncate(vectors.stat().st_size // 2)
    elif kind == "other embedder":
        manifest = json.loads((version / "manifest.json").read_text())
        manifest |= {"embedder": "e5-small-q4", "dimension": 384}
        (version / "manifest.json").write_text(json.dumps(manifest))
    elif kind == "garbage manifest":
        (version / "manifest.json").write_bytes(b"\x00\xff{not json")
    elif kind == "CURRENT points outside":
        (root / "CURRENT").write_text("../../../../etc\n")


DAMAGE = {
    "missing": "manifest.json is missing",
    "truncated": "vectors.npy has",
    "other embedder": "was built with e5-small-q4",
    "garbage manifest": "manifest.json is unreadable",
    "CURRENT points outside": "manifest.json is missing",
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_index_keeps_health_up_says_why_and_a_rebuild_repairs_it(
    demo: Demo, tmp_path: Path, kind: str
) -> None:
    data_dir = demo.copy(tmp_path / "data")
    damage(kind, data_dir)
    app = create_app(demo.settings(data_dir, REBUILD_API_KEY=demo.rebuild_key))
    with demo.serve(app) as url, TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert DAMAGE[kind] in ready.json()["reason"] and "rag build" in ready.json()["reason"]
        assert client.post("/ask", json=QUESTION).status_code == 503
        # what the UI shows comes from the same /ready body, through its own client
        assert ApiClient(url).ready()["reason"] == ready.json()["reason"]

        job = rebuild(client, demo.rebuild_key)
        assert job["state"] == "succeeded", job
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["version"] == job["result"]["version"]
        assert client.post("/ask", json=QUESTION).json()["sources"]


# -- a rebuild killed halfway, or out of disk ------------------------------------------------

STALLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import faiss
    from rag.cli import app

    write_index = faiss.write_index

    def stall(index, path):
        # half the version is on disk (events, passages, vectors): announce it, then hang
        write_index(index, path)
        Path(sys.argv[1]).write_text(path)
        time.sleep(600)

    faiss.write_index = stall
    app(["build"])
    """
)


def wait_for(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def cli_env(data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "LLM_", "MISTRAL_"))}
    return keep | {"RAG_DATA_DIR": str(data_dir), "LLM_PROVIDER": "extractive"}


@pytest.mark.slow
def test_a_build_killed_halfway_leaves_the_previous_index_serving(
    demo: Demo, tmp_path: Path
) -> None:
    data_dir = demo.copy(tmp_path / "data")
    settings = demo.settings(data_dir)
    before = active_version(settings)
    marker = tmp_path / "half-written"
    build = subprocess.Popen(
        [sys.executable, "-c", STALLED_BUILD, str(marker)],
        cwd=tmp_path,
        env=cli_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("the build to be half written", marker.exists)
        # the half-written version (and the scratch file of its embedded vectors)
        [half] = [name for name in temporaries(data_dir) if "build" in name]
        assert not (data_dir / "indexes" / half / "manifest.json").exists()
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    assert active_version(settings) == before
    served = load_index(settings, create_embedder(settings))  # intact, checksums and all
    assert served.manifest.version == before

    done = subprocess.run(
        [str(BIN / "rag"), "build", "--json"],
        cwd=tmp_path,
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    after = json.loads(done.stdout)["version"]
    assert active_version(settings) == after != before
    assert temporaries(data_dir) == []


def test_an_injected_write_error_fails_the_rebuild_and_keeps_serving(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = demo.copy(tmp_path / "data")
    with client_for(demo, data_dir) as client:
        before = client.get("/ready").json()["version"]

        def disk_full(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(np, "save", disk_full)
        job = rebuild(client, demo.rebuild_key)
        assert job["state"] == "failed"
        assert job["error"] == "OSError: [Errno 28] No space left on device"
        assert client.get("/ready").json()["version"] == before
        assert client.post("/ask", json=QUESTION).status_code == 200
        assert temporaries(data_dir) == []

        monkeypatch.undo()
        job = rebuild(client, demo.rebuild_key)
        assert job["state"] == "succeeded", job
        assert client.get("/ready").json()["version"] == job["result"]["version"] != before


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs mount (needs root); unmounted afterwards."""
    mount = tmp_path / "indexes"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_fails_the_build_cleanly_and_the_next_one_succeeds(
    demo: Demo, tmp_path: Path, tiny_disk: Path
) -> None:
    """data/indexes on a tmpfs holding the current version plus a little: a new version does
    not fit. The build fails with ENOSPC, frees what it wrote, and the old one stays served."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo.template, data_dir, ignore=shutil.ignore_patterns("indexes"))
    data_dir.joinpath("indexes").symlink_to(tiny_disk)
    for item in (demo.template / "indexes").iterdir():
        copy = shutil.copytree if item.is_dir() else shutil.copy2
        copy(item, tiny_disk / item.name)
    used = sum(p.stat().st_size for p in tiny_disk.rglob("*") if p.is_file())
    subprocess.run(["mount", "-o", f"remount,size={used + 128 * 1024}", str(tiny_disk)], check=True)
    settings = demo.settings(data_dir)
    embedder = create_embedder(settings)
    before = active_version(settings)

    with pytest.raises(OSError) as full:
        build_index(settings, load_events(settings), embedder)
    assert full.value.errno == errno.ENOSPC
    assert active_version(settings) == before and temporaries(data_dir) == []
    assert load_index(settings, embedder).manifest.version == before

    subprocess.run(["mount", "-o", "remount,size=8m", str(tiny_disk)], check=True)
    report = build_index(settings, load_events(settings), embedder)
    assert active_version(settings) == report.version != before
    assert load_index(settings, embedder).manifest.events == report.events


# -- concurrent rebuilds ---------------------------------------------------------------------


def test_concurrent_rebuild_requests_run_exactly_one(demo: Demo, tmp_path: Path) -> None:
    data_dir = demo.copy(tmp_path / "data")
    with client_for(demo, data_dir) as client:
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def request() -> None:
            barrier.wait()
            response = client.post("/rebuild", headers={"X-API-Key": demo.rebuild_key})
            statuses.append(response.status_code)

        threads = [threading.Thread(target=request) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [202] + [409] * 7
        wait_for("the rebuild", lambda: not client.get("/ready").json()["rebuilding"])
        metrics = client.get("/metrics").text
        assert 'rag_rebuilds_total{outcome="succeeded"} 1' in metrics


# -- the API killed over and over ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_pids(port: int) -> set[int]:
    """The `rag serve` processes of this test (by their command line in /proc)."""
    wanted = f"--port\x00{port}".encode()
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"serve\x00" in cmdline and wanted in cmdline:
                pids.add(int(proc.name))
    return pids


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_an_api_killed_at_every_start_makes_rag_up_exit_non_zero(
    demo: Demo, tmp_path: Path
) -> None:
    """supervisord restarts a killed API; killed at every start (startretries=3), it goes
    FATAL, and `rag up` (the container's main process) exits 1 instead of looking alive."""
    data_dir = demo.copy(tmp_path / "data")
    port = free_port()
    env = cli_env(data_dir) | {
        "RAG_RUN_DIR": str(tmp_path / "run"),
        "API_HOST": "127.0.0.1",
        "API_PORT": str(port),
        "UI_HOST": "127.0.0.1",
        "UI_PORT": str(free_port()),
    }
    env = {k: v for k, v in env.items() if not k.startswith(("REBUILD_", "CORS_", "API_URL"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        up = subprocess.Popen(
            [str(BIN / "rag"), "up"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    killed: set[int] = set()
    try:
        while up.poll() is None and len(killed) < 12:
            for pid in api_pids(port) - killed:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            time.sleep(0.05)
        status = up.wait(timeout=120)
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGTERM)
            up.wait(timeout=60)
    output = log.read_text(errors="replace")
    assert status == 1, output[-3000:]
    assert len(killed) == 4, killed  # the first start and its 3 retries
    assert "gave up: api entered FATAL state" in output
    assert (
        "rag up: program api is FATAL (it kept exiting at start); exiting with status 1" in output
    )
    assert (tmp_path / "run" / "fatal").exists()
    assert api_pids(port) == set()  # nothing left behind
