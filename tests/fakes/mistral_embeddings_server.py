"""A local server for Mistral's `POST /v1/embeddings` wire format.

The request body is `{"model", "input": str | [str, ...]}` (the SDK's `inputs=` goes out as
`input`); the answer is `{"id", "object": "list", "data": [{"object": "embedding",
"embedding": [...], "index": i}], "model", "usage": {...}}`. Vectors are deterministic
functions of the text, so the same text always gets the same vector. Tests queue HTTP
errors to answer first and read back the requests received.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DIMENSION = 1024
API_KEY = "test-key"


def fake_vector(text: str, dimension: int = DIMENSION) -> np.ndarray:
    """Unit vector seeded by the text (what the server returns for it, before rounding)."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


@dataclass
class MistralEmbeddingsServer:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    failures: deque[int] = field(default_factory=deque)

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these HTTP statuses, in order."""
        self.failures.extend(statuses)


@contextmanager
def mistral_embeddings_server() -> Iterator[MistralEmbeddingsServer]:
    state = MistralEmbeddingsServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            if self.path != "/v1/embeddings":
                return self._send(404, {"detail": "Not Found"})
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                return self._send(401, {"message": "Unauthorized", "request_id": "fake"})
            if state.failures:
                status = state.failures.popleft()
                return self._send(status, {"message": f"fake {status}"}, {"Retry-After": "0"})
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [
                {"object": "embedding", "embedding": fake_vector(t).tolist(), "index": i}
                for i, t in enumerate(texts)
            ]
            tokens = sum(len(t.split()) for t in texts)
            self._send(
                200,
                {
                    "id": f"embd-{len(state.requests)}",
                    "object": "list",
                    "data": data,
                    "model": body["model"],
                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                },
            )

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
