"""The shared limits store of the API workers (rag/api/limits.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.api.limits import LimitStore


def _open_and_count(path: str, barrier: Any) -> None:
    barrier.wait()
    LimitStore(Path(path)).hit("k", "c", 60)


def test_workers_opening_the_store_together_all_start(tmp_path: Path) -> None:
    """Two API workers starting at once both switch the new file to WAL: one used to fail
    with "database is locked" and stop the server."""
    import multiprocessing

    context = multiprocessing.get_context("fork")  # together, as uvicorn starts workers
    for trial in range(20):
        barrier = context.Barrier(6)
        path = str(tmp_path / f"limits-{trial}.sqlite")
        workers = [context.Process(target=_open_and_count, args=(path, barrier)) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0] * 6
