"""Load under a rebuild: many clients for a while, an index rebuild in the middle, 0 failures.

    uv run python -m bench.load [--clients 32] [--seconds 60] [--events 360]

The real API (`rag serve`, extractive answers) runs as a subprocess on a free 127.0.0.1 port
over the demo corpus (kept in BENCH_WORK_DIR between runs). Client threads, one
`requests.Session` each, send the dev-set questions in turn: mostly `POST /ask`, every
tenth one as `POST /ask/stream` read to its `done` event, every twentieth a `GET /ready`.
Halfway through, `POST /rebuild` re-indexes the corpus and swaps the new version in while
they run. A failure is any transport error, any status but 200, or a stream without its
answer; the figures are latency percentiles over every request. Bounded: local only, a
fixed duration, a request cap, a 60 s timeout per request. tests/test_load.py runs a 10 s
version in CI that asserts only that nothing failed.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.common import (
    WORK_DIR,
    Report,
    Target,
    bench_settings,
    dev_questions,
    main,
    percentile,
    progress_printer,
    running_api,
)
from rag.evaluation import DevQuestion

REBUILD_KEY = "bench-load-rebuild-key"
REQUEST_TIMEOUT = 60.0
MAX_REQUESTS = 1_000_000


@dataclass(slots=True)
class LoadResult:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rebuild: dict[str, Any] = field(default_factory=dict)
    versions: set[str] = field(default_factory=set)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)


def demo_data(events: int) -> Path:
    """The demo corpus indexed once under BENCH_WORK_DIR (kept: preparing it is not measured)."""
    from rag.demo import build_demo

    data_dir = WORK_DIR / f"load-demo-{events}"
    if not (data_dir / "indexes" / "CURRENT").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        build_demo(bench_settings(data_dir), None, events, progress=progress_printer("demo"))
    return data_dir


def run_load(
    url: str,
    questions: list[DevQuestion],
    clients: int,
    seconds: float,
    rebuild_key: str | None = REBUILD_KEY,
) -> LoadResult:
    """`clients` threads for `seconds` against `url` (127.0.0.1 only), a rebuild halfway."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the load test only targets a local API on 127.0.0.1, not {url}")
    result = LoadResult(clients, seconds)
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.perf_counter() + seconds

    def one(session: requests.Session, n: int) -> str | None:
        """One request; the failure, if any."""
        q = questions[n % len(questions)]
        body = {"question": q.question, "as_of": q.as_of.isoformat()}
        if n % 20 == 19:
            response = session.get(f"{url}/ready", timeout=REQUEST_TIMEOUT)
            if response.status_code == 200:
                with lock:
                    result.versions.add(response.json()["version"])
        elif n % 10 == 9:
            response = session.post(f"{url}/ask/stream", json=body, timeout=REQUEST_TIMEOUT)
            if response.status_code == 200 and "event: done" not in response.text:
                return "stream ended without its done event"
        else:
            response = session.post(f"{url}/ask", json=body, timeout=REQUEST_TIMEOUT)
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    def client() -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                n = next(counter)
                if n >= MAX_REQUESTS:
                    return
                started = time.perf_counter()
                try:
                    failure = one(session, n)
                except requests.RequestException as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies_ms.append(elapsed)
                    if failure:
                        result.failures.append(failure)

    def rebuild() -> None:
        time.sleep(seconds / 2)
        started = time.perf_counter()
        accepted = requests.post(
            f"{url}/rebuild", headers={"X-API-Key": rebuild_key or ""}, timeout=REQUEST_TIMEOUT
        )
        if accepted.status_code != 202:
            result.rebuild = {"state": f"refused: HTTP {accepted.status_code}"}
            return
        job_url = f"{url}{accepted.json()['status_url']}"
        job: dict[str, Any] = {}
        while time.perf_counter() - started < 600:
            job = requests.get(job_url, timeout=REQUEST_TIMEOUT).json()
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.2)
        result.rebuild = {
            "state": job.get("state", "unknown"),
            "seconds": round(time.perf_counter() - started, 1),
            "version": (job.get("result") or {}).get("version"),
            "error": job.get("error"),
        }

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    if rebuild_key:
        threads.append(threading.Thread(target=rebuild, name="rebuild"))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def serve_and_load(
    data_dir: Path, clients: int, seconds: float, questions: list[DevQuestion] | None = None
) -> LoadResult:
    """`rag serve` on `data_dir` with rebuilds enabled, loaded by `run_load`."""
    env = {"REBUILD_API_KEY": REBUILD_KEY}
    with running_api(data_dir, env) as api:
        return run_load(api.url, questions or dev_questions(), clients, seconds)


def run(args: argparse.Namespace) -> Report:
    result = serve_and_load(demo_data(args.events), args.clients, args.seconds)
    failed = len(result.failures)
    report = Report("load")
    report.table(
        f"{args.clients} clients for {args.seconds:.0f} s, a rebuild halfway "
        f"({args.events} demo events)",
        [
            {
                "requests": result.requests,
                "failed": failed,
                "req/s": round(result.requests / args.seconds, 1),
                "p50_ms": round(percentile(result.latencies_ms, 50), 1),
                "p95_ms": round(percentile(result.latencies_ms, 95), 1),
                "p99_ms": round(percentile(result.latencies_ms, 99), 1),
                "max_ms": round(max(result.latencies_ms, default=0.0), 1),
                "rebuild": result.rebuild.get("state"),
                "rebuild_s": result.rebuild.get("seconds"),
                "versions_seen": len(result.versions),
            }
        ],
    )
    report.targets.append(Target("failed requests", float(failed), 0.0))
    rebuilt = float(result.rebuild.get("state") == "succeeded")
    report.targets.append(Target("rebuild succeeded under load", rebuilt, 1.0, True))
    for reason in sorted(set(result.failures))[:5]:
        report.notes.append(f"failure: {reason} ({result.failures.count(reason)}×)")
    report.notes.append(
        "versions_seen counts the index versions /ready reported during the run: 2 means the "
        "rebuild was swapped in while clients kept asking."
    )
    return report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=32, help="Concurrent clients.")
    parser.add_argument("--seconds", type=float, default=60.0, help="How long to load.")
    parser.add_argument("--events", type=int, default=360, help="Demo corpus size.")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
