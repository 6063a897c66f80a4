"""`/ask` latency and throughput through HTTP, and where the time of one question goes.

    uv run python -m bench.latency [--sizes 1000 10000 100000] [--clients 1 8 32]

For each corpus size the real API (`rag serve`, extractive answers) runs as a subprocess on
a free 127.0.0.1 port; client threads (one `requests.Session` each) post the 91 dev-set
questions in turn, with their `as_of`, for a bounded time and count per concurrency
level. 1,000 events are the real shared corpus; 10k and 100k are varied copies indexed
with replayed vectors (bench/synthetic.py), queries embedded by the real model.

The split comes from the same questions asked in this process: understanding (dates,
places, cues), query embedding, search (`Retriever.search` with the query vector already
known; a profile splits it into dense, lexical, filters and fusion) and answer composition.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import requests

from bench.common import (
    ROOT,
    Report,
    Row,
    Target,
    dev_questions,
    main,
    percentile,
    process_memory_mb,
    running_api,
    save_figure,
)
from rag.config import Settings
from rag.embeddings import Embedder
from rag.evaluation import DevQuestion

SIZES = (1_000, 10_000, 100_000)
CLIENTS = (1, 8, 32)
PLOT = ROOT / "docs" / "img" / "latency.png"
WARMUP = 20


@dataclass(slots=True)
class Load:
    latencies_ms: list[float]
    errors: int
    seconds: float


def load_test(
    url: str, questions: Sequence[DevQuestion], clients: int, seconds: float, limit: int
) -> Load:
    """`clients` threads post questions until `seconds` pass or `limit` requests are sent."""
    counter = itertools.count()
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                n = next(counter)
                if n >= limit:
                    return
                q = questions[n % len(questions)]
                body = {"question": q.question, "as_of": q.as_of.isoformat()}
                started = time.perf_counter()
                try:
                    ok = session.post(f"{url}/ask", json=body, timeout=30).status_code == 200
                except requests.RequestException:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(latencies, errors, time.perf_counter() - started)


def http_rows(
    settings: Settings, n_events: int, args: argparse.Namespace
) -> tuple[list[Row], float]:
    """One row per concurrency level, and the API's peak RSS (MB) at the end."""
    questions = dev_questions()
    rows = []
    with running_api(settings.data_dir, dict(args.api_env)) as api:
        load_test(api.url, questions, 4, 60, WARMUP)
        for clients in args.clients:
            load = load_test(api.url, questions, clients, args.seconds, args.max_requests)
            rows.append(
                {
                    "events": n_events,
                    "clients": clients,
                    "requests": len(load.latencies_ms),
                    "errors": load.errors,
                    "p50_ms": round(percentile(load.latencies_ms, 50), 1),
                    "p95_ms": round(percentile(load.latencies_ms, 95), 1),
                    "p99_ms": round(percentile(load.latencies_ms, 99), 1),
                    "req/s": round(len(load.latencies_ms) / load.seconds, 1),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        _, peak = process_memory_mb(api.process.pid)
    return rows, peak


class _KnownQuery:
    """An embedder whose query vector is already computed, to time search on its own."""

    def __init__(self, real: Embedder) -> None:
        self.id = real.id
        self.relevance = real.relevance
        self.dimension = real.dimension
        self.vector = np.zeros(real.dimension, dtype=np.float32)
        self._real = real

    def embed_query(self, text: str) -> np.ndarray:
        return self.vector

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._real.embed_passages(texts)


SEARCH_PARTS = {
    "dense_ms": "_dense",
    "lexical_ms": "_coverage",
    "filters_ms": "allowed",
    "search_ms": "search",
}


def split_row(settings: Settings, n_events: int) -> Row:
    """Median time of each stage of one question, in this process."""
    from rag.embeddings import create_embedder
    from rag.generation import GenerationInput
    from rag.generation.extractive import ExtractiveGenerator
    from rag.index import load_index
    from rag.query import understand
    from rag.retrieval import Retriever

    tz = ZoneInfo(settings.timezone)
    embedder = create_embedder(settings)
    index = load_index(settings, embedder)
    known = _KnownQuery(embedder)
    retriever = Retriever(index, known, index.gazetteer, tz)
    generator = ExtractiveGenerator()
    stages: dict[str, list[float]] = {k: [] for k in ("understand", "embed", "search", "answer")}
    profile = cProfile.Profile()
    for question in dev_questions():
        t0 = time.perf_counter()
        u = understand(question.question, question.as_of, retriever.gazetteer, tz)
        t1 = time.perf_counter()
        known.vector = embedder.embed_query(u.topic) if u.topic.strip() else known.vector
        t2 = time.perf_counter()
        profile.enable()
        hits = retriever.search(u, 5)
        profile.disable()
        t3 = time.perf_counter()
        if hits:
            generator.generate(GenerationInput(question.question, u, hits, [], tz))
        t4 = time.perf_counter()
        for stage, (a, b) in zip(stages, ((t0, t1), (t1, t2), (t2, t3), (t3, t4)), strict=True):
            stages[stage].append((b - a) * 1000)
    row: Row = {"events": n_events, "passages": len(index.passages)}
    row["faiss"] = index.manifest.faiss_index.split("(")[0]
    row |= {f"{stage}_p50_ms": round(percentile(v, 50), 2) for stage, v in stages.items()}
    row["search_p95_ms"] = round(percentile(stages["search"], 95), 2)
    row |= _profile_shares(profile, len(stages["search"]))
    return row


def _profile_shares(profile: cProfile.Profile, calls: int) -> Row:
    """Mean ms per question in each part of `Retriever.search` (under the profiler)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    cumulative = {
        name: sum(
            v[3] for (path, _, func), v in stats.items() if func == name and "retrieval" in path
        )
        for name in SEARCH_PARTS.values()
    }
    parts = {key: cumulative[name] * 1000 / calls for key, name in SEARCH_PARTS.items()}
    fusion = parts["search_ms"] - parts["dense_ms"] - parts["lexical_ms"] - parts["filters_ms"]
    return {
        "of which dense": round(parts["dense_ms"], 2),
        "lexical": round(parts["lexical_ms"], 2),
        "filters": round(parts["filters_ms"], 2),
        "fusion+rank": round(fusion, 2),
    }


def run(args: argparse.Namespace) -> Report:
    from bench.synthetic import prepare_index

    report = Report("latency")
    http: list[Row] = []
    splits: list[Row] = []
    memory: list[Row] = []
    for n_events in args.sizes:
        settings = prepare_index(n_events)
        rows, peak = http_rows(settings, n_events, args)
        http += rows
        memory.append({"events": n_events, "API peak RSS (MB)": round(peak)})
        splits.append(split_row(settings, n_events))
        print(json.dumps(splits[-1]), file=sys.stderr, flush=True)
    report.table(
        f"POST /ask through HTTP (extractive; {args.seconds:.0f} s or "
        f"{args.max_requests} requests per level)",
        http,
    )
    report.table("Where one question's time goes (in-process medians, ms)", splits)
    report.table("API memory", memory)
    report.targets += _targets(http, splits, memory)
    report.notes.append(
        "10k and 100k events are varied copies of the 1,000 real ones with replayed "
        "vectors (bench/synthetic.py); questions are the 91 dev-set questions, in turn."
    )
    report.notes.append(
        "In the split, dense/lexical/filters/fusion are means under cProfile (which inflates "
        "them); the stage medians are plain timers."
    )
    if args.api_env:
        report.notes.append(f"API environment: {' '.join('='.join(kv) for kv in args.api_env)}")
    if args.plot:
        plot(http, args.plot)
        report.notes.append(f"plot: {args.plot}")
    return report


def _targets(http: list[Row], splits: list[Row], memory: list[Row]) -> list[Target]:
    def find(rows: list[Row], **where: int) -> Row | None:
        return next((r for r in rows if all(r[k] == v for k, v in where.items())), None)

    targets = []
    one = find(http, events=10_000, clients=1)
    many = find(http, events=10_000, clients=32)
    if one:
        targets.append(Target("/ask p50, 1 client, 10k events", one["p50_ms"], 20, unit=" ms"))
        targets.append(Target("/ask p99, 1 client, 10k events", one["p99_ms"], 100, unit=" ms"))
    if many:
        targets.append(Target("req/s, 32 clients, 10k events", many["req/s"], 150, True))
        targets.append(Target("errors, 32 clients, 10k events", many["errors"], 0))
    split = find(splits, events=100_000)
    if split:
        targets.append(Target("search p50, 100k events", split["search_p50_ms"], 30, unit=" ms"))
    mem = find(memory, events=100_000)
    if mem:
        targets.append(Target("API RSS, 100k events", mem["API peak RSS (MB)"], 1536, unit=" MB"))
    return targets


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for n_events in sorted({r["events"] for r in rows}):
        mine = [r for r in rows if r["events"] == n_events]
        clients = [r["clients"] for r in mine]
        (line,) = left.plot(clients, [r["p50_ms"] for r in mine], "o-", label=f"{n_events:,} p50")
        left.plot(clients, [r["p99_ms"] for r in mine], "x:", color=line.get_color(), label="p99")
        right.plot(clients, [r["req/s"] for r in mine], "o-", label=f"{n_events:,} events")
    left.set(xscale="log", yscale="log", xlabel="concurrent clients", ylabel="ms")
    left.set_xticks(CLIENTS, [str(c) for c in CLIENTS])
    left.set_title("/ask latency")
    left.legend(fontsize=7)
    right.axhline(150, color="grey", linestyle="--", linewidth=1, label="target (10k)")
    right.set(xscale="log", xlabel="concurrent clients", ylabel="requests / s")
    right.set_xticks(CLIENTS, [str(c) for c in CLIENTS])
    right.set_title("/ask throughput")
    right.legend(fontsize=7)
    fig.suptitle("rag-events API, extractive answers, 2 cores")
    save_figure(fig, path)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--clients", type=int, nargs="+", default=list(CLIENTS))
    parser.add_argument("--seconds", type=float, default=15.0, help="Per concurrency level.")
    parser.add_argument("--max-requests", type=int, default=3000, help="Per concurrency level.")
    parser.add_argument("--plot", type=Path, default=PLOT, help="Where to save the PNG.")
    parser.add_argument(
        "--api-env",
        type=lambda text: tuple(text.split("=", 1)),
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="Extra environment for the API process, e.g. OMP_NUM_THREADS=1.",
    )


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
