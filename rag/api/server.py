"""How `rag serve` runs uvicorn: whose forwarded headers to believe, how big headers may be,
and how API_WORKERS processes share the port.

uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local client (the UI,
a shell on the host) could pose as any address and dodge the per-client limits. Here
nothing is trusted unless FORWARDED_ALLOW_IPS (or `--forwarded-allow-ips`) names the proxy.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any, cast

from uvicorn.config import STARTUP_FAILURE

from rag.config import Settings

# What h11 buffers of a request head still arriving; a complete head over
# API_MAX_HEADER_BYTES reaches the app, which answers 431.
MIN_HEADER_BUFFER = 1 << 20
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
log = logging.getLogger("rag.api")


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


def uvicorn_options(settings: Settings, forwarded_allow_ips: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` / `uvicorn.Config` besides the app and address."""
    if forwarded_allow_ips is None:
        forwarded_allow_ips = settings.forwarded_allow_ips
    trusted = (forwarded_allow_ips or "").strip()
    return {
        "http": "h11",
        "proxy_headers": bool(trusted),
        # an explicit value: uvicorn would otherwise read its own default, 127.0.0.1
        "forwarded_allow_ips": trusted,
        "h11_max_incomplete_event_size": max(MIN_HEADER_BUFFER, 2 * settings.api_max_header_bytes),
    }


def run_uvicorn(app: str, host: str, port: int, workers: int, **options: Any) -> None:
    """`uvicorn.run(app, ...)`, except that with several workers each one listens on its
    own socket bound with SO_REUSEPORT, so the kernel spreads connections over them.

    uvicorn's one shared socket has protocol number 0, so asyncio did not turn Nagle's
    algorithm off on its connections: a response written in two parts waited for the
    client's delayed ACK, ~40 ms each (/health at 700 req/s on 2 workers, 1,650 on one;
    docs/benchmarks.md). And whichever worker woke first accepted all pending connections
    (`wrk -c32`: as unevenly as 30 to 2). Here each connection is hashed to a worker, and
    a worker's socket listens only once its app has started, so a restarted worker gets
    connections only when it can answer them.
    """
    import uvicorn

    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    # Multiprocess hands its sockets to each new worker by pickling them; this stand-in
    # unpickles as the worker's own socket.
    listener = cast(socket.socket, _ReusePortListener(host, port))
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[listener]).run()


@dataclass(frozen=True, slots=True)
class _ReusePortListener:
    host: str
    port: int

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return reuse_port_socket, (self.host, self.port)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEPORT (and TCP_NODELAY, which accepted
    connections inherit), not yet listening; a worker that cannot bind exits as one that
    failed to start (uvicorn then stops instead of restarting it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        log.error("cannot listen on %s:%d: %s", host, port, exc.strerror)
        sys.exit(STARTUP_FAILURE)
    return sock
