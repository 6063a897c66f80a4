"""Per-client request limits: failed /rebuild keys, and (optionally) questions per minute.

A sliding window of timestamps per client, in memory: one API process serves one
container, so there is nothing to share. The number of clients remembered is bounded, so
a flood of spoofed addresses cannot grow memory without limit.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

MAX_CLIENTS = 10_000


class RateLimiter:
    """At most `limit` hits per client within `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_clients = max_clients
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it is under its limit now."""
        with self._lock:
            hits = self._recent(client, self._clock())
            if len(hits) < self.limit:
                return 0
            return max(1, math.ceil(hits[0] + self.window - self._clock()))

    def hit(self, client: str) -> None:
        """Count one hit (a request, a failed attempt) for `client`."""
        with self._lock:
            now = self._clock()
            self._recent(client, now).append(now)
            if len(self._hits) > self._max_clients:
                self._forget(now)

    def acquire(self, client: str) -> int:
        """Count a hit if `client` is under its limit and return 0; else the seconds to wait."""
        with self._lock:
            now = self._clock()
            hits = self._recent(client, now)
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            if len(self._hits) > self._max_clients:
                self._forget(now)
            return 0

    def _recent(self, client: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(client, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def _forget(self, now: float) -> None:
        """Drop clients with no recent hit, then the oldest ones if still too many."""
        stale = now - self.window
        for client in [c for c, hits in self._hits.items() if not hits or hits[-1] <= stale]:
            del self._hits[client]
        while len(self._hits) > self._max_clients:
            del self._hits[next(iter(self._hits))]
