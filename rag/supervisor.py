"""supervisord glue: what `rag up` execs, and the FATAL event listener.

`python -m rag.supervisor` is the `[eventlistener:fatal]` of supervisord.conf: when a
program exhausts its start retries (FATAL), it records which one in `RAG_RUN_DIR/fatal` and
stops supervisord. supervisord itself always exits 0, so `rag up` runs it as a child and
exits 1 when that record exists: the container stops with a failure status and its restart
policy acts, instead of an API that silently stays down.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from rag.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FATAL_RECORD = "fatal"
"""Written in RAG_RUN_DIR by the listener (supervisord.conf passes it the same path)."""
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR2)


def project_file(name: str) -> Path:
    """A file that lives at the project root (supervisord.conf, ui/app.py): next to the
    `rag` package in a checkout or in the image (/app), else in the working directory."""
    for root in (PROJECT_ROOT, Path.cwd()):
        if (root / name).is_file():
            return root / name
    raise FileNotFoundError(
        f"{name} not found in {PROJECT_ROOT} or {Path.cwd()}: run from the project directory"
    )


def supervisord_env(settings: Settings, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for supervisord: every variable supervisord.conf expands
    (`%(ENV_X)s`, which must exist) set from `settings` (env, then .env, then defaults),
    and this interpreter's directory first on PATH so `rag` and `python` are this install's."""
    api_url = (
        settings.api_url
        if "api_url" in settings.model_fields_set
        else f"http://127.0.0.1:{settings.api_port}"
    )
    wiring = {
        # absolute, so the programs (which run in the project root) use the same data
        "RAG_DATA_DIR": str(settings.data_dir.resolve()),
        "RAG_RUN_DIR": str(settings.run_dir.resolve()),
        "API_HOST": settings.api_host,
        "API_PORT": str(settings.api_port),
        "UI_HOST": settings.ui_host,
        "UI_PORT": str(settings.ui_port),
        "API_URL": api_url,
    }
    env = {**{name: value for name, value in environ.items() if value}, **wiring}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", os.defpath)])
    return env


def run_supervisord(settings: Settings) -> int:
    """Run supervisord in the foreground until it stops, passing signals on to it; the exit
    status is 1 when a program went FATAL, so a container stops as failed."""
    conf = project_file("supervisord.conf")
    env = supervisord_env(settings, os.environ)
    run_dir = Path(env["RAG_RUN_DIR"])
    run_dir.mkdir(parents=True, exist_ok=True)
    record = run_dir / FATAL_RECORD
    record.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "supervisor.supervisord", "-c", str(conf)]
    process = subprocess.Popen(argv, env=env)
    for number in FORWARDED:
        signal.signal(number, lambda received, _frame: process.send_signal(received))
    status = process.wait()
    if record.exists():
        reason = record.read_text(encoding="utf-8").strip()
        print(f"rag up: {reason}; exiting with status 1", file=sys.stderr, flush=True)
        return 1
    return status


def listen(
    stdin: TextIO, stdout: TextIO, stderr: TextIO, supervisord_pid: int, record: Path
) -> None:
    """The event listener protocol: READY, read one event, act, RESULT OK, repeat."""
    from supervisor import childutils

    protocol = childutils.EventListenerProtocol()
    while True:
        headers, payload = protocol.wait(stdin, stdout)
        if headers["eventname"] == "PROCESS_STATE_FATAL":
            fields = childutils.get_headers(payload.split("\n", 1)[0])
            reason = f"program {fields.get('processname')} is FATAL (it kept exiting at start)"
            print(
                f"rag.supervisor: {reason}; stopping supervisord so the container can restart",
                file=stderr,
                flush=True,
            )
            record.write_text(reason + "\n", encoding="utf-8")
            os.kill(supervisord_pid, signal.SIGTERM)
        protocol.ok(stdout)


if __name__ == "__main__":
    # supervisord is the parent of its event listeners; supervisord.conf passes the record's
    # path, so the listener works even when a bad setting is what makes a program die.
    listen(sys.stdin, sys.stdout, sys.stderr, os.getppid(), Path(sys.argv[1]))
