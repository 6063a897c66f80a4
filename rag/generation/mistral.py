"""Answers written by Mistral's chat API (`LLM_PROVIDER=mistral`, needs `MISTRAL_API_KEY`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx2
from mistralai.client import Mistral
from mistralai.client.errors import MistralError, NoResponseError
from mistralai.client.models import ChatCompletionResponse, CompletionEvent
from mistralai.client.utils.eventstreaming import EventStream

from rag.config import Settings
from rag.errors import ConfigError
from rag.generation import (
    BACKOFF,
    RETRIES,
    Generated,
    GenerationError,
    GenerationInput,
    TransientError,
    with_retries,
)
from rag.generation.prompt import build_messages
from rag.http import RETRY_STATUSES

T = TypeVar("T")
_FAILURES = (MistralError, NoResponseError, httpx2.HTTPError, ValueError)


class MistralGenerator:
    """Chat completion through the official SDK; its own retries are off (we retry 429/5xx)."""

    def __init__(
        self,
        client: Mistral,
        model: str,
        temperature: float,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
    ) -> None:
        self.client = client
        self.model = model
        self.temperature = temperature
        self.retries = retries
        self.backoff = backoff
        self.name = f"mistral:{model}"

    @classmethod
    def from_settings(cls, settings: Settings) -> MistralGenerator:
        if settings.mistral_api_key is None:
            raise ConfigError(
                "LLM_PROVIDER=mistral needs MISTRAL_API_KEY: set it in .env, "
                "or use LLM_PROVIDER=extractive to answer without an LLM."
            )
        client = Mistral(
            api_key=settings.mistral_api_key.get_secret_value(),
            server_url=settings.mistral_server_url,
            timeout_ms=int(settings.llm_timeout * 1000),
        )
        return cls(client, settings.llm_model, settings.llm_temperature)

    def generate(self, inp: GenerationInput) -> Generated:
        response = with_retries(lambda: self._call(self._complete, inp), self.retries, self.backoff)
        choices = response.choices
        text = _content(choices[0].message.content) if choices and choices[0].message else ""
        if not text.strip():
            raise GenerationError(f"{self.name} returned an empty answer")
        return Generated(text.strip(), self.name)

    def stream(self, inp: GenerationInput) -> Iterator[str | Generated]:
        events = with_retries(lambda: self._call(self._stream, inp), self.retries, self.backoff)
        parts: list[str] = []
        finished = False
        try:
            with events:
                for event in events:
                    choices = event.data.choices
                    delta = _content(choices[0].delta.content) if choices else ""
                    finished = finished or any(c.finish_reason for c in choices)
                    if delta:
                        parts.append(delta)
                        yield delta
        except _FAILURES as exc:
            raise GenerationError(f"{self.name} stream broke: {exc}") from exc
        if not finished:
            raise GenerationError(f"{self.name} stream ended without a finish reason")
        text = "".join(parts).strip()
        if not text:
            raise GenerationError(f"{self.name} streamed an empty answer")
        yield Generated(text, self.name)

    def _complete(self, inp: GenerationInput) -> ChatCompletionResponse:
        return self.client.chat.complete(
            model=self.model, messages=_messages(inp), temperature=self.temperature
        )

    def _stream(self, inp: GenerationInput) -> EventStream[CompletionEvent]:
        return self.client.chat.stream(
            model=self.model, messages=_messages(inp), temperature=self.temperature
        )

    def _call(self, method: Callable[[GenerationInput], T], inp: GenerationInput) -> T:
        """One request, with the SDK's errors turned into ours (429/5xx are transient)."""
        try:
            return method(inp)
        except MistralError as exc:
            error = TransientError if exc.status_code in RETRY_STATUSES else GenerationError
            raise error(f"{self.name}: HTTP {exc.status_code}") from exc
        except _FAILURES as exc:
            raise GenerationError(f"{self.name}: {type(exc).__name__}: {exc}") from exc


def _content(content: Any) -> str:
    """Message content is a string, or a list of chunks of which text ones count."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(getattr(chunk, "text", "") or "" for chunk in content)
    return ""


def _messages(inp: GenerationInput) -> list[Any]:
    """Our {"role", "content"} dicts, which the SDK accepts as its message TypedDicts
    (a union mypy cannot match a plain dict against)."""
    return list(build_messages(inp))
