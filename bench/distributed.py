"""The embedding step of a build: one process, EMBED_WORKERS processes, a local Ray cluster.

    uv run --extra ray python -m bench.distributed [--workers 2] [--limit 2000]

The passages of the 1,000 shared events (the first --limit of them), embedded from an empty
cache each time by the default embedder through `rag.embeddings.distributed`: in this
process, in --workers spawned processes, and as a Ray Data job on `ray.init(num_cpus=
--workers)`. Figures: passages/s (model loading included, as a build pays it), and for Ray
its start-up and the overhead per batch, (Ray's time - one process's time) / batches.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Report, bench_settings, ingest_shared, main
from rag.config import Settings
from rag.embeddings import Embedder, create_embedder
from rag.embeddings.cache import EmbeddingCache
from rag.embeddings.distributed import (
    Runner,
    embed_corpus,
    import_ray,
    in_process,
    processes,
    ray_cluster,
    start_ray,
)
from rag.models import no_progress
from rag.passages import corpus_passages


def timed(settings: Settings, embedder: Embedder, texts: list[str], runner: Runner) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.sqlite")
        started = time.perf_counter()
        embed_corpus(settings, embedder, cache, texts, no_progress, runner)
        seconds = time.perf_counter() - started
        cache.close()
    return seconds


def run(args: argparse.Namespace) -> Report:
    ray = import_ray()
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        settings = bench_settings(Path(tmp))
        texts = [p.text for p in corpus_passages(ingest_shared(settings))][: args.limit]
    embedder = create_embedder(settings)
    batches = -(-len(texts) // settings.embedding_batch_size)
    rows: list[dict[str, Any]] = []
    local = timed(settings, embedder, texts, in_process(embedder))
    rows.append({"runner": "one process", "seconds": round(local, 1)})
    pool = timed(settings, embedder, texts, processes(settings, embedder.id, args.workers))
    rows.append({"runner": f"EMBED_WORKERS={args.workers}", "seconds": round(pool, 1)})
    started = time.perf_counter()
    start_ray(num_cpus=args.workers)
    startup = time.perf_counter() - started
    try:
        on_ray = timed(settings, embedder, texts, ray_cluster(settings, embedder.id))
    finally:
        ray.shutdown()
    rows.append({"runner": f"Ray, {args.workers} CPUs", "seconds": round(on_ray, 1)})
    for row in rows:
        row["passages"] = len(texts)
        row["passages_per_s"] = round(len(texts) / row["seconds"], 1)
    report = Report("Embedding step")
    report.table(f"{len(texts)} passages, {batches} batches", rows)
    report.notes.append(f"ray.init: {startup:.1f} s (not in the Ray row)")
    report.notes.append(
        f"Ray overhead per batch: {(on_ray - local) / batches * 1000:.0f} ms "
        "((Ray - one process) / batches)"
    )
    return report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2, help="Processes and Ray CPUs.")
    parser.add_argument("--limit", type=int, default=2000, help="At most this many passages.")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
