"""Rate and time remaining of long work (rag.progress), in the CLI and in rebuild jobs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from rag.models import ProgressFn
from rag.progress import ProgressMeter, StageProgress, clock_text
from rag.rebuild import Rebuilder


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_time_remaining_of_a_stage() -> None:
    clock = Clock()
    meter = ProgressMeter(clock, window=30)
    first = meter.update("embed", 0, 1000)
    assert (first.rate, first.eta_s, first.rate_text(), first.eta_text()) == (None, None, "", "")
    clock.now += 4
    at = meter.update("embed", 200, 1000)
    assert at.rate == pytest.approx(50.0)
    assert at.eta_s == pytest.approx(16.0)
    assert at.describe() == "embed 200/1000 · 50.0 passages/s · 0:16 left"


def test_the_rate_follows_the_last_window_only() -> None:
    clock = Clock()
    meter = ProgressMeter(clock, window=10)
    meter.update("embed", 0, 10_000)
    for done in range(100, 1100, 100):  # 100 passages/s for 10 s (cache hits)
        clock.now += 1
        meter.update("embed", done, 10_000)
    for done in range(1010, 1210, 10):  # then 10 passages/s for 20 s
        clock.now += 1
        at = meter.update("embed", done, 10_000)
    assert at.rate == pytest.approx(10.0, rel=0.1)
    assert at.eta_s == pytest.approx((10_000 - 1200) / at.rate)


def test_a_new_stage_starts_a_new_measurement() -> None:
    clock = Clock()
    meter = ProgressMeter(clock)
    meter.update("read a.json", 0, 1)
    clock.now += 60
    meter.update("read a.json", 1, 1)
    at = meter.update("write events", 0, 500)
    assert at.rate is None
    clock.now += 2
    at = meter.update("write events", 500, 500)
    assert at.rate_text() == "250 events/s"
    assert at.eta_text() == ""  # done: nothing left to wait for


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 0.2, 54, 725, 3725)] == [
        "0:00",
        "0:01",
        "0:54",
        "12:05",
        "1:02:05",
    ]
    assert StageProgress("lexical", 0, 1).describe() == "lexical 0/1"


def test_one_step_stages_have_no_rate() -> None:
    clock = Clock()
    meter = ProgressMeter(clock)
    meter.update("lexical", 0, 1)
    clock.now += 0.5
    assert meter.update("lexical", 1, 1).describe() == "lexical 1/1"


def test_a_rebuild_job_reports_rate_and_time_remaining(tmp_path: Path) -> None:
    halfway, release = threading.Event(), threading.Event()

    def work(progress: ProgressFn) -> dict[str, Any]:
        progress("embed", 0, 100)
        threading.Event().wait(0.05)
        progress("embed", 40, 100)
        halfway.set()
        assert release.wait(10)
        return {}

    rebuilder = Rebuilder(work, tmp_path)
    job = rebuilder.start()
    assert halfway.wait(10)
    running = rebuilder.get(job.id)
    release.set()
    assert running is not None and running.rate is not None and running.eta_s is not None
    assert running.rate > 0
    assert running.eta_s == pytest.approx(60 / running.rate)
