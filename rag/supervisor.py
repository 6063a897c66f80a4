"""supervisord glue: what `rag up` execs, and the FATAL event listener.

`python -m rag.supervisor` is the `[eventlistener:fatal]` of supervisord.conf: when a
program exhausts its start retries (FATAL), it stops supervisord, so the container exits
and its restart policy acts instead of an API that silently stays down.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from rag.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


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


def exec_supervisord(settings: Settings) -> None:
    """Replace this process with supervisord in the foreground (signals reach it directly)."""
    conf = project_file("supervisord.conf")
    env = supervisord_env(settings, os.environ)
    Path(env["RAG_RUN_DIR"]).mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "supervisor.supervisord", "-c", str(conf)]
    os.execve(sys.executable, argv, env)


def listen(stdin: TextIO, stdout: TextIO, stderr: TextIO, supervisord_pid: int) -> None:
    """The event listener protocol: READY, read one event, act, RESULT OK, repeat."""
    from supervisor import childutils

    protocol = childutils.EventListenerProtocol()
    while True:
        headers, payload = protocol.wait(stdin, stdout)
        if headers["eventname"] == "PROCESS_STATE_FATAL":
            fields = childutils.get_headers(payload.split("\n", 1)[0])
            print(
                f"rag.supervisor: program {fields.get('processname')} is FATAL (it kept "
                "exiting at start); stopping supervisord so the container can restart",
                file=stderr,
                flush=True,
            )
            os.kill(supervisord_pid, signal.SIGTERM)
        protocol.ok(stdout)


if __name__ == "__main__":
    # supervisord is the parent of its event listeners.
    listen(sys.stdin, sys.stdout, sys.stderr, os.getppid())
