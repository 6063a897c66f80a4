"""One real rag-events service for the slow end-to-end tests: `rag up` (demo index, then
supervisord with the real supervisord.conf running the API and the UI) on free ports in a
temporary data directory. Shared by test_supervisord.py and test_ui_browser.py through
`pytest_plugins = ["tests.service"]`, so it starts once per session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REBUILD_KEY = "e2e-rebuild-key"
# Host settings that must not leak into the service under test (keys, remote providers).
HOST_ONLY = ("MISTRAL_", "LLM_", "OPENAGENDA_", "OPENDATASOFT_", "EMBEDDING_", "RAG_", "API_")
HOST_ONLY += ("UI_", "REBUILD_", "CORS_", "INDEX_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(HOST_ONLY)}
    return env | {"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"} | values


def local_env(base: Path, api_port: int, ui_port: int, **values: str) -> dict[str, str]:
    """`clean_env` for a `rag up` under `base` on local ports, offline (embedded model and
    writer)."""
    return clean_env(
        RAG_DATA_DIR=str(base / "data"),
        RAG_RUN_DIR=str(base / "run"),
        API_HOST="127.0.0.1",
        API_PORT=str(api_port),
        UI_HOST="127.0.0.1",
        UI_PORT=str(ui_port),
        EMBEDDING_PROVIDER="local",
        LLM_PROVIDER="extractive",
        **values,
    )


def wait_for(what: str, check: Callable[[], bool], timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def start_rag(command: str, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`rag <command>` in its own process group, its output appended to `log` (supervisord
    writes there too, through /dev/stdout)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(BIN / "rag"), command],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and the whole process group killed if it is still there after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class Service:
    """Test modules get everything through this object (importing tests.service by name
    before pytest loads it as a plugin would skip its assertion rewriting)."""

    env: dict[str, str]
    api: str
    ui: str
    log: Path
    process: subprocess.Popen[bytes]
    rebuild_key: str = REBUILD_KEY

    def ctl(self, *args: str) -> str:
        """supervisorctl against this service's socket, as an operator would run it."""
        command = [str(BIN / "supervisorctl"), "-c", str(ROOT / "supervisord.conf"), *args]
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)
        return result.stdout + result.stderr

    def pid(self, program: str) -> int:
        return int(self.ctl("pid", program).strip())

    def ready(self) -> dict:
        return requests.get(f"{self.api}/ready", timeout=10).json()

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 120) -> None:
        wait_for(what, check, timeout, self.log)

    def wait_ready(self, timeout: float = 180) -> None:
        wait_for(
            "the API's /ready",
            lambda: requests.get(f"{self.api}/ready", timeout=5).status_code == 200,
            timeout,
            self.log,
        )

    def wait_ui(self, timeout: float = 120) -> None:
        wait_for(
            "Streamlit's /_stcore/health",
            lambda: requests.get(f"{self.ui}/_stcore/health", timeout=5).text == "ok",
            timeout,
            self.log,
        )


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    base = tmp_path_factory.mktemp("service")
    api_port, ui_port = free_port(), free_port()
    env = local_env(base, api_port, ui_port, REBUILD_API_KEY=REBUILD_KEY, INDEX_RELOAD_INTERVAL="1")
    log = base / "service.log"
    # A small demo corpus (the default is 360 events): `rag up` finds an index and starts.
    demo = [str(BIN / "rag"), "demo", "--events", "120"]
    subprocess.run(demo, cwd=base, env=env, check=True, capture_output=True, timeout=600)
    process = start_rag("up", base, env, log)  # `rag up` becomes supervisord (exec)
    service = Service(
        env, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}", log, process
    )
    try:
        service.wait_ready()
        service.wait_ui()
        yield service
    finally:
        stop(process)
