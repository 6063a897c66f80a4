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

import numpy as np

from bench.capacity import KEYS, ReplayedVectors, corpus_rows, synthesize
from bench.common import ROOT, bench_settings, ingest_shared
from rag.embeddings import normalize_rows
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
    events = list(synthesize(base, 2 * len(base) + 10))
    assert len({e.uid for e in events}) == len(events) == 2 * len(base) + 10
    assert events[: len(base)] == base
    real_places = {(e.city, e.postal_code, e.latitude) for e in base}
    for i, event in enumerate(events[len(base) :], start=len(base)):
        original = base[i % len(base)]
        assert event.uid.startswith(original.uid)
        assert (event.city, event.postal_code, event.latitude) in real_places
        assert len(event.occurrences) == len(original.occurrences)
        assert len(event_passages(event)) == len(event_passages(original))
        assert event.long_description == original.long_description


def test_replayed_vectors_are_the_same_whichever_way_they_are_read() -> None:
    """The build reads slices and a sorted sample of rows: both give the same vectors; the
    real rows are the base's, the copies' rows are near their original's."""
    rng = np.random.default_rng(0)
    base = [normalize_rows(rng.standard_normal((k, 16), dtype=np.float32)) for k in (2, 3, 4)]
    vectors = ReplayedVectors(base, 3 * 3000 + 1)  # the last event has 2 passages
    assert vectors.shape == (3000 * 9 + 2, 16) == (corpus_rows([2, 3, 4], 9001), 16)
    every = np.concatenate([vectors[start : start + 999] for start in range(0, 27002, 999)])
    rows = np.sort(rng.choice(len(every), 500, replace=False))
    assert np.array_equal(vectors[rows], every[rows])
    assert np.array_equal(every[:9], np.concatenate(base).astype(np.float16))
    copies = every[9:].astype(np.float32)
    originals = every[np.arange(9, len(every)) % 9].astype(np.float32)
    cosines = np.sum(copies * originals, axis=1)
    assert cosines.min() > 0.5 and cosines.max() < 0.9999
