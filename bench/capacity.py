"""How big a corpus one machine serves: memory, `/ask` latency and startup at N events.

    uv run python -m bench.capacity --events N [--workers W] [--questions 500] --json

prints one JSON line `{"events", "rss_mb", "ask_p50_ms", "ask_p99_ms", "ready_s",
"disk_mb"}` (without `--json`, a table). Steps:

1. a synthetic corpus of N events shaped like the shared real ones: copies of the real
   events (their descriptions, hence their passage counts and lengths, their keywords and
   their occurrences per event), each with the place (city, postal code, department,
   region, coordinates) of a real event drawn at random, so cities follow the real
   distribution, and its dates shifted by a random number of whole weeks (±26). Below
   1,000 events it is the first N real events. Vectors are replayed (bench/synthetic.py):
   a copy's passage gets the real vector of its original's passage plus a little noise;
   the real events are embedded for real once (embedding cache under BENCH_WORK_DIR).
   Events and vectors are made as the build reads them (`build_index` streams), so
   preparing 1M events holds neither all events nor all vectors.
   The index is kept in `$BENCH_WORK_DIR/capacity-N` and reused while it matches;
2. the real `rag serve` (with `API_WORKERS=W`), `ready_s` from process start to the
   first `/ready` 200;
3. `--questions` mixed questions (topic only, date only, place only, all three, in
   turn) over HTTP by one client after a short warm-up: p50/p99 of `/ask`;
4. `rss_mb`: the proportional set size (PSS, /proc/<pid>/smaps_rollup) summed over the
   API process and all its children, so pages shared by workers count once; `disk_mb`:
   the active index version on disk.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import requests

from bench.common import (
    WORK_DIR,
    bench_settings,
    ingest_shared,
    percentile,
    progress_printer,
    running_api,
)
from bench.synthetic import REPLAY_NOISE, has_index
from rag.config import Settings
from rag.embeddings import create_embedder, normalize_rows
from rag.embeddings.cache import CachedEmbedder, EmbeddingCache, cache_path
from rag.index import active_manifest, build_index
from rag.models import Event, Occurrence
from rag.passages import event_passages
from rag.store import STORE, Store

QUESTIONS = 500
REPLAY_BLOCK = 4096
WARMUP = 20
SHIFT_WEEKS = 26
DATE_PHRASES = ("ce week-end", "demain", "cette semaine", "la semaine prochaine", "ce mois-ci")
KEYS = ("events", "rss_mb", "ask_p50_ms", "ask_p99_ms", "ready_s", "disk_mb")
# a copy takes another event's whole location
LOCATION = (
    "venue",
    "address",
    "city",
    "postal_code",
    "department",
    "region",
    "country",
    "latitude",
    "longitude",
)


def synthesize(base: Sequence[Event], n: int, seed: int = 0) -> Iterator[Event]:
    """N events, made one at a time: event i is a copy of `base[i % len(base)]` (the
    first len(base) are the real ones themselves)."""
    if n <= len(base):
        yield from base[:n]
        return
    yield from base
    rng = random.Random(seed)
    made, copy = len(base), 0
    while made < n:
        copy += 1
        for event in base[: n - made]:
            place = base[rng.randrange(len(base))]
            shift = timedelta(weeks=rng.randint(-SHIFT_WEEKS, SHIFT_WEEKS))
            yield dataclasses.replace(
                event,
                uid=f"{event.uid}-cap{copy}",
                title=f"{event.title} (édition {copy + 1})",
                occurrences=[Occurrence(o.start + shift, o.end + shift) for o in event.occurrences],
                **{name: getattr(place, name) for name in LOCATION},
                url=f"{event.url}#cap{copy}" if event.url else None,
            )
            made += 1


class ReplayedVectors:
    """The passage vectors of `synthesize(base, n)`, made block by block when read (the
    build reads slices and a training sample), never all at once: 3.4M vectors at 1M events.

    A copy has its original's passages and copies cycle through the base in order, so row
    r is the real vector of base passage r % P (P: passages of the base); the copies' rows
    get noise (one generator per block of rows, so any read gives the same vector). float16.
    """

    def __init__(self, base_vectors: Sequence[np.ndarray], n: int, seed: int = 0) -> None:
        self._base = np.concatenate(base_vectors).astype(np.float32)
        self._seed = seed
        rows = corpus_rows([len(v) for v in base_vectors], n)
        self.shape = (rows, self._base.shape[1])

    def __getitem__(self, rows: slice | np.ndarray) -> np.ndarray:
        ids = np.arange(*rows.indices(self.shape[0])) if isinstance(rows, slice) else rows
        ids = np.asarray(ids, dtype=np.int64)
        out = np.empty((len(ids), self.shape[1]), dtype=np.float16)
        blocks = ids // REPLAY_BLOCK
        order = np.argsort(blocks, kind="stable")
        cuts = np.flatnonzero(np.diff(blocks[order])) + 1
        for group in np.split(order, cuts):
            if len(group):
                block = int(blocks[group[0]])
                out[group] = self._block(block)[ids[group] - block * REPLAY_BLOCK]
        return out

    def _block(self, block: int) -> np.ndarray:
        start = block * REPLAY_BLOCK
        rows = np.arange(start, min(start + REPLAY_BLOCK, self.shape[0]))
        vectors = self._base[rows % len(self._base)]
        copies = rows >= len(self._base)
        if copies.any():
            dimension = self.shape[1]
            rng = np.random.default_rng((self._seed, block))
            noise = rng.standard_normal(vectors.shape, dtype=np.float32)
            noisy = normalize_rows(vectors + REPLAY_NOISE * noise / np.sqrt(dimension))
            vectors = np.where(copies[:, None], noisy, vectors)
        return vectors.astype(np.float16)


def corpus_rows(per_event: Sequence[int], n: int) -> int:
    """Passages of `synthesize(base, n)` when base event i has per_event[i] passages
    (`per_event` covers the first min(n, len(base)) events)."""
    full, rest = divmod(n, len(per_event))
    return full * sum(per_event) + sum(per_event[:rest])


def prepare(n: int, root: Path = WORK_DIR) -> Settings:
    """A data dir whose active index holds the N-event corpus (kept for reuse)."""
    log = progress_printer(f"capacity-{n}")
    base_settings = bench_settings(root / "capacity-base")
    base = ingest_shared(base_settings)
    settings = bench_settings(root / f"capacity-{n}")
    real = base[: min(n, len(base))]
    per_event = [len(event_passages(e)) for e in real]  # a copy has its original's passages
    if has_index(settings, n, corpus_rows(per_event, n)):
        return settings
    embedder = create_embedder(base_settings)
    cache = EmbeddingCache(cache_path(base_settings.cache_dir, embedder.id))
    try:
        cached = CachedEmbedder(embedder, cache)
        log("embed real", 0, len(real))
        base_vectors = [cached.embed_passages([p.text for p in event_passages(e)]) for e in real]
        log("embed real", len(real), len(real))
    finally:
        cache.close()
    vectors = ReplayedVectors(base_vectors, n)
    build_index(settings, synthesize(base, n), embedder, log, vectors=vectors)
    return settings


def questions(events: Sequence[Event], count: int, seed: int = 0) -> list[tuple[str, date]]:
    """Mixed questions with their `as_of`: topic, date, place, all three, in turn."""
    rng = random.Random(seed)
    keywords = Counter(k for e in events[:5000] for k in e.keywords[:3])
    topics = [k for k, _ in keywords.most_common(40)] or ["concert"]
    cities = [c for c, _ in Counter(e.city for e in events[:5000] if e.city).most_common(20)]
    starts = sorted(o.start.date() for e in events[:5000] for o in e.occurrences[:1])
    days = starts[len(starts) // 4 : 3 * len(starts) // 4] or [date.today()]
    out = []
    for i in range(count):
        topic, city = rng.choice(topics), rng.choice(cities or ["Paris"])
        when, as_of = rng.choice(DATE_PHRASES), rng.choice(days)
        text = [
            f"{topic}",
            f"Que faire {when} ?",
            f"Que faire à {city} ?",
            f"{topic} à {city} {when}",
        ][i % 4]
        out.append((text, as_of))
    return out


def pss_mb(pid: int) -> float:
    """PSS of a process and all its descendants (shared pages split between them)."""
    total_kib = 0.0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += float(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return out


def run(n: int, workers: int, count: int, root: Path = WORK_DIR) -> dict[str, float | int]:
    started = time.perf_counter()
    settings = prepare(n, root)
    print(f"[capacity] corpus ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    version = settings.indexes_dir / active_manifest(settings).version
    disk_mb = sum(p.stat().st_size for p in version.rglob("*") if p.is_file()) / 2**20
    sample = _sample_events(version)
    asked = questions(sample, count + WARMUP)
    latencies: list[float] = []
    env = {"API_WORKERS": str(workers)}
    with running_api(settings.data_dir, env) as api, requests.Session() as session:
        for i, (question, as_of) in enumerate(asked):
            started = time.perf_counter()
            response = session.post(
                f"{api.url}/ask", json={"question": question, "as_of": as_of.isoformat()}
            )
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if i >= WARMUP:
                latencies.append(elapsed)
        rss = pss_mb(api.process.pid)
        ready_s = api.ready_s
    return {
        "events": n,
        "rss_mb": round(rss, 1),
        "ask_p50_ms": round(statistics.median(latencies), 2),
        "ask_p99_ms": round(percentile(latencies, 99), 2),
        "ready_s": round(ready_s, 2),
        "disk_mb": round(disk_mb, 1),
    }


def _sample_events(version: Path) -> list[Event]:
    """Up to 5,000 events of the prepared index, spread over it, read from its store."""
    store = Store(version / STORE)
    n = store.count("events")
    return [store.event(pos) for pos in range(0, n, max(1, n // 5000))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="Corpus size (events).")
    parser.add_argument("--workers", type=int, default=1, help="API_WORKERS for `rag serve`.")
    parser.add_argument("--questions", type=int, default=QUESTIONS, help="Questions to ask.")
    parser.add_argument("--json", action="store_true", help="Print the one JSON line.")
    args = parser.parse_args()
    result = run(args.events, args.workers, args.questions)
    if args.json:
        print(json.dumps(result))
    else:
        width = max(map(len, KEYS))
        for key in KEYS:
            print(f"{key:<{width}}  {result[key]}")
    print(f"[capacity] load average {os.getloadavg()}", file=sys.stderr)


if __name__ == "__main__":
    main()
