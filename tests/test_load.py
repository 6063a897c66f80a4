"""The short load test: 32 clients for 10 s on the 40-event demo index, a rebuild halfway,
against a real `rag serve`. It asserts only that nothing failed (latencies are printed, not
asserted: `uv run python -m bench.load` is the 60 s benchmark with the figures)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.common import percentile
from bench.load import serve_and_load

if TYPE_CHECKING:
    from tests.reliability import Demo

pytest_plugins = ["tests.reliability"]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_32_clients_for_10_s_with_a_rebuild_lose_nothing(demo: Demo, tmp_path: Path) -> None:
    result = serve_and_load(demo.copy(tmp_path / "data"), clients=32, seconds=10)
    print(
        f"{result.requests} requests, p50 {percentile(result.latencies_ms, 50):.0f} ms, "
        f"p99 {percentile(result.latencies_ms, 99):.0f} ms, rebuild {result.rebuild}"
    )
    assert result.requests > 32
    assert result.failures == []
    assert result.rebuild["state"] == "succeeded", result.rebuild
