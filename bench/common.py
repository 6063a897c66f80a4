"""What every benchmark shares: reports with ✓/✗ targets, the shared data, the API process.

A benchmark returns a `Report` (tables, targets, notes); it prints as rich tables, as JSON
(`--json`) or as Markdown (`--markdown`, what docs/benchmarks.md is made of).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.table import Table

from rag.config import Settings
from rag.evaluation import DevQuestion, load_devset
from rag.ingest import ingest, load_events
from rag.models import Event, ProgressFn, no_progress
from rag.sources.files import file_sources

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data" / "openagenda"
DEVSET = ROOT / "eval" / "devset.jsonl"
WORK_DIR = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/rag-bench"))
"""Where corpora that are expensive to prepare are kept between runs (not the measured ones)."""

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Target:
    """One goal of the issue; `met` is None when the figure could not be measured."""

    name: str
    value: float | None
    limit: float
    higher_is_better: bool = False
    unit: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    @property
    def mark(self) -> str:
        return {True: "✓", False: "✗", None: "?"}[self.met]

    def row(self) -> Row:
        value = "—" if self.value is None else f"{_number(self.value)}{self.unit}"
        sign = "≥" if self.higher_is_better else "≤"
        return {
            "": self.mark,
            "target": self.name,
            "measured": value,
            "goal": f"{sign} {_number(self.limit)}{self.unit}",
        }


@dataclass(slots=True)
class Report:
    name: str
    tables: list[tuple[str, list[Row]]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    machine: Row = field(default_factory=lambda: machine())

    def table(self, title: str, rows: list[Row]) -> None:
        self.tables.append((title, rows))

    def to_dict(self) -> Row:
        return {
            "name": self.name,
            "machine": self.machine,
            "machine_at_end": machine(),
            "tables": [{"title": title, "rows": rows} for title, rows in self.tables],
            "targets": [{**asdict(t), "met": t.met} for t in self.targets],
            "notes": self.notes,
        }

    def print(self, console: Console | None = None) -> None:
        console = console or Console()
        for title, rows in self.tables:
            console.print(_rich_table(title, rows))
        if self.targets:
            console.print(_rich_table("Targets", [t.row() for t in self.targets]))
        for note in self.notes:
            console.print(f"[dim]• {note}[/]")
        console.print(f"[dim]{_machine_line(self.machine)}[/]")

    def markdown(self) -> str:
        parts = []
        for title, rows in self.tables:
            parts.append(f"**{title}**\n\n{markdown_table(rows)}")
        if self.targets:
            parts.append(f"**Targets**\n\n{markdown_table([t.row() for t in self.targets])}")
        parts.extend(f"- {note}" for note in self.notes)
        parts.append(f"_{_machine_line(self.machine)}_")
        return "\n\n".join(parts) + "\n"


def machine() -> Row:
    """The conditions of a run: figures on a busy 2-core box are not a quiet machine's."""
    load = os.getloadavg()
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "load_avg_1m": round(load[0], 2),
        "load_avg_5m": round(load[1], 2),
        "when": datetime.now().isoformat(timespec="seconds"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _machine_line(start: Row) -> str:
    end = machine()
    return (
        f"{start['cores']} cores ({start['cpu']}), Python {start['python']}; load average "
        f"(1 min) {start['load_avg_1m']} at the start ({start['when']}), "
        f"{end['load_avg_1m']} at the end ({end['when']})"
    )


def _number(value: Any) -> str:
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "—" if value is None else str(value)


def _columns(rows: Sequence[Row]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _rich_table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title)
    columns = _columns(rows)
    for column in columns:
        table.add_column(column, justify="left" if column in ("", "target") else "right")
    for row in rows:
        table.add_row(*(_number(row.get(c)) for c in columns))
    return table


def markdown_table(rows: Sequence[Row]) -> str:
    columns = _columns(rows)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_number(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def make_parser(
    description: str, configure: Callable[[argparse.ArgumentParser], None]
) -> argparse.ArgumentParser:
    """The bench's own options plus --json and --markdown."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    parser.add_argument("--markdown", action="store_true", help="Print Markdown tables.")
    configure(parser)
    return parser


def main(
    description: str,
    configure: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], Report],
) -> None:
    args = make_parser(description, configure).parse_args()
    emit(run(args), args)


def emit(report: Report, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.markdown:
        print(report.markdown())
    else:
        report.print()


def progress_printer(label: str) -> ProgressFn:
    """Coarse progress on stderr (stage changes and every 10%), so stdout stays clean."""
    last: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        tenth = done * 10 // total if total else 0
        if last.get(stage) != tenth:
            last[stage] = tenth
            print(f"[{label}] {stage} {done}/{total}", file=sys.stderr, flush=True)

    return update


# -- data -----------------------------------------------------------------------------------


def bench_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a bench data dir: local default embedder, extractive answers."""
    values: dict[str, Any] = {"RAG_DATA_DIR": data_dir, "LLM_PROVIDER": "extractive"}
    values.update(overrides)
    return Settings(**values)


def ingest_shared(settings: Settings, progress: ProgressFn = no_progress) -> list[Event]:
    """The 1,000 real events, ingested into `settings.data_dir` like `rag ingest` does."""
    files = sorted(SHARED_DATA.glob("*.json"))
    if not files:
        raise SystemExit(f"no shared events in {SHARED_DATA}: see eval/README.md")
    ingest(settings, file_sources(files), progress=progress)
    return load_events(settings)


def dev_questions() -> list[DevQuestion]:
    return load_devset(DEVSET)


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of another process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return _kib(fields["VmRSS"]) / 1024, _kib(fields["VmHWM"]) / 1024


def _kib(value: str) -> float:
    return float(value.split()[0])


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def run_worker(module: str, args: list[str]) -> Row:
    """Run `python -m module --worker ARGS` in a fresh process; its last stdout line is JSON.

    Each measurement gets its own process so that peak memory and caches are its own.
    """
    command = [sys.executable, "-m", module, "--worker", *args]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the API as a real process --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(slots=True)
class Api:
    url: str
    process: subprocess.Popen[bytes]
    ready_s: float


@contextmanager
def running_api(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 300.0,
    port: int | None = None,
) -> Iterator[Api]:
    """`rag serve` on 127.0.0.1 (`port`, else a free one), yielded once /ready answers 200."""
    port = port or free_port()
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data_dir),
        "LLM_PROVIDER": "extractive",
        "INDEX_RELOAD_INTERVAL": "3600",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1"]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        ready_s = _wait_ready(url, process, started, timeout)
        yield Api(url, process, ready_s)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(
    url: str, process: subprocess.Popen[bytes], started: float, timeout: float
) -> float:
    with requests.Session() as session:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"`rag serve` exited with {process.returncode} before /ready")
            try:
                if session.get(f"{url}/ready", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.01)
    raise RuntimeError(f"`rag serve` was not ready after {timeout:.0f} s")


def save_figure(fig: Any, path: Path) -> None:
    """Lay out, write as PNG (creating the folder) and free a matplotlib figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
