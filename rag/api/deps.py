"""The objects the routes use, built once in the app's lifespan and handed over as dependencies.

The dependencies are `async` and do their cheap checks on the event loop: FastAPI runs
every plain `def` dependency in its threadpool, and those four hand-offs per `/ask` cost
about a tenth of its CPU (docs/benchmarks.md). What may block (loading a newer index, the
SQLite of ASK_RATE_LIMIT) still goes to the threadpool.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from rag.api.limits import AskLimiter, LimitStore, WrongKeys
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

    def due(self) -> bool:
        """Whether `maybe_reload` would look at the disk now."""
        return time.monotonic() - self._checked >= self._interval and not self._rebuilder.active

    def maybe_reload(self) -> None:
        if not self.due():
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
    limits: LimitStore
    wrong_keys: WrongKeys
    ask_limiter: AskLimiter | None


async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def current_assistant(services: ServicesDep) -> Assistant:
    """The assistant, after a throttled look for a newer index on disk (in the threadpool)."""
    if services.watcher.due():
        await run_in_threadpool(services.watcher.maybe_reload)
    return services.assistant


AssistantDep = Annotated[Assistant, Depends(current_assistant)]


async def ready_assistant(assistant: AssistantDep) -> Assistant:
    """503 before any work (and before a stream starts) when no index is loaded; the
    reason names what to run, never a server path."""
    status = assistant.status()
    if not status.ready:
        raise HTTPException(503, detail=f"Not ready: {status.reason}")
    return assistant


ReadyAssistantDep = Annotated[Assistant, Depends(ready_assistant)]


def client_address(request: Request) -> str:
    """Who is asking, for the per-client limits: the TCP peer, or what a proxy listed in
    FORWARDED_ALLOW_IPS says (uvicorn resolves X-Forwarded-For only from those). An IPv6
    client counts as its /64, which one host can draw addresses from at will."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network((address, 64), strict=False))
    return host


async def ask_quota(request: Request, services: ServicesDep) -> None:
    """429 once a client exceeds ASK_RATE_LIMIT questions per minute (off when 0)."""
    limiter = services.ask_limiter
    if limiter is None:
        return
    wait = await run_in_threadpool(limiter.acquire, client_address(request))
    if wait:
        raise HTTPException(
            429,
            detail=f"Too many questions: at most {limiter.limit} per minute per client "
            f"(ASK_RATE_LIMIT); retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


async def json_body(request: Request) -> None:
    """415 with what to send, instead of a validation error about a dictionary."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(
            415,
            detail="Send the question as JSON with the header Content-Type: application/json "
            f"(got {'another type' if media_type else 'no Content-Type'}).",
        )
