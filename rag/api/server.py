"""How `rag serve` runs uvicorn: whose forwarded headers to believe, how big headers may be.

uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local client (the UI,
a shell on the host) could pose as any address and dodge the per-client limits. Here
nothing is trusted unless FORWARDED_ALLOW_IPS (or `--forwarded-allow-ips`) names the proxy.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from typing import Any

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
