"""The assistant: understands a question, retrieves events, writes a sourced answer.

One `Assistant` is built at startup (CLI, API) and handed over. The index it serves can be
swapped while it answers: the searchable state lives in one immutable `_Served` object
replaced by a single assignment, so a request in flight keeps the version it started with.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.corpus import CorpusSummary
from rag.embeddings import Embedder, create_embedder
from rag.embeddings.queries import with_query_cache
from rag.errors import RagError
from rag.generation import Generated, GenerationInput, Generator, create_generator
from rag.generation.extractive import no_answer_text
from rag.index import Index, IndexUnavailable, check_active, load_index, open_index
from rag.language import detect_language
from rag.models import Event, Hit, Message, Occurrence
from rag.query import Understanding, load_tables, understand
from rag.retrieval import Retriever
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from rag.spelling import fix_slips
from rag.typography import typeset
from rag.versions import active_version


class NotReady(RagError):
    """No index is loaded; the message says why and what to run."""

    exit_code = 2
    prefix = "Not ready: "


@dataclass(frozen=True, slots=True)
class AssistantStatus:
    ready: bool
    reason: str | None
    version: str | None
    events: int
    passages: int
    embedder: str
    generator: str
    created_at: str | None
    corpus: CorpusSummary | None = None


@dataclass(frozen=True, slots=True)
class StreamEvent:
    type: str  # "sources", "delta" or "done"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Served:
    index: Index
    retriever: Retriever
    corpus: CorpusSummary


@dataclass(slots=True)
class _Prepared:
    """Everything about one question except the answer text."""

    request: AskRequest
    understanding: Understanding
    hits: list[Hit]
    sources: list[Source]
    history: list[Message]
    retrieve_ms: float
    started: float


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        generator: Generator,
        index: Index | None = None,
        reason: str | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.generator = generator
        self.tz = ZoneInfo(settings.timezone)
        self._served: _Served | None = None
        self._reason: str | None = (
            reason or "no index yet: run `rag demo` or `rag ingest ... && rag build`"
        )
        self._reload_lock = threading.Lock()
        if index is not None:
            self.swap(index)

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """Build the providers and load the active index; a missing index is a status.

        The index's files are checked in a thread while the model loads: the checksum
        releases the GIL, so it is hidden behind the model (docs/benchmarks.md, `ready_s`).
        The question reader's tables load in the background once ready, for the first
        question's sake, without delaying readiness (they hold the GIL)."""
        with ThreadPoolExecutor(1, thread_name_prefix="index-check") as pool:
            checking = pool.submit(check_active, settings)
            embedder = with_query_cache(create_embedder(settings), settings.query_cache_size)
            generator = create_generator(settings)
            try:
                index = open_index(settings, checking.result(), embedder)
            except IndexUnavailable as exc:
                return cls(settings, embedder, generator, reason=str(exc))
        threading.Thread(target=load_tables, name="question-tables", daemon=True).start()
        return cls(settings, embedder, generator, index)

    # -- index lifecycle ---------------------------------------------------------------

    def swap(self, index: Index) -> None:
        """Serve `index` from now on; requests already running finish on the old one."""
        retriever = Retriever(index, self.embedder, index.gazetteer, self.tz)
        self._served = _Served(index, retriever, index.corpus)
        self._reason = None

    def reload(self) -> bool:
        """Load the active version on disk if it is not the one served; True if swapped."""
        with self._reload_lock:
            version = active_version(self.settings)
            served = self._served
            if version is None or (served and served.index.manifest.version == version):
                return False
            try:
                index = load_index(self.settings, self.embedder)
            except IndexUnavailable as exc:
                if served is None:
                    self._reason = str(exc)
                return False
            self.swap(index)
            return True

    def status(self) -> AssistantStatus:
        served = self._served
        manifest = served.index.manifest if served else None
        return AssistantStatus(
            ready=served is not None,
            reason=None if served else self._reason,
            version=manifest.version if manifest else None,
            events=manifest.events if manifest else 0,
            passages=manifest.passages if manifest else 0,
            embedder=self.embedder.id,
            generator=self.generator.name,
            created_at=manifest.created_at if manifest else None,
            corpus=served.corpus if served else None,
        )

    def event(self, uid: str) -> Event | None:
        served = self._served
        if served is None:
            return None
        pos = served.index.events.position(uid)
        return None if pos is None else served.index.events[pos]

    # -- answering ---------------------------------------------------------------------

    def ask(self, request: AskRequest) -> AskResponse:
        prepared = self._prepare(request)
        if not prepared.hits:
            return self._response(
                prepared, Generated(no_answer_text(prepared.understanding), "none", False), 0.0
            )
        started = time.perf_counter()
        generated = self.generator.generate(self._generation_input(prepared))
        return self._response(prepared, generated, _ms(started))

    def stream(self, request: AskRequest) -> Iterator[StreamEvent]:
        """Sources first (the UI shows them at once), then text deltas, then the answer."""
        prepared = self._prepare(request)
        sources = [s.model_dump(mode="json") for s in prepared.sources]
        understood = self._understood(prepared.understanding).model_dump(mode="json")
        yield StreamEvent("sources", {"sources": sources, "understood": understood})
        started = time.perf_counter()
        generated: Generated | None
        if not prepared.hits:
            generated = Generated(no_answer_text(prepared.understanding), "none", False)
            yield StreamEvent("delta", {"text": generated.text})
        else:
            generated = None
            for item in self.generator.stream(self._generation_input(prepared)):
                if isinstance(item, Generated):
                    generated = item
                else:
                    yield StreamEvent("delta", {"text": item})
        if generated is None:
            raise RuntimeError(f"generator {self.generator.name} ended without an answer")
        response = self._response(prepared, generated, _ms(started))
        yield StreamEvent("done", response.model_dump(mode="json"))

    def _prepare(self, request: AskRequest) -> _Prepared:
        served = self._served
        if served is None:
            raise NotReady(self._reason)
        started = time.perf_counter()
        as_of = request.as_of or datetime.now(self.tz).date()
        history = [Message(m.role, m.content) for m in request.history]

        def typed(text: str) -> str:  # slips fixed: "ocobre" is October
            return fix_slips(text, detect_language(text), served.retriever.uses)

        understanding = understand(
            typed(request.question),
            as_of,
            served.retriever.gazetteer,
            self.tz,
            city=request.city,
            date_from=request.date_from,
            date_to=request.date_to,
            previous_questions=[typed(m.content) for m in history if m.role == "user"],
            near_km=self.settings.near_km,
        )
        hits, understanding = served.retriever.searched(
            understanding, request.k or self.settings.top_k
        )
        sources = self._sources(hits, understanding)
        return _Prepared(request, understanding, hits, sources, history, _ms(started), started)

    def _generation_input(self, prepared: _Prepared) -> GenerationInput:
        return GenerationInput(
            question=prepared.request.question,
            understanding=prepared.understanding,
            hits=prepared.hits,
            history=prepared.history,
            tz=self.tz,
        )

    def _response(
        self, prepared: _Prepared, generated: Generated, generate_ms: float
    ) -> AskResponse:
        return AskResponse(
            answer=typeset(generated.text, prepared.understanding.language),
            no_answer=not prepared.hits,
            sources=prepared.sources,
            understood=self._understood(prepared.understanding),
            provider=ProviderInfo(
                embedder=self.embedder.id,
                generator=generated.generator if prepared.hits else self.generator.name,
                fallback=generated.fallback,
            ),
            timings_ms=Timings(
                retrieve=round(prepared.retrieve_ms, 2),
                generate=round(generate_ms, 2),
                total=round(_ms(prepared.started), 2),
            ),
        )

    def _sources(self, hits: list[Hit], u: Understanding) -> list[Source]:
        sources = []
        for hit in hits:
            occurrence = self._relevant_occurrence(hit.event, u)
            sources.append(
                Source.from_hit(
                    hit,
                    occurrence.start if occurrence else None,
                    occurrence.end if occurrence else None,
                )
            )
        return sources

    def _relevant_occurrence(self, event: Event, u: Understanding) -> Occurrence | None:
        """The showing the user cares about: the first in the window, else the next one."""
        if not event.occurrences:
            return None
        window = u.window
        if window is not None:
            inside = (o for o in event.occurrences if window.overlaps(o.start, o.end))
            return next(inside, event.occurrences[-1])
        start = datetime.combine(u.as_of, clock.min, tzinfo=self.tz)
        return next((o for o in event.occurrences if o.end > start), event.occurrences[-1])

    @staticmethod
    def _understood(u: Understanding) -> Understood:
        place = u.place
        return Understood(
            as_of=u.as_of,
            date_from=u.window.start if u.window else None,
            date_to=u.window.end if u.window else None,
            city=place.name if place and place.kind == "city" else None,
            region=place.name if place and place.kind in ("region", "department") else None,
            language=u.language,
            dates=u.window.label if u.window else None,
            past=u.window.past if u.window else False,
            radius_km=place.radius_km if place else None,
            country=place.name if place and place.kind == "country" else None,
            venue="; ".join(u.venue.names) if u.venue else None,
            excluded=u.excluded or None,
            outside=u.outside.name if u.outside else None,
            max_price=u.max_price,
        )


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
