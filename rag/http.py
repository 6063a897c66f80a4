"""HTTP for the event sources: timeouts, polite retries and errors a user can act on.

Public APIs rate-limit (429) and hiccup (5xx, resets); a long ingest should ride those out
instead of failing on page 57, but a bad key must fail at once with a clear message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from rag.config import Settings
from rag.errors import RagError
from rag.jsonstream import JsonStreamError, array_items

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses worth retrying, for every HTTP client of the project (sources and LLMs)."""
Params = Mapping[str, str | int | Sequence[str | int]]


class HttpError(RagError):
    """A request failed for good (after retries, or with a status retrying cannot fix)."""


class AuthError(HttpError):
    """The service refused our credentials (401/403)."""


@dataclass(slots=True)
class HttpClient:
    """One `requests.Session` shared by every page of an ingest run.

    `backoff` is the first retry delay in seconds (doubled each attempt, with jitter, capped
    at `max_delay`); `sleep` is injectable so tests can record delays instead of waiting.
    """

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpClient:
        return cls(timeout=settings.http_timeout, retries=settings.http_retries)

    def get_json(
        self,
        url: str,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        auth_hint: str = "check the credentials",
    ) -> Any:
        """GET and decode JSON; `auth_hint` finishes the message of a 401/403 error."""
        response = self._get(url, params, headers, auth_hint)
        try:
            return response.json()
        except ValueError as exc:
            raise HttpError(f"{url} did not answer JSON ({_snippet(response)})") from exc

    def iter_json_array(
        self,
        url: str,
        params: Params | None = None,
        auth_hint: str = "check the credentials",
    ) -> Iterator[Any]:
        """GET a JSON array and yield its items while it downloads, never holding it whole
        (an Opendatasoft export of the whole OpenAgenda dataset is gigabytes)."""
        response = self._get(url, params, None, auth_hint, stream=True)
        try:
            chunks = response.iter_content(chunk_size=1 << 16)
            yield from json_array_items(chunks, url)
        except requests.RequestException as exc:
            raise HttpError(f"{url} broke off mid-download ({exc.__class__.__name__})") from exc
        finally:
            response.close()

    def _get(
        self,
        url: str,
        params: Params | None,
        headers: Mapping[str, str] | None,
        auth_hint: str,
        stream: bool = False,
    ) -> requests.Response:
        attempts = self.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.session.get(
                    url, params=params, headers=headers, timeout=self.timeout, stream=stream
                )
            except requests.Timeout as exc:
                if last:
                    raise HttpError(
                        f"{url} did not answer within {self.timeout:g} s after {attempts} "
                        "attempts: check the network or raise HTTP_TIMEOUT"
                    ) from exc
                self.sleep(self._delay(attempt))
                continue
            except requests.ConnectionError as exc:
                if last:
                    raise HttpError(
                        f"cannot reach {url} after {attempts} attempts ({exc.__class__.__name__})"
                        ": check the network and the base URL setting"
                    ) from exc
                self.sleep(self._delay(attempt))
                continue
            if response.status_code in (401, 403):
                raise AuthError(
                    f"{_host(url)} refused access (HTTP {response.status_code}): {auth_hint}"
                )
            if response.status_code in RETRY_STATUSES and not last:
                self.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code >= 400:
                raise HttpError(
                    f"{url} answered HTTP {response.status_code} ({_snippet(response)})"
                )
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Retry-After when the server says so, else exponential backoff with full jitter."""
        if retry_after:
            wait = _parse_retry_after(retry_after)
            if wait is not None:
                return min(wait, self.max_delay)
        ceiling = min(self.backoff * 2**attempt, self.max_delay)
        return random.uniform(ceiling / 2, ceiling)


def json_array_items(chunks: Iterable[bytes], source: str) -> Iterator[Any]:
    """The items of a JSON array arriving in byte chunks (`rag.jsonstream`), one at a time;
    HttpError naming `source` when the body is not an array or ends inside one."""
    try:
        yield from array_items(chunks)
    except JsonStreamError as exc:
        raise HttpError(f"{source} {exc}") from exc


def _parse_retry_after(value: str) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host(url: str) -> str:
    return requests.utils.urlparse(url).netloc or url


def _snippet(response: requests.Response, limit: int = 200) -> str:
    text = " ".join(response.text.split())
    return text[:limit] or response.reason or "empty body"
