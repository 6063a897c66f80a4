"""Throughput with several API workers: Debian's `wrk` against `/ask` and `/health`.

    uv run python -m bench.throughput [--workers 2] [--connections 32] [--seconds 20]

The real `rag serve` with API_WORKERS=--workers (extractive answers) over the 1,000 shared
events (ingested and indexed once under BENCH_WORK_DIR). `wrk -t2 -c32` is a C load
generator, so the client takes little of the 2 cores: first `/health` (the ceiling of the
HTTP stack), then `POST /ask` with the dev-set questions in turn (a Lua script). Each run is
preceded by a 3 s warm-up; the figures are wrk's requests/s, its latency percentiles and
its count of non-2xx answers and socket errors. Needs /usr/bin/wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import (
    WORK_DIR,
    Report,
    Target,
    bench_settings,
    dev_questions,
    ingest_shared,
    main,
    progress_printer,
    running_api,
)
from rag.embeddings import create_embedder
from rag.index import IndexUnavailable, active_manifest, build_index

LUA = """
local questions = {%s}
local turn = 0
request = function()
  turn = turn + 1
  local body = questions[(turn %% #questions) + 1]
  return wrk.format("POST", "/ask", {["Content-Type"] = "application/json"}, body)
end
"""


def prepare() -> Path:
    """The shared events and their index, built once under BENCH_WORK_DIR (again when the
    cached one is missing or of an older format, which `rag serve` would refuse)."""
    data = WORK_DIR / "throughput" / "data"
    settings = bench_settings(data)
    try:
        active_manifest(settings)
    except IndexUnavailable:
        events = ingest_shared(settings)
        build_index(settings, events, create_embedder(settings), progress_printer("build"))
    return data


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else 0.0

    def latency_ms(label: str) -> float:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            return 0.0
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
        return round(float(found.group(1)) * scale, 1)

    socket = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    errors = re.search(socket, output)
    return {
        "req_per_s": round(number(r"Requests/sec:\s+([\d.]+)"), 1),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
    }


def failures(row: dict) -> int:
    return int(row["non_2xx"] + row["socket_errors"])


def run(args: argparse.Namespace) -> Report:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    data = prepare()
    questions = [json.dumps({"question": q.question}) for q in dev_questions()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        script = Path(tmp) / "ask.lua"
        script.write_text(LUA % ", ".join(json.dumps(q) for q in questions), encoding="utf-8")
        env = {"API_WORKERS": str(args.workers)}
        with running_api(data, env) as api:
            for route, url, lua in (
                ("/health", f"{api.url}/health", None),
                ("/ask", api.url, script),
            ):
                wrk(url, args.connections, 3, lua)  # warm-up: every worker loaded and hot
                figures = wrk(url, args.connections, args.seconds, lua)
                rows.append({"route": route, "workers": args.workers, **figures})
    report = Report("Throughput (wrk -t2)")
    report.table(
        f"1,000 shared events, API_WORKERS={args.workers}, {args.connections} connections, "
        f"{args.seconds} s per route",
        rows,
    )
    ask = next(row for row in rows if row["route"] == "/ask")
    report.targets.append(Target("/ask req/s", ask["req_per_s"], 250, higher_is_better=True))
    report.targets.append(Target("/ask non-2xx + socket errors", failures(ask), 0))
    return report


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2, help="API_WORKERS.")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c.")
    parser.add_argument("--seconds", type=int, default=20, help="wrk -d per route.")


if __name__ == "__main__":
    main(__doc__.splitlines()[0], configure, run)
