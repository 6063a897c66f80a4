"""What the reliability tests share: one small real demo index, built once per session, that
each test copies into its own data directory, and settings that ignore the host's `.env`.

Loaded with `pytest_plugins = ["tests.reliability"]`; test modules get everything through
the `demo` fixture (importing this module by name first would skip its assertion rewriting).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from rag.api.server import uvicorn_options
from rag.config import Settings
from rag.demo import build_demo

DEMO_EVENTS = 40
TODAY = date(2026, 11, 26)


@dataclass(frozen=True)
class Demo:
    """The 40-event demo corpus, indexed once; `copy` gives a test its own data directory."""

    template: Path
    rebuild_key: str = "reliability-rebuild-key"
    today: date = TODAY

    def copy(self, target: Path) -> Path:
        shutil.copytree(self.template, target)
        return target

    @staticmethod
    def settings(data_dir: Path, **values: Any) -> Settings:
        """Offline settings for `data_dir`: local embedder, extractive answers, no `.env`,
        and a run directory of their own (per-client limits are not shared between tests
        unless they pass the same RAG_RUN_DIR)."""
        base: dict[str, Any] = {"RAG_DATA_DIR": data_dir, "LLM_PROVIDER": "extractive"}
        if "RAG_RUN_DIR" not in values:
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            base["RAG_RUN_DIR"] = tempfile.mkdtemp(prefix="run-", dir=data_dir.parent)
        return Settings(_env_file=None, **(base | values))  # type: ignore[call-arg]

    @staticmethod
    @contextmanager
    def serve(app: Any, settings: Settings | None = None) -> Iterator[str]:
        """`app` behind a real uvicorn (real HTTP parsing) on a free 127.0.0.1 port, run
        as `rag serve` runs it (`uvicorn_options`)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        options = uvicorn_options(settings or Settings(_env_file=None))  # type: ignore[call-arg]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for _ in range(1200):
                if server.started or not thread.is_alive():
                    break
                threading.Event().wait(0.05)
            assert server.started, "uvicorn did not start"
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=15)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """Builds the demo index (about 10 s on a busy machine) the first time a test asks."""
    data_dir = tmp_path_factory.mktemp("demo-template") / "data"
    build_demo(Demo.settings(data_dir), TODAY, DEMO_EVENTS)
    return Demo(data_dir)
