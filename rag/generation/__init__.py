"""Answer text from retrieved events: the `Generator` protocol and the provider choice.

Every LLM generator is wrapped in `FallbackGenerator`, so a slow, failing or rate-limited
model never leaves the user without an answer: the extractive answer (no network) takes
over and `Generated.fallback` says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.errors import RagError
from rag.factory import check_name, load
from rag.models import Hit, Message

if TYPE_CHECKING:
    from rag.query import Understanding

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRIES = 2
BACKOFF = 0.5  # seconds before the first retry, doubled each time: worst case ~3 timeouts + 1.5 s

MIDSTREAM_NOTICE = (
    "\n\n(Le modèle de langage s'est interrompu en cours de réponse ; "
    "voici la réponse établie directement à partir des événements trouvés.)\n\n"
)


@dataclass
class GenerationInput:
    """What a generator needs: the question, what was understood, and the ranked hits."""

    question: str
    understanding: Understanding
    hits: list[Hit]
    history: list[Message]
    tz: ZoneInfo


@dataclass
class Generated:
    """The final answer; `generator` names who wrote it, `fallback` that an LLM failed."""

    text: str
    generator: str
    fallback: bool = False


class Generator(Protocol):
    name: str

    def generate(self, inp: GenerationInput) -> Generated: ...

    def stream(self, inp: GenerationInput) -> Iterator[str | Generated]:
        """Text deltas, then exactly one `Generated` (full text and metadata) last."""
        ...


class GenerationError(RagError):
    """An LLM could not produce a usable answer (network, HTTP error, garbage, empty)."""


class TransientError(GenerationError):
    """A failure worth retrying: HTTP 429 or 5xx."""


def with_retries(call: Callable[[], T], retries: int, backoff: float) -> T:
    """Run `call`, retrying `TransientError` with exponential backoff (bounded time)."""
    attempt = 0
    while True:
        try:
            return call()
        except TransientError as exc:
            if attempt >= retries:
                raise
            delay = backoff * 2**attempt
            attempt += 1
            log.info("LLM busy (%s); retry %d/%d in %.1f s", exc, attempt, retries, delay)
            time.sleep(delay)


class FallbackGenerator:
    """An LLM generator that falls back to the extractive answer whenever the LLM fails."""

    def __init__(self, llm: Generator, fallback: Generator) -> None:
        self.llm = llm
        self.fallback = fallback
        self.name = llm.name

    def generate(self, inp: GenerationInput) -> Generated:
        try:
            return self.llm.generate(inp)
        except GenerationError as exc:
            log.warning("%s failed, answering extractively: %s", self.llm.name, exc)
            answer = self.fallback.generate(inp)
            return Generated(answer.text, answer.generator, fallback=True)

    def stream(self, inp: GenerationInput) -> Iterator[str | Generated]:
        sent: list[str] = []
        try:
            for piece in self.llm.stream(inp):
                if isinstance(piece, Generated):
                    yield piece
                    return
                sent.append(piece)
                yield piece
        except GenerationError as exc:
            log.warning("%s failed while streaming, answering extractively: %s", self.name, exc)
        prefix = MIDSTREAM_NOTICE if sent else ""
        if prefix:
            yield prefix
        for piece in self.fallback.stream(inp):
            if isinstance(piece, Generated):
                text = "".join(sent) + prefix + piece.text
                yield Generated(text, piece.generator, fallback=True)
                return
            yield piece


PROVIDERS: dict[str, str] = {
    "extractive": "rag.generation.extractive:ExtractiveGenerator",
    "mistral": "rag.generation.mistral:MistralGenerator",
    "openai": "rag.generation.openai:OpenAIGenerator",
}
"""`LLM_PROVIDER` → generator class (each has `from_settings`); `auto` picks one of them."""
AUTO = "auto"


def resolve_provider(settings: Settings) -> str:
    """The provider `auto` stands for: Mistral with a key, else a local server, else none."""
    if settings.llm_provider != AUTO:
        return check_name(PROVIDERS, settings.llm_provider, "LLM_PROVIDER")
    if settings.mistral_api_key:
        return "mistral"
    if settings.llm_base_url:
        return "openai"
    return "extractive"


def create_generator(settings: Settings) -> Generator:
    """The generator `LLM_PROVIDER` names; an LLM always falls back to the extractive one."""
    from rag.generation.extractive import ExtractiveGenerator

    extractive = ExtractiveGenerator()
    provider = resolve_provider(settings)
    if provider == "extractive":
        return extractive
    llm: Generator = load(PROVIDERS, provider, "LLM_PROVIDER").from_settings(settings)
    return FallbackGenerator(llm, extractive)
