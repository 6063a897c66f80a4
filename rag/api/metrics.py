"""Prometheus metrics, written by hand in the text exposition format (no client library).

A handful of counters and histograms is all the service needs; keeping them in one small
thread-safe object avoids a dependency and a process-wide registry.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Latency buckets in seconds: extractive answers take milliseconds, LLM ones seconds.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Rebuilds take from seconds (demo corpus) to many minutes (re-ingest + re-embed).
REBUILD_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


@dataclass(slots=True)
class Histogram:
    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1
        self.total += value
        self.count += 1

    def lines(self, name: str, labels: dict[str, str]) -> Iterable[str]:
        for bound, count in zip(self.buckets, self.counts, strict=True):
            yield f"{name}_bucket{_labels({**labels, 'le': _number(bound)})} {count}"
        yield f"{name}_bucket{_labels({**labels, 'le': '+Inf'})} {self.count}"
        yield f"{name}_sum{_labels(labels)} {_number(self.total)}"
        yield f"{name}_count{_labels(labels)} {self.count}"


@dataclass(frozen=True, slots=True)
class IndexGauges:
    """What the served index holds, read from the assistant status at scrape time."""

    events: int
    passages: int
    ready: bool


class Metrics:
    """Request and rebuild metrics for one API process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self._latency: dict[tuple[str, str], Histogram] = {}
        self._rebuilds: dict[str, int] = defaultdict(int)
        self._rebuild_seconds = Histogram(REBUILD_BUCKETS)

    def observe_request(self, method: str, route: str, status: int | str, seconds: float) -> None:
        """`status` is the HTTP status, or "aborted" for a response the client left before
        its end (a dropped stream)."""
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            key = (method, route)
            if key not in self._latency:
                self._latency[key] = Histogram(REQUEST_BUCKETS)
            self._latency[key].observe(seconds)

    def observe_rebuild(self, outcome: str, seconds: float) -> None:
        with self._lock:
            self._rebuilds[outcome] += 1
            self._rebuild_seconds.observe(seconds)

    def render(self, index: IndexGauges, key_failures: int) -> str:
        """The exposition; `key_failures` counts wrong /rebuild keys over all workers."""
        with self._lock:
            lines = [
                "# HELP rag_http_requests_total HTTP requests by method, route and status "
                '(status="aborted": the client left before the end of the response).',
                "# TYPE rag_http_requests_total counter",
            ]
            for (method, route, status), count in sorted(self._requests.items()):
                labels = {"method": method, "route": route, "status": status}
                lines.append(f"rag_http_requests_total{_labels(labels)} {count}")
            lines += [
                "# HELP rag_http_request_duration_seconds HTTP request latency.",
                "# TYPE rag_http_request_duration_seconds histogram",
            ]
            for (method, route), histogram in sorted(self._latency.items()):
                labels = {"method": method, "route": route}
                lines += histogram.lines("rag_http_request_duration_seconds", labels)
            lines += [
                "# HELP rag_index_ready 1 when an index is loaded and answers are served.",
                "# TYPE rag_index_ready gauge",
                f"rag_index_ready {int(index.ready)}",
                "# HELP rag_index_events Events in the served index.",
                "# TYPE rag_index_events gauge",
                f"rag_index_events {index.events}",
                "# HELP rag_index_passages Passages in the served index.",
                "# TYPE rag_index_passages gauge",
                f"rag_index_passages {index.passages}",
                "# HELP rag_rebuilds_total Rebuild jobs by outcome.",
                "# TYPE rag_rebuilds_total counter",
            ]
            for outcome in sorted({"succeeded", "failed", *self._rebuilds}):
                count = self._rebuilds.get(outcome, 0)
                lines.append(f"rag_rebuilds_total{_labels({'outcome': outcome})} {count}")
            lines += [
                "# HELP rag_rebuild_key_failures_total Wrong X-API-Key on /rebuild, all "
                "clients and workers (alert on its rate).",
                "# TYPE rag_rebuild_key_failures_total counter",
                f"rag_rebuild_key_failures_total {key_failures}",
                "# HELP rag_rebuild_duration_seconds Rebuild job duration.",
                "# TYPE rag_rebuild_duration_seconds histogram",
                *self._rebuild_seconds.lines("rag_rebuild_duration_seconds", {}),
            ]
        return "\n".join(lines) + "\n"


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items()) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value))
