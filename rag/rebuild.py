"""Rebuild jobs: re-ingest, build a new index version in the background, swap it in.

The API keeps answering from the served index while a job runs; the engine swaps the new
version in with one assignment. One job at a time per process: a second request gets
`RebuildBusy` (HTTP 409) instead of doubling the memory and CPU a build needs.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from rag.config import Settings
from rag.embeddings import Embedder
from rag.errors import RagError
from rag.index import BuildReport, build_index
from rag.ingest import ingest, load_events, sources_from_settings
from rag.models import ProgressFn, no_progress
from rag.progress import ProgressMeter

if TYPE_CHECKING:
    from rag.engine import Assistant

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "succeeded", "failed"]
RebuildWork = Callable[[ProgressFn], dict[str, Any]]
"""The work of one job: reports progress, returns a JSON-ready result."""

KEPT_JOBS = 20


@dataclass(slots=True)
class RebuildJob:
    id: str
    created_at: datetime
    state: JobState = "queued"
    stage: str | None = None
    done: int = 0
    total: int = 0
    rate: float | None = None
    """Units (passages, events) per second of the current stage (`rag.progress`)."""
    eta_s: float | None = None
    """Seconds the current stage still needs at that rate."""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or datetime.now(UTC)
        return round((end - self.started_at).total_seconds(), 3)


class RebuildBusy(RagError):
    """A job is already running; it is attached so the caller can point to it."""

    def __init__(self, job: RebuildJob) -> None:
        super().__init__(f"rebuild {job.id} is already {job.state}")
        self.job = job


def refresh_index(
    settings: Settings, embedder: Embedder, progress: ProgressFn = no_progress
) -> BuildReport:
    """Re-ingest the configured sources (or reuse data/processed/) and build a new version."""
    sources = sources_from_settings(settings)
    if sources:
        ingest(settings, sources, progress=progress)
    return build_index(settings, load_events(settings), embedder, progress)


def rebuild(
    settings: Settings, assistant: Assistant, progress: ProgressFn = no_progress
) -> dict[str, Any]:
    """Refresh the index, then serve the new version."""
    report = refresh_index(settings, assistant.embedder, progress)
    assistant.reload()
    return report.to_dict()


class Rebuilder:
    """Runs at most one job at a time in a background thread and remembers recent jobs."""

    def __init__(
        self, work: RebuildWork, on_finish: Callable[[RebuildJob], None] | None = None
    ) -> None:
        self._work = work
        self._on_finish = on_finish
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, RebuildJob] = OrderedDict()
        self._active: RebuildJob | None = None

    def start(self) -> RebuildJob:
        with self._lock:
            if self._active is not None:
                raise RebuildBusy(replace(self._active))
            job = RebuildJob(id=uuid.uuid4().hex[:12], created_at=datetime.now(UTC))
            self._active = job
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
            snapshot = replace(job)
        worker = threading.Thread(target=self._run, args=(job,), name=f"rebuild-{job.id}")
        worker.daemon = True
        worker.start()
        return snapshot

    def get(self, job_id: str) -> RebuildJob | None:
        """A consistent copy: the worker thread keeps mutating the original."""
        with self._lock:
            job = self._jobs.get(job_id)
            return replace(job) if job else None

    @property
    def active(self) -> RebuildJob | None:
        with self._lock:
            return replace(self._active) if self._active else None

    def _run(self, job: RebuildJob) -> None:
        meter = ProgressMeter()

        def progress(stage: str, done: int, total: int) -> None:
            with self._lock:
                at = meter.update(stage, done, total)
                job.stage, job.done, job.total = stage, done, total
                job.rate, job.eta_s = at.rate, at.eta_s

        with self._lock:
            job.state, job.started_at = "running", datetime.now(UTC)
        log.info("rebuild %s started", job.id)
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            result = self._work(progress)
        except Exception as exc:
            log.exception("rebuild %s failed", job.id)
            # GET /rebuild/{id} needs no key: an OS error says what, not where (the log does)
            detail = (
                f"[Errno {exc.errno}] {exc.strerror}"
                if isinstance(exc, OSError) and exc.strerror
                else exc
            )
            error = f"{type(exc).__name__}: {detail}"
        with self._lock:
            job.state = "failed" if error else "succeeded"
            job.result, job.error = result, error
            job.finished_at = datetime.now(UTC)
            self._active = None
            finished = replace(job)
        log.info("rebuild %s %s in %.1f s", job.id, finished.state, finished.duration_s)
        if self._on_finish is not None:
            self._on_finish(finished)
