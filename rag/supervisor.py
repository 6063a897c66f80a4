"""supervisord glue: what `rag up` runs, the port check, supervisorctl's socket, and the
FATAL event listener.

`python -m rag.supervisor` is the `[eventlistener:fatal]` of supervisord.conf: when a
program exhausts its start retries (FATAL), it records which one in `RAG_RUN_DIR/fatal` and
stops supervisord. supervisord itself always exits 0, so `rag up` runs it as a child and
exits 1 when that record exists: the container stops with a failure status and its restart
policy acts, instead of an API that silently stays down.

Before any of that, `rag up` checks that both ports are free (`check_ports`), and `rag serve`
binds its port before loading the index (`bind_port`), so a taken port is one line and exit
status 1 at once, not a restart loop.

`ctl_plugin` is the `[ctlplugin:rag]` of supervisord.conf: it points supervisorctl at the
socket in RAG_RUN_DIR (from the environment, `.env` or its default), so `uv run
supervisorctl -c supervisord.conf status` works in a second terminal with no variable set.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from rag.config import Settings, load_settings
from rag.errors import RagError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FATAL_RECORD = "fatal"
"""Written in RAG_RUN_DIR by the listener (supervisord.conf passes it the same path)."""
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR2)
SOCKET = "supervisor.sock"
"""supervisord's control socket in RAG_RUN_DIR ([unix_http_server] of supervisord.conf)."""


class PortInUse(RagError):
    """A port rag-events must listen on is taken (or unusable); the message names the
    setting to change."""


def bind_port(host: str, port: int, program: str) -> socket.socket:
    """A TCP socket bound to host:port, not listening yet; `PortInUse` naming the setting
    to change (`{program}_PORT`, or `{program}_HOST` too) when it cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # as uvicorn and Streamlit do: a port left in TIME_WAIT by a stopped server is free
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} is already in use: set {program}_PORT") from exc
        reason = exc.strerror or str(exc)
        raise PortInUse(
            f"cannot listen on {host}:{port} ({reason}): check {program}_HOST and {program}_PORT"
        ) from exc
    return sock


def check_ports(settings: Settings) -> None:
    """Both ports `rag up` needs are free, before it builds or starts anything."""
    if settings.api_port == settings.ui_port:
        raise PortInUse(
            f"API_PORT and UI_PORT are both {settings.api_port}: set one of them to another port"
        )
    bind_port(settings.api_host, settings.api_port, "API").close()
    bind_port(settings.ui_host, settings.ui_port, "UI").close()


def socket_url(settings: Settings) -> str:
    return f"unix://{settings.run_dir.resolve() / SOCKET}"


def ctl_plugin(controller: Any) -> Any:
    """supervisorctl's `[ctlplugin:rag]`: unless `-s URL` was given, talk to the socket in
    RAG_RUN_DIR as `Settings` resolves it (environment, `.env`, default). It adds no
    command; supervisorctl calls it after reading the config, before any request."""
    from supervisor.supervisorctl import ControllerPluginBase

    options = controller.options
    if options.serverurl == options.configroot.supervisorctl.serverurl:  # no -s on the line
        options.serverurl = socket_url(load_settings())
    return ControllerPluginBase(controller)


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
