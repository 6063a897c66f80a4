"""How `rag serve` runs uvicorn: whose forwarded headers to believe, how big headers may be.

uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local client (the UI,
a shell on the host) could pose as any address and dodge the per-client limits. Here
nothing is trusted unless FORWARDED_ALLOW_IPS (or `--forwarded-allow-ips`) names the proxy.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
import socket
import sys
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from rag.config import Settings

# What h11 buffers of a request head still arriving; a complete head over
# API_MAX_HEADER_BYTES reaches the app, which answers 431.
MIN_HEADER_BUFFER = 1 << 20
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """In an API worker: end when the `rag serve` process that spawned it dies.

    uvicorn's workers outlive a parent killed with SIGKILL (an OOM kill, `kill -9`) and keep
    the port, so the API supervisord restarts cannot bind it and goes FATAL. The kernel
    sends the orphan SIGTERM instead (a graceful stop); no-op outside Linux or a worker.
    """
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return
    if os.getppid() != parent.pid:  # the parent died before the call above
        os.kill(os.getpid(), signal.SIGTERM)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with Nagle's algorithm off on every connection.

    asyncio turns it off only on sockets whose protocol number says TCP, and the socket
    uvicorn binds for API_WORKERS > 1 says 0: a response written in two parts (head, then
    body) then waited for the client's delayed ACK, ~40 ms each (/health at 700 req/s with
    2 workers against 1,650 with one; docs/benchmarks.md).
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


class FairAcceptLoop(asyncio.SelectorEventLoop):
    """asyncio's loop, accepting one connection each time the listening socket is ready.

    API_WORKERS share one listening socket and each is woken when it becomes readable;
    asyncio's loop then accepts up to `backlog` connections in a row, so the worker that
    woke first took most of a burst (`wrk -c32`: 30 to 2) and the other stayed idle. One
    at a time, the workers take turns: a busy one (its event loop waits for the GIL behind
    the questions it answers) comes back to the socket later than an idle one.
    """

    def _accept_connection(
        self, protocol_factory: Any, sock: Any, *args: Any, **kwargs: Any
    ) -> None:
        if len(args) >= 3:
            args = (*args[:2], 1, *args[3:])
        else:
            kwargs["backlog"] = 1
        super()._accept_connection(protocol_factory, sock, *args, **kwargs)  # type: ignore[misc]


def uvicorn_options(settings: Settings, forwarded_allow_ips: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config` besides the app and address."""
    if forwarded_allow_ips is None:
        forwarded_allow_ips = settings.forwarded_allow_ips
    trusted = (forwarded_allow_ips or "").strip()
    return {
        "http": f"{__name__}:{NoDelayH11Protocol.__name__}",
        "loop": f"{__name__}:{FairAcceptLoop.__name__}",
        "proxy_headers": bool(trusted),
        # an explicit value: uvicorn would otherwise read its own default, 127.0.0.1
        "forwarded_allow_ips": trusted,
        "h11_max_incomplete_event_size": max(MIN_HEADER_BUFFER, 2 * settings.api_max_header_bytes),
    }
