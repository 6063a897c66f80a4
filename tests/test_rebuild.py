"""Rebuild jobs: one at a time, progress and outcome; and a real re-ingest + build + swap."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.engine import Assistant
from rag.index import build_index
from rag.ingest import ingest, load_events
from rag.models import ProgressFn
from rag.rebuild import STOPPED, RebuildBusy, Rebuilder, RebuildJob, RebuildUnavailable, rebuild
from rag.sources.files import file_sources, read_records
from tests.fakes.opendatasoft_server import OpendatasoftServer


def wait(rebuilder: Rebuilder, job_id: str) -> RebuildJob:
    for _ in range(400):
        job = rebuilder.get(job_id)
        assert job is not None
        if job.state in ("succeeded", "failed"):
            return job
        threading.Event().wait(0.025)
    pytest.fail(f"job {job_id} did not finish")


def test_one_job_at_a_time_with_progress_and_result(tmp_path: Path) -> None:
    release, started = threading.Event(), threading.Event()
    finished: list[RebuildJob] = []

    def work(progress: ProgressFn) -> dict[str, Any]:
        progress("embed", 5, 20)
        started.set()
        assert release.wait(10)
        return {"version": "v2"}

    rebuilder = Rebuilder(work, tmp_path, finished.append)
    job = rebuilder.start()
    assert job.state == "queued"
    assert started.wait(5)
    running = rebuilder.get(job.id)
    assert running is not None
    assert (running.state, running.stage, running.done, running.total) == (
        "running",
        "embed",
        5,
        20,
    )
    with pytest.raises(RebuildBusy) as busy:
        rebuilder.start()
    assert busy.value.job.id == job.id
    release.set()
    done = wait(rebuilder, job.id)
    assert (done.state, done.result, done.error) == ("succeeded", {"version": "v2"}, None)
    assert done.duration_s is not None and done.finished_at is not None
    assert rebuilder.active is None
    assert [j.id for j in finished] == [job.id]
    assert rebuilder.start().id != job.id  # free again


def test_a_failure_is_reported_and_frees_the_slot(tmp_path: Path) -> None:
    def work(progress: ProgressFn) -> dict[str, Any]:
        raise FileNotFoundError("no events yet: run `rag demo`")

    rebuilder = Rebuilder(work, tmp_path)
    job = wait(rebuilder, rebuilder.start().id)
    assert job.state == "failed"
    assert job.error == "FileNotFoundError: no events yet: run `rag demo`"
    assert job.result is None
    assert rebuilder.active is None


def test_jobs_returned_are_snapshots(tmp_path: Path) -> None:
    release = threading.Event()
    rebuilder = Rebuilder(lambda progress: {"ok": release.wait(10)}, tmp_path)
    job = rebuilder.start()
    job.state = "failed"  # the caller's copy; the job itself is untouched
    assert rebuilder.get(job.id).state in ("queued", "running")  # type: ignore[union-attr]
    release.set()
    assert wait(rebuilder, job.id).state == "succeeded"


def test_workers_on_one_data_dir_share_jobs_and_run_one_at_a_time(tmp_path: Path) -> None:
    """Two API workers (two Rebuilders on the same data/jobs/): the second cannot start a
    build while the first runs one, and answers for the first one's job and progress."""
    release, started = threading.Event(), threading.Event()

    def work(progress: ProgressFn) -> dict[str, Any]:
        progress("embed", 3, 9)
        started.set()
        assert release.wait(10)
        return {"version": "v3"}

    first, second = Rebuilder(work, tmp_path), Rebuilder(work, tmp_path)
    job = first.start()
    assert started.wait(5)
    with pytest.raises(RebuildBusy) as busy:
        second.start()
    assert busy.value.job.id == job.id
    for _ in range(400):  # the record gets the progress within WRITE_EVERY_S
        seen = second.get(job.id)
        if seen is not None and seen.done:
            break
        threading.Event().wait(0.025)
    assert seen is not None
    assert (seen.state, seen.stage, seen.done, seen.total) == ("running", "embed", 3, 9)
    assert second.active is not None and second.active.id == job.id
    release.set()
    done = wait(second, job.id)
    assert (done.state, done.result) == ("succeeded", {"version": "v3"})
    assert first.active is None and second.active is None
    assert wait(first, second.start().id).state == "succeeded"  # the slot is free for anyone


class _SlowToFinish(Rebuilder):
    """Lingers after writing a finished record, as a loaded machine may."""

    def _write(self, job: RebuildJob) -> None:
        super()._write(job)
        if job.state in ("succeeded", "failed"):
            threading.Event().wait(0.5)


def test_a_job_seen_finished_has_freed_the_slot(tmp_path: Path) -> None:
    """A client that reads "succeeded" and starts again at once is never told "busy"."""
    first = _SlowToFinish(lambda progress: {"version": "v1"}, tmp_path)
    second = Rebuilder(lambda progress: {"version": "v2"}, tmp_path)
    job = first.start()
    for _ in range(400):
        seen = second.get(job.id)
        if seen is not None and seen.state == "succeeded":
            break
        threading.Event().wait(0.01)
    assert wait(second, second.start().id).result == {"version": "v2"}


WORKER_THAT_DIES = """
import sys, threading
from pathlib import Path
from rag.rebuild import Rebuilder


def work(progress):
    progress("embed", 1, 2)
    threading.Event().wait()


rebuilder = Rebuilder(work, Path(sys.argv[1]))
print(rebuilder.start().id, flush=True)
threading.Event().wait()
"""


def test_a_job_whose_worker_was_killed_reads_failed_and_frees_the_lock(tmp_path: Path) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER_THAT_DIES, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        job_id = worker.stdout.readline().strip()
        rebuilder = Rebuilder(lambda progress: {}, tmp_path)
        for _ in range(400):
            running = rebuilder.get(job_id)
            if running is not None and running.stage == "embed":
                break
            threading.Event().wait(0.025)
        assert running is not None and running.state == "running"
        with pytest.raises(RebuildBusy):
            rebuilder.start()
    finally:
        worker.kill()
        worker.wait(10)
    died = rebuilder.get(job_id)
    assert died is not None
    assert (died.state, died.error) == ("failed", STOPPED)
    assert rebuilder.active is None
    assert wait(rebuilder, rebuilder.start().id).state == "succeeded"


def test_a_read_only_data_dir_says_where_to_build(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")
    rebuilder = Rebuilder(lambda progress: {}, tmp_path / "data" / "jobs")
    with pytest.raises(RebuildUnavailable, match="read-only"):
        rebuilder.start()
    assert rebuilder.active is None and rebuilder.get("abc") is None


@pytest.fixture(scope="module")
def multicity(corpus_files: list[Path]) -> list[Path]:
    """The 100-event multi-city file of a corpus (demo or shared), quick to embed."""
    return corpus_files[:1]


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory: pytest.TempPathFactory, multicity: list[Path]) -> Settings:
    """Real OpenAgenda events ingested and indexed once, in a module data dir."""
    settings = Settings(RAG_DATA_DIR=tmp_path_factory.mktemp("data"), LLM_PROVIDER="extractive")
    ingest(settings, file_sources(multicity))
    build_index(settings, load_events(settings), create_embedder(settings))
    return settings


def test_rebuild_reingests_configured_sources_and_swaps(
    real_corpus: Settings, multicity: list[Path]
) -> None:
    """OPENDATASOFT_WHERE configured: the job fetches from Opendatasoft (a local server
    speaking its API, fed the shared records), builds, and the assistant serves the result."""
    records = [r for path in multicity for r in read_records(path)]
    city = records[0]["location_city"]
    assistant = Assistant.from_settings(real_corpus)
    before = assistant.status()
    assert before.ready and before.events > 0
    stages: list[str] = []
    with OpendatasoftServer(records) as ods:
        settings = real_corpus.model_copy(
            update={
                "opendatasoft_base_url": ods.url,
                "opendatasoft_where": f'location_city = "{city}"',
            }
        )
        report = rebuild(settings, assistant, lambda stage, done, total: stages.append(stage))
    after = assistant.status()
    assert after.version == report["version"] != before.version
    assert 0 < after.events == report["events"] < before.events
    assert {"write"} <= set(stages)
    assert {event.city for event in load_events(settings)} == {city}


def test_rebuild_without_sources_reuses_the_processed_corpus(real_corpus: Settings) -> None:
    assistant = Assistant.from_settings(real_corpus)
    before = assistant.status()
    report = rebuild(real_corpus, assistant)
    assert assistant.status().version == report["version"] != before.version
    assert report["events"] == before.events
    assert report["reused"] == report["passages"]  # embeddings came from the cache
