"""Time from starting `rag serve` to its first `/ready` 200, and what that time is spent on.

    uv run python -m bench.startup [--sizes 1000 10000] [--runs 3]

The API is started as a real process (as supervisord or a container would) on the corpora
of bench.latency (prepared once, reused); `/ready` is polled every 10 ms. The split is
measured in a fresh process: importing the app, loading the embedding model, loading the
index, and building the retriever (gazetteer, date arrays).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench.common import Report, Row, Target, main, run_worker, running_api

SIZES = (1_000, 10_000)
READY_TARGET_S = 5.0


def measure_split(data_dir: Path) -> Row:
    """Each startup step on its own, in this (fresh) process."""
    started = time.perf_counter()
    from bench.common import bench_settings
    from rag.api import create_app  # noqa: F401 - what `rag serve` imports first
    from rag.embeddings import create_embedder
    from rag.engine import Assistant
    from rag.generation import create_generator
    from rag.index import load_index

    imported = time.perf_counter()
    settings = bench_settings(data_dir)
    embedder = create_embedder(settings)
    model = time.perf_counter()
    index = load_index(settings, embedder)
    loaded = time.perf_counter()
    Assistant(settings, embedder, create_generator(settings), index)
    served = time.perf_counter()
    return {
        "imports_s": round(imported - started, 2),
        "model_s": round(model - imported, 2),
        "index_load_s": round(loaded - model, 2),
        "retriever_s": round(served - loaded, 2),
    }


def run(args: argparse.Namespace) -> Report:
    from bench.synthetic import prepare_index

    report = Report("startup")
    rows = []
    for n_events in args.sizes:
        settings = prepare_index(n_events)
        times = []
        for _ in range(args.runs):
            with running_api(settings.data_dir) as api:
                times.append(api.ready_s)
        row = {"events": n_events, "ready_median_s": round(statistics.median(times), 2)}
        row["ready_max_s"] = round(max(times), 2)
        row |= run_worker("bench.startup", [str(settings.data_dir)])
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    report.table(f"Process start to /ready 200 ({args.runs} runs each)", rows)
    at_10k = next((r for r in rows if r["events"] == 10_000), None)
    if at_10k:
        report.targets.append(
            Target(
                "startup to /ready, 10k events", at_10k["ready_median_s"], READY_TARGET_S, unit=" s"
            )
        )
    report.notes.append(
        "The split (imports, model, index load, retriever) is one fresh process doing each "
        "step in turn; the API does the same work in its startup."
    )
    return report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)


if __name__ == "__main__":
    if "--worker" in sys.argv:
        print(json.dumps(measure_split(Path(sys.argv[-1]))))
    else:
        main(__doc__.splitlines()[0], configure, run)
