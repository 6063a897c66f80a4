"""FAISS alone as the corpus grows: memory, build and search time, recall of the index type.

    uv run python -m bench.scale [--sizes 1000 10000 100000 1000000] [--plot docs/img/scale.png]

Each size runs in its own process (clean peak memory) on clustered synthetic unit vectors
of 512 dimensions (bench/synthetic.py), indexed with the type `rag.index` picks at that
size (exact IndexFlatIP below `IVF_THRESHOLD` passages, IVF over 8-bit codes above).
Search is one query at a time on one thread, as the API does, for the 400 candidates
retrieval asks for;
recall@10 compares the index's top 10 with exact search.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.common import (
    ROOT,
    Report,
    Row,
    Target,
    main,
    peak_rss_mb,
    percentile,
    process_memory_mb,
    run_worker,
    save_figure,
)

SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUERIES = 200
DIMENSION = 512
PLOT = ROOT / "docs" / "img" / "scale.png"


def measure(n: int) -> Row:
    """One size, in this process."""
    import os

    import faiss
    import numpy as np

    from bench.synthetic import clustered_vectors
    from rag.index import _dense_index
    from rag.retrieval import DENSE_CANDIDATES

    pid = os.getpid()
    before, _ = process_memory_mb(pid)
    vectors = clustered_vectors(n, DIMENSION, seed=0)
    queries = clustered_vectors(QUERIES, DIMENSION, seed=1)
    with_vectors, _ = process_memory_mb(pid)
    started = time.perf_counter()
    index, kind = _dense_index(vectors)
    build_s = time.perf_counter() - started
    faiss.omp_set_num_threads(1)  # one query at a time, as `Index.dense_search` does
    with_index, _ = process_memory_mb(pid)
    k = min(DENSE_CANDIDATES, n)
    times = []
    found = np.empty((QUERIES, 10), dtype=np.int64)
    for i, query in enumerate(queries):
        started = time.perf_counter()
        _, ids = index.search(query.reshape(1, -1), k)
        times.append((time.perf_counter() - started) * 1000)
        found[i] = ids[0][:10]
    _, exact = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    recall = np.mean([len(set(found[i]) & set(exact[i])) / 10 for i in range(QUERIES)])
    return {
        "vectors": n,
        "index": kind,
        "build_s": round(build_s, 2),
        "search_p50_ms": round(percentile(times, 50), 2),
        "search_p95_ms": round(percentile(times, 95), 2),
        "recall@10": round(float(recall), 3),
        "vectors_mb": round(with_vectors - before, 1),
        "index_mb": round(with_index - with_vectors, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def run(args: argparse.Namespace) -> Report:
    report = Report("scale")
    rows = []
    for n in args.sizes:
        rows.append(run_worker("bench.scale", [str(n)]))
        print(json.dumps(rows[-1]), flush=True, file=sys.stderr)
    report.table(f"FAISS alone, {DIMENSION} dimensions, {QUERIES} queries one at a time", rows)
    at_100k = next((r for r in rows if r["vectors"] == 100_000), None)
    if at_100k:
        report.targets.append(
            Target("FAISS search p50 at 100k vectors", at_100k["search_p50_ms"], 30, unit=" ms")
        )
    report.notes.append(
        "index_mb is the resident memory the index adds on top of the vectors (FAISS keeps "
        "its own copy); peak_rss_mb is the whole worker process, vectors and queries included."
    )
    if args.plot:
        plot(rows, args.plot)
        report.notes.append(f"plot: {args.plot}")
    return report


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["vectors"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(sizes, [r["search_p50_ms"] for r in rows], "o-", label="p50")
    left.plot(sizes, [r["search_p95_ms"] for r in rows], "s--", label="p95")
    for r in rows:
        left.annotate(r["index"].split("(")[0], (r["vectors"], r["search_p50_ms"]), fontsize=7)
    left.set(xscale="log", yscale="log", xlabel="vectors", ylabel="ms per query (k=400)")
    left.set_title("FAISS search time")
    left.legend()
    right.plot(
        sizes, [r["vectors_mb"] + r["index_mb"] for r in rows], "o-", label="vectors + index"
    )
    right.plot(sizes, [r["peak_rss_mb"] for r in rows], "s--", label="process peak RSS")
    right.set(xscale="log", yscale="log", xlabel="vectors", ylabel="MB")
    right.set_title("Memory")
    right.legend()
    fig.suptitle("FAISS as the corpus grows (512 dimensions, 2 cores)")
    save_figure(fig, path)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--plot", type=Path, default=PLOT, help="Where to save the PNG.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)


if __name__ == "__main__":
    if "--worker" in sys.argv:
        print(json.dumps(measure(int(sys.argv[-1]))))
    else:
        main(__doc__.splitlines()[0], configure, run)
