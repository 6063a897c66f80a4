"""The FastAPI application factory: builds the service objects at startup and hands them over."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.api.deps import IndexWatcher, Services
from rag.api.docs import add_docs
from rag.api.limits import AskLimiter, LimitStore, WrongKeys
from rag.api.metrics import Metrics
from rag.api.routes import router
from rag.api.server import die_with_parent
from rag.config import Settings, load_settings
from rag.engine import Assistant, NotReady
from rag.rebuild import Rebuilder, RebuildJob, RebuildWork, jobs_dir, rebuild

log = logging.getLogger("rag.api")
# Per-client limits shared by the API workers, in RAG_RUN_DIR.
LIMITS_FILE = "limits.sqlite3"
MIN_KEY_CHARS = 16

DESCRIPTION = """
Ask French questions about cultural events ("Que faire ce week-end à Paris avec des
enfants ?") and get an answer grounded in the indexed events (the generated demo corpus, or
the OpenAgenda events you ingested: see `GET /ready`), with the events cited.

* `POST /ask` answers in one JSON document (the same as `rag ask --json`);
  `POST /ask/stream` streams it as Server-Sent Events.
* `GET /ready` says whether an index is loaded; `POST /rebuild` (with `X-API-Key`)
  re-ingests and re-indexes in the background without interrupting answers.
"""


def create_app(
    settings: Settings,
    assistant: Assistant | None = None,
    rebuild_work: RebuildWork | None = None,
) -> FastAPI:
    """The API. Without `assistant`, one is built from `settings` at startup (loading the
    embedding model and the active index); `rebuild_work` replaces what a rebuild job does."""
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served = (
            assistant
            if assistant is not None
            else await run_in_threadpool(Assistant.from_settings, settings)
        )

        def finished(job: RebuildJob) -> None:
            metrics.observe_rebuild(job.state, job.duration_s or 0.0)

        work = rebuild_work or partial(rebuild, settings, served)
        rebuilder = Rebuilder(work, jobs_dir(settings), finished)
        watcher = IndexWatcher(served, rebuilder, settings.index_reload_interval)
        limits = LimitStore(settings.run_dir / LIMITS_FILE)
        app.state.services = Services(
            settings,
            served,
            rebuilder,
            metrics,
            watcher,
            limits=limits,
            wrong_keys=WrongKeys(
                limits, settings.rebuild_max_failures, settings.rebuild_failure_window
            ),
            ask_limiter=AskLimiter(limits, settings.ask_rate_limit)
            if settings.ask_rate_limit
            else None,
        )
        key = settings.rebuild_api_key
        if key is not None and len(key.get_secret_value()) < MIN_KEY_CHARS:
            log.warning(
                "REBUILD_API_KEY has fewer than %d characters: wrong keys are slowed down, "
                "not refused, so use a long random one (openssl rand -hex 24)",
                MIN_KEY_CHARS,
            )
        status = served.status()
        log.info(
            "serving index %s (%d events) with %s + %s",
            status.version or "-",
            status.events,
            status.embedder,
            status.generator,
        )
        yield

    app = FastAPI(
        title="rag-events",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Starlette's redirect to the slash-less path would build its Location from the
        # client's Host header: `/ask/` is a plain 404 instead.
        redirect_slashes=False,
    )
    add_docs(app)  # /docs and /redoc that work offline
    app.include_router(router)
    app.add_exception_handler(NotReady, _not_ready)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(HeaderLimitMiddleware, max_bytes=settings.api_max_header_bytes)
    app.add_middleware(RequestMiddleware, metrics=metrics)
    return app


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"


def serve_app() -> FastAPI:
    """What each `rag serve` worker process runs (`uvicorn --factory`): settings from the
    environment, one log format for uvicorn and rag, with the worker's pid."""
    die_with_parent()
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return create_app(load_settings())


async def _not_ready(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"Not ready: {exc}"}, status_code=503)


class BodyLimitMiddleware:
    """413 for a body over `max_bytes`: refused on its Content-Length before anything is read,
    and cut off while reading when no length was announced (chunked uploads)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            response = JSONResponse({"detail": self._detail()}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # FastAPI turns it into a JSON 413 (it re-raises HTTPException from body reads)
                raise HTTPException(413, detail=self._detail())
            return message

        await self.app(scope, limited, send)

    def _detail(self) -> str:
        return (
            f"Request body over {self.max_bytes} bytes (API_MAX_BODY_BYTES): a question has "
            "at most 1000 characters and the history 20 turns."
        )


class HeaderLimitMiddleware:
    """431 when the request's headers add up to more than `max_bytes` (uvicorn's own cap,
    `h11_max_incomplete_event_size`, only bounds headers still arriving)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > self.max_bytes:
                detail = (
                    f"Request headers over {self.max_bytes} bytes (API_MAX_HEADER_BYTES); "
                    "send fewer or shorter headers."
                )
                await JSONResponse({"detail": detail}, status_code=431)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestMiddleware:
    """One log line and one metric sample per request; turns any uncaught exception into a
    JSON 500 so that no stack trace leaves the server (the log keeps it)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | str = 500
        response_started = finished = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started, finished
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
            if response_started and not finished:
                status = "aborted"  # the client left mid-response (a dropped stream)
        except ClientDisconnect:
            status = "aborted"
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            status = 500
            if not response_started:
                body = json.dumps({"detail": "Internal server error; the server log has details."})
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body.encode()})
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            label = getattr(route, "path", "unmatched")
            self.metrics.observe_request(scope["method"], label, status, seconds)
            log.info(
                "method=%s path=%s status=%s latency_ms=%.1f",
                scope["method"],
                scope["path"],
                status,
                seconds * 1000,
            )
