"""Answers from any OpenAI-compatible server (`LLM_BASE_URL`): Ollama, vLLM, llama.cpp, LM Studio…

Plain `requests` against `/chat/completions`, with `stream: true` read as server-sent events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import requests

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


class OpenAIGenerator:
    """Chat completion over HTTP; bounded by `timeout` per request and a few retries."""

    def __init__(
        self,
        base_url: str,
        model: str,
        temperature: float,
        timeout: float,
        api_key: str | None = None,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.temperature = temperature
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.name = f"openai:{model}"

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIGenerator:
        if not settings.llm_base_url:
            raise ConfigError(
                "LLM_PROVIDER=openai needs LLM_BASE_URL (e.g. http://localhost:11434/v1 for "
                "Ollama), or use LLM_PROVIDER=extractive to answer without an LLM."
            )
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(
            settings.llm_base_url,
            settings.llm_model,
            settings.llm_temperature,
            settings.llm_timeout,
            api_key=key,
        )

    def generate(self, inp: GenerationInput) -> Generated:
        response = with_retries(lambda: self._post(inp, stream=False), self.retries, self.backoff)
        try:
            text = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise GenerationError(f"{self.name} sent an unreadable answer: {exc}") from exc
        if not isinstance(text, str) or not text.strip():
            raise GenerationError(f"{self.name} returned an empty answer")
        return Generated(text.strip(), self.name)

    def stream(self, inp: GenerationInput) -> Iterator[str | Generated]:
        response = with_retries(lambda: self._post(inp, stream=True), self.retries, self.backoff)
        parts: list[str] = []
        with response:
            for delta in self._deltas(response):
                parts.append(delta)
                yield delta
        text = "".join(parts).strip()
        if not text:
            raise GenerationError(f"{self.name} streamed an empty answer")
        yield Generated(text, self.name)

    def _post(self, inp: GenerationInput, stream: bool) -> requests.Response:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": build_messages(inp),
            "temperature": self.temperature,
            "stream": stream,
        }
        try:
            response = self.session.post(self.url, json=body, timeout=self.timeout, stream=stream)
        except requests.RequestException as exc:
            raise GenerationError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        if response.status_code in RETRY_STATUSES:
            response.close()
            raise TransientError(f"{self.name}: HTTP {response.status_code}")
        if response.status_code != 200:
            detail = response.text[:200]
            response.close()
            raise GenerationError(f"{self.name}: HTTP {response.status_code}: {detail}")
        return response

    def _deltas(self, response: requests.Response) -> Iterator[str]:
        """Text pieces of an SSE stream (`data: {...}` lines, ended by `data: [DONE]`)."""
        try:
            for raw in response.iter_lines():
                line = raw.decode("utf-8").strip()
                if not line.startswith("data:"):
                    continue
                data = line.removeprefix("data:").strip()
                if data == "[DONE]":
                    return
                choices = json.loads(data).get("choices") or []
                delta = (choices[0].get("delta") or {}).get("content") if choices else None
                if delta:
                    yield delta
            raise GenerationError(f"{self.name} stream ended before [DONE]")
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise GenerationError(f"{self.name} stream broke: {exc}") from exc
