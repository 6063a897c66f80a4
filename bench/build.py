"""Index build speed: a full build from a cold cache, then a rebuild after changing 1%.

    uv run python -m bench.build [--sizes 1000 10000] [--embedders use e5] [--e5-10k]

Each (size, embedder) runs in its own process with a fresh RAG_DATA_DIR, so the embedding
cache starts empty and peak memory is that build's. 1,000 is the shared real corpus;
10,000 adds varied copies of it (bench/synthetic.py: every passage text differs, nothing
comes from the cache). The rebuild changes the description of every 100th event, as a
nightly re-ingest would, and builds again on the same data dir: only what changed is
embedded. e5 runs at 10k only with --e5-10k (its 1k rate says how long it would take).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Report, Row, Target, bench_settings, main, peak_rss_mb, run_worker

SIZES = (1_000, 10_000)
EMBEDDERS = ("use", "e5")
CHANGED_EVERY = 100
FULL_TARGET_S = 30.0
INCREMENTAL_TARGET_S = 3.0


def measure(size: int, embedder_name: str, data_dir: Path) -> Row:
    """One full build and one 1% rebuild, in this process."""
    from bench.common import ingest_shared
    from bench.synthetic import synthesize_events
    from rag.embeddings import create_embedder
    from rag.index import build_index

    settings = bench_settings(data_dir, EMBEDDING_PROVIDER=embedder_name)
    events = synthesize_events(ingest_shared(settings), size)
    started = time.perf_counter()
    embedder = create_embedder(settings)
    load_s = time.perf_counter() - started
    full = build_index(settings, events, embedder)
    changed = [
        dataclasses.replace(e, description=f"{e.description} Nouvelle séance ajoutée.")
        if i % CHANGED_EVERY == 0
        else e
        for i, e in enumerate(events)
    ]
    again = build_index(settings, changed, embedder)
    return {
        "events": full.events,
        "embedder": embedder.id,
        "passages": full.passages,
        "model_load_s": round(load_s, 1),
        "full_s": full.seconds,
        "events/s": round(full.events / full.seconds, 1),
        "passages/s": round(full.passages / full.seconds, 1),
        "rebuild_1%_s": again.seconds,
        "re-embedded": again.embedded,
        "peak_rss_mb": round(peak_rss_mb(), 0),
    }


def run(args: argparse.Namespace) -> Report:
    report = Report("build")
    rows: list[Row] = []
    for size in args.sizes:
        for name in args.embedders:
            if name == "e5" and size > 1_000 and not args.e5_10k:
                rate = next((r["events/s"] for r in rows if r["embedder"].startswith("e5")), None)
                if rate:
                    report.notes.append(
                        f"e5 at {size:,} events skipped: at its measured {rate} events/s the "
                        f"full build would take ~{size / rate / 60:.0f} min (--e5-10k runs it)."
                    )
                continue
            with tempfile.TemporaryDirectory(prefix="rag-bench-build-") as tmp:
                rows.append(run_worker("bench.build", [str(size), name, tmp]))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    report.table("Full build (cold embedding cache) and rebuild after changing 1%", rows)
    default = next(
        (r for r in rows if r["events"] == 1_000 and r["embedder"].startswith("use")), None
    )
    if default:
        report.targets += [
            Target(
                "full build, 1,000 events, default embedder",
                default["full_s"],
                FULL_TARGET_S,
                unit=" s",
            ),
            Target(
                "rebuild after 1% change", default["rebuild_1%_s"], INCREMENTAL_TARGET_S, unit=" s"
            ),
        ]
    report.notes.append(
        "full_s is `build_index` (passages, embedding, BM25, FAISS, fsynced write), model "
        "loading excluded (model_load_s); each build starts from an empty RAG_DATA_DIR."
    )
    return report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--embedders", nargs="+", default=list(EMBEDDERS), choices=EMBEDDERS)
    parser.add_argument("--e5-10k", action="store_true", help="Also build 10k events with e5.")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        size, name, data_dir = sys.argv[-3:]
        print(json.dumps(measure(int(size), name, Path(data_dir))))
    else:
        main(__doc__.splitlines()[0], configure, run)
