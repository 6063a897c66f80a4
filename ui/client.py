"""The UI's HTTP client for the rag-events API: plain `requests`, French error messages.

Kept apart from the Streamlit page so it can be tested without a browser, and so the UI
process never imports the engine (no FAISS, no embedding model).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests


class ApiError(RuntimeError):
    """A message for the user: what is wrong and what to do; `status` is the HTTP status
    when the API answered, `retry_after` its Retry-After in seconds."""

    def __init__(self, message: str, status: int | None = None, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: dict[str, Any]


class ApiClient:
    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def ready(self) -> dict[str, Any]:
        """The /ready body, whether the index is loaded (200) or not (503)."""
        response = self._request("GET", "/ready", timeout=5)
        if response.status_code not in (200, 503):
            raise ApiError(_detail(response))
        return response.json()

    def stream(self, payload: dict[str, Any]) -> Iterator[SseEvent]:
        """POST /ask/stream, parsed as Server-Sent Events as they arrive."""
        response = self._request("POST", "/ask/stream", json=payload, stream=True)
        with response:
            if response.status_code != 200:
                raise ApiError(_detail(response))
            # text/event-stream comes without a charset: requests would guess latin-1.
            response.encoding = "utf-8"
            lines = response.iter_lines(decode_unicode=True)
            yield from parse_sse(str(line) for line in lines)  # str already: decode_unicode

    def event(self, uid: str) -> dict[str, Any] | None:
        response = self._request("GET", f"/events/{requests.utils.quote(uid, safe='')}", timeout=10)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ApiError(_detail(response))
        return response.json()

    def start_rebuild(self, key: str) -> dict[str, Any]:
        response = self._request("POST", "/rebuild", headers={"X-API-Key": key}, timeout=10)
        if response.status_code != 202:
            retry = response.headers.get("retry-after", "")
            wait = int(retry) if retry.isdigit() else 0
            message = _detail(response)
            if response.status_code == 429:
                message = f"Clé refusée, et trop de clés erronées : réessayez dans {wait} s."
            raise ApiError(message, response.status_code, wait)
        return response.json()

    def rebuild_job(self, job_id: str) -> dict[str, Any]:
        response = self._request("GET", f"/rebuild/{job_id}", timeout=10)
        if response.status_code != 200:
            raise ApiError(_detail(response))
        return response.json()

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            return self.session.request(method, self.base_url + path, **kwargs)
        except requests.ConnectionError as exc:
            raise ApiError(
                f"L'API ne répond pas à {self.base_url} : lancez `rag serve` (ou `rag up`), "
                "ou corrigez API_URL."
            ) from exc
        except requests.Timeout as exc:
            raise ApiError(f"L'API ({self.base_url}) n'a pas répondu à temps ; réessayez.") from exc


def parse_sse(lines: Iterator[str]) -> Iterator[SseEvent]:
    """The text/event-stream format: `event:` and `data:` lines, a blank line ends an event;
    lines starting with ':' are keep-alive comments."""
    event = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield SseEvent(event, json.loads("\n".join(data)))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield SseEvent(event, json.loads("\n".join(data)))


def _detail(response: requests.Response) -> str:
    """The API's JSON `detail`, translated into what the user should do."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = response.text[:200]
    if response.status_code == 503:
        return f"Le service n'est pas prêt : {detail}"
    if response.status_code == 401:
        return "Clé de reconstruction refusée (REBUILD_API_KEY)."
    if response.status_code == 409:
        return f"Une reconstruction est déjà en cours : {detail}"
    if response.status_code == 422:
        return f"Requête invalide : {json.dumps(detail, ensure_ascii=False)[:300]}"
    return f"Erreur de l'API ({response.status_code}) : {detail}"
