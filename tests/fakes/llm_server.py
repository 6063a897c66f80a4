"""A local chat-completions server that speaks Mistral's and OpenAI's wire format.

Both APIs share `POST /v1/chat/completions` (JSON, or server-sent events with
`"stream": true` ended by `data: [DONE]`). Tests script what each request gets
(answer, HTTP error, a sleep past the client's timeout, garbage, empty content, a stream
cut short) and read back the requests the server received.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Kind = Literal["answer", "status", "sleep", "garbage", "empty", "cut"]
DEFAULT_ANSWER = "Je vous conseille l'exposition [1], ouverte tout le week-end."


@dataclass(frozen=True)
class Behavior:
    """What one request gets; build them with the helpers below."""

    kind: Kind
    text: str = DEFAULT_ANSWER
    status: int = 200
    seconds: float = 0.0
    chunks: int = 0


def answer(text: str = DEFAULT_ANSWER) -> Behavior:
    return Behavior("answer", text=text)


def fail(status: int) -> Behavior:
    return Behavior("status", status=status)


def sleep(seconds: float) -> Behavior:
    return Behavior("sleep", seconds=seconds)


def garbage() -> Behavior:
    return Behavior("garbage")


def empty() -> Behavior:
    return Behavior("empty", text="")


def cut(chunks: int = 2, text: str = DEFAULT_ANSWER) -> Behavior:
    """Stream `chunks` deltas, then close the connection without finishing."""
    return Behavior("cut", text=text, chunks=chunks)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeLLM:
    """Start with `with FakeLLM() as llm:`; `llm.url` is the server root (no `/v1`)."""

    default: Behavior = field(default_factory=answer)
    requests: list[Recorded] = field(default_factory=list)
    _script: deque[Behavior] = field(default_factory=deque)
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeLLM:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def script(self, *behaviors: Behavior) -> None:
        """Queue what the next requests get; once used up, requests get `default`."""
        self._script.extend(behaviors)

    def next_behavior(self) -> Behavior:
        return self._script.popleft() if self._script else self.default


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 like the real APIs: streams are chunked, so a cut stream is a protocol error."""

    fake: FakeLLM
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not access logs."""

    def do_POST(self) -> None:
        # A client that gave up (timeout) closes the socket: nothing left to tell it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._respond()

    def _respond(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw or b"{}")
        self.fake.requests.append(Recorded(self.path, dict(self.headers.items()), body))
        if self.path != "/v1/chat/completions":
            return self._send(404, "application/json", b'{"detail": "Not Found"}')
        behavior = self.fake.next_behavior()
        model = body.get("model", "fake")
        if behavior.kind == "sleep":
            time.sleep(behavior.seconds)
            behavior = answer()
        if behavior.kind == "status":
            error = json.dumps({"object": "error", "message": "scripted", "code": behavior.status})
            return self._send(behavior.status, "application/json", error.encode())
        if behavior.kind == "garbage":
            return self._send(200, "application/json", b'{"choices": oops')
        if body.get("stream"):
            return self._stream(behavior, model)
        self._send(200, "application/json", json.dumps(_completion(behavior.text, model)).encode())

    def _stream(self, behavior: Behavior, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        words = [w + " " for w in behavior.text.split(" ")] if behavior.text else []
        if behavior.kind == "cut":
            words = words[: behavior.chunks]
        for word in words:
            self._event(_chunk(word, None, model))
        if behavior.kind == "cut":
            return
        self._event(_chunk("", "stop", model))
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    def _event(self, data: dict[str, Any]) -> None:
        self._write_chunk(f"data: {json.dumps(data)}\n\n".encode())

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _send(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)


def _completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "cmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
    }


def _chunk(text: str, finish: str | None, model: str) -> dict[str, Any]:
    return {
        "id": "cmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": finish}
        ],
    }
