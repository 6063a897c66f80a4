"""The capacity bench's contract: one JSON line with exactly the keys our checks read.

Runs the real thing at a tiny size (300 real events, the real `rag serve`); no figure is
asserted beyond being a measurement (timings are the bench's business, not the tests').
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.capacity import KEYS, synthesize
from bench.common import ROOT, bench_settings, ingest_shared
from rag.passages import event_passages


def test_capacity_prints_one_json_line_with_the_contract_keys(
    shared_files: list[Path], tmp_path: Path
) -> None:
    env = {**os.environ, "BENCH_WORK_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "bench.capacity", "--events", "300", "--questions", "8"]
    done = subprocess.run(
        [*command, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert tuple(result) == KEYS and result["events"] == 300
    assert all(isinstance(result[k], int | float) and result[k] > 0 for k in KEYS)
    assert (tmp_path / "capacity-300" / "indexes" / "CURRENT").exists()


def test_synthetic_corpus_keeps_real_shapes(shared_files: list[Path], tmp_path: Path) -> None:
    base = ingest_shared(bench_settings(tmp_path))
    events, origin = synthesize(base, 2 * len(base) + 10)
    assert len({e.uid for e in events}) == len(events) == len(origin)
    real_places = {(e.city, e.postal_code, e.latitude) for e in base}
    for event, o in zip(events[len(base) :], origin[len(base) :], strict=True):
        original = base[o]
        assert (event.city, event.postal_code, event.latitude) in real_places
        assert len(event.occurrences) == len(original.occurrences)
        assert len(event_passages(event)) == len(event_passages(original))
        assert event.long_description == original.long_description
