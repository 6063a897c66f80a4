"""The objects the routes use, built once in the app's lifespan and handed over as dependencies."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from rag.api.metrics import Metrics
from rag.config import Settings
from rag.engine import Assistant
from rag.rebuild import Rebuilder


class IndexWatcher:
    """Picks up an index version built by another process (`rag build`, another replica).

    Checking means reading data/indexes/CURRENT, so it is throttled to `interval` seconds,
    skipped while this process rebuilds (the job swaps its own result in), and never makes
    two requests wait on the same load.
    """

    def __init__(self, assistant: Assistant, rebuilder: Rebuilder, interval: float) -> None:
        self._assistant = assistant
        self._rebuilder = rebuilder
        self._interval = interval
        self._lock = threading.Lock()
        self._checked = time.monotonic()

    def maybe_reload(self) -> None:
        if time.monotonic() - self._checked < self._interval or self._rebuilder.active:
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._assistant.reload()
            self._checked = time.monotonic()
        finally:
            self._lock.release()


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    assistant: Assistant
    rebuilder: Rebuilder
    metrics: Metrics
    watcher: IndexWatcher


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def current_assistant(services: ServicesDep) -> Assistant:
    """The assistant, after a throttled look for a newer index on disk (runs in the threadpool)."""
    services.watcher.maybe_reload()
    return services.assistant


AssistantDep = Annotated[Assistant, Depends(current_assistant)]


def ready_assistant(assistant: AssistantDep) -> Assistant:
    """503 before any work (and before a stream starts) when no index is loaded."""
    status = assistant.status()
    if not status.ready:
        raise HTTPException(503, detail=f"Not ready: {status.reason}")
    return assistant


ReadyAssistantDep = Annotated[Assistant, Depends(ready_assistant)]
