"""Rebuild jobs: re-ingest, build a new index version in the background, swap it in.

The API keeps answering from the served index while a job runs; the engine swaps the new
version in with one assignment. Jobs live in the data directory (`data/jobs/`): a lock file
that the worker running a job holds for its duration (who may start one), a liveness file
it holds as long as it runs the job (what status reads probe, so that a probe never makes
a start fail), and one JSON record per job that it rewrites as the job progresses. So with
several API workers (`API_WORKERS`) or replicas on one volume, one build runs at a time
(the others get `RebuildBusy`, HTTP 409) and any of them answers for any job; the others
pick the new version up through `CURRENT`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from rag.config import Settings
from rag.embeddings import Embedder
from rag.errors import RagError
from rag.index import BuildReport, build_index
from rag.models import ProgressFn, no_progress
from rag.progress import ProgressMeter

if TYPE_CHECKING:
    from rag.engine import Assistant

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "succeeded", "failed"]
RebuildWork = Callable[[ProgressFn], dict[str, Any]]
"""The work of one job: reports progress, returns a JSON-ready result."""

KEPT_JOBS = 20
LOCK = ".rebuild.lock"
ALIVE = ".rebuild.alive"
WRITE_EVERY_S = 0.5
"""Progress reaches the job record this often at most (state changes at once)."""
STOPPED = "the worker running this job stopped before it finished; start a new rebuild"


def jobs_dir(settings: Settings) -> Path:
    return settings.data_dir / "jobs"


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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("created_at", "started_at", "finished_at"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RebuildJob:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("created_at", "started_at", "finished_at"):
            values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
        return cls(**values)


class RebuildBusy(RagError):
    """A job is already running; it is attached so the caller can point to it."""

    def __init__(self, job: RebuildJob) -> None:
        super().__init__(f"rebuild {job.id} is already {job.state}")
        self.job = job


class RebuildUnavailable(RagError):
    """The data directory cannot hold a job here (a read-only replica); says what to do."""


def refresh_index(
    settings: Settings, embedder: Embedder, progress: ProgressFn = no_progress
) -> BuildReport:
    """Re-ingest the configured sources (or reuse data/processed/) and build a new version."""
    # imported here: the sources and their HTTP stack (requests) are not needed to serve,
    # and importing them cost every API worker's start ~0.2 s (docs/benchmarks.md, ready_s)
    from rag.ingest import ingest, iter_events, sources_from_settings

    sources = sources_from_settings(settings)
    if sources:
        ingest(settings, sources, progress=progress)
    return build_index(settings, iter_events(settings), embedder, progress)


def rebuild(
    settings: Settings, assistant: Assistant, progress: ProgressFn = no_progress
) -> dict[str, Any]:
    """Refresh the index, then serve the new version."""
    report = refresh_index(settings, assistant.embedder, progress)
    assistant.reload()
    return report.to_dict()


class Rebuilder:
    """Runs at most one job at a time across every process sharing `directory`, in a
    background thread of the process that started it; any process reads any job."""

    def __init__(
        self,
        work: RebuildWork,
        directory: Path,
        on_finish: Callable[[RebuildJob], None] | None = None,
    ) -> None:
        self._work = work
        self._dir = directory
        self._on_finish = on_finish
        self._guard = threading.Lock()
        self._here: RebuildJob | None = None
        """The job this process runs: read from memory here, from its record elsewhere."""

    def start(self) -> RebuildJob:
        lock = self._take_lock()
        alive: IO[str] | None = None
        try:
            alive = (self._dir / ALIVE).open("a+", encoding="utf-8")
            fcntl.flock(alive, fcntl.LOCK_EX)  # waits out a status read's probe, if one is on
            job = RebuildJob(id=uuid.uuid4().hex[:12], created_at=datetime.now(UTC))
            self._write(job)
            lock.seek(0)
            lock.truncate()
            lock.write(job.id)
            lock.flush()
            self._prune()
        except BaseException:
            if alive is not None:
                alive.close()
            lock.close()
            raise
        snapshot = replace(job)  # the worker thread mutates `job` from now on
        with self._guard:
            self._here = job
        worker = threading.Thread(
            target=self._run, args=(job, lock, alive), name=f"rebuild-{job.id}"
        )
        worker.daemon = True
        worker.start()
        return snapshot

    def get(self, job_id: str) -> RebuildJob | None:
        """The job as its record says; a job whose worker died reads as failed."""
        with self._guard:
            if self._here is not None and self._here.id == job_id:
                return replace(self._here)
        job = self._read(job_id)
        if job is None or job.state not in ("queued", "running") or self._locked():
            return job
        job = self._read(job_id)  # it may have finished between the two reads
        if job is not None and job.state in ("queued", "running"):
            job.state, job.error = "failed", STOPPED
        return job

    @property
    def active(self) -> RebuildJob | None:
        """The job running in any process on this data directory, if one is."""
        with self._guard:
            if self._here is not None and self._here.state in ("queued", "running"):
                return replace(self._here)
        if not self._locked():
            return None
        try:
            job_id = (self._dir / LOCK).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        job = self._read(job_id) if job_id else None
        return job if job is not None and job.state in ("queued", "running") else None

    def _take_lock(self) -> IO[str]:
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            lock = (self._dir / LOCK).open("a+", encoding="utf-8")
        except OSError as exc:
            raise RebuildUnavailable(
                f"cannot write rebuild jobs in the data directory ({exc.strerror}): this replica "
                "mounts the data read-only; run the builder (`rag build`) where it is writable"
            ) from exc
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # only a start ever takes it
            return lock
        except BlockingIOError:
            lock.close()
        busy = self.active
        raise RebuildBusy(busy or RebuildJob(id="unknown", created_at=datetime.now(UTC)))

    def _locked(self) -> bool:
        """Whether some process runs a job: it holds the liveness file (probing takes it
        for an instant, never the start lock)."""
        try:
            with (self._dir / ALIVE).open("r", encoding="utf-8") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(probe, fcntl.LOCK_UN)
                return False
        except OSError:  # no lock file yet (no job ever ran here), or no such directory
            return False

    def _run(self, job: RebuildJob, lock: IO[str], alive: IO[str]) -> None:
        meter = ProgressMeter()
        dirty, stop = threading.Event(), threading.Event()

        def save() -> None:
            with self._guard:
                dirty.clear()
                self._write(job)

        def flush() -> None:
            """Progress reaches the record at most WRITE_EVERY_S late, however it comes."""
            while not stop.wait(WRITE_EVERY_S):
                if dirty.is_set():
                    save()

        def progress(stage: str, done: int, total: int) -> None:
            at = meter.update(stage, done, total)
            with self._guard:
                job.stage, job.done, job.total = stage, done, total
                job.rate, job.eta_s = at.rate, at.eta_s
            dirty.set()

        flusher = threading.Thread(target=flush, name=f"rebuild-{job.id}-record", daemon=True)
        try:
            job.state, job.started_at = "running", datetime.now(UTC)
            save()
            flusher.start()
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
            stop.set()
            flusher.join()
            with self._guard:
                job.state = "failed" if error else "succeeded"
                job.result, job.error, job.finished_at = result, error, datetime.now(UTC)
            # The slot is free once the record says so: a start seeing "succeeded" takes it
            # (and waits out the liveness below, an instant), never finds it still held.
            lock.close()
            save()  # before liveness goes: a free one with a running record means it died
        finally:
            stop.set()
            with self._guard:
                self._here = None
            alive.close()
            lock.close()
        log.info("rebuild %s %s in %.1f s", job.id, job.state, job.duration_s)
        if self._on_finish is not None:
            self._on_finish(replace(job))

    def _path(self, job_id: str) -> Path:
        return self._dir / f"{job_id}.json"

    def _write(self, job: RebuildJob) -> None:
        """Atomically: a reader sees the previous record or this one, never half of it."""
        tmp = self._dir / f".{job.id}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(job.to_dict()), encoding="utf-8")
        os.replace(tmp, self._path(job.id))

    def _read(self, job_id: str) -> RebuildJob | None:
        if not job_id.isalnum():
            return None
        try:
            data = json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return RebuildJob.from_dict(data)

    def _prune(self) -> None:
        """Keep the newest KEPT_JOBS records."""
        records = []
        for path in self._dir.glob("*.json"):
            try:
                records.append((path.stat().st_mtime, path))
            except FileNotFoundError:  # pruned meanwhile by another worker
                continue
        for _, old in sorted(records, reverse=True)[KEPT_JOBS:]:
            old.unlink(missing_ok=True)
