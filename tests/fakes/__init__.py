"""Local stand-ins for remote services (Mistral, OpenAI-compatible servers, Opendatasoft…)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer: status, JSON body, headers, and a delay before answering."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    """A request the fake received, for assertions on paging and filters."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class JsonService:
    """A JSON-over-HTTP fake on 127.0.0.1 (port 0) in a thread.

    Subclasses implement `route`; `script` holds replies served before routing (retries,
    timeouts), and `seen` records every request.
    """

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self._server: ThreadingHTTPServer | None = None

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    @property
    def url(self) -> str:
        assert self._server is not None, "use the service as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> JsonService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                service.seen.append(Seen(parts.path, query, headers))
                reply = service.script.popleft() if service.script else None
                reply = reply or service.route(parts.path, query, headers)
                time.sleep(reply.delay)
                data = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
