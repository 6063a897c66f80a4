"""The way this assistant is usually built, to measure rag-events against.

Each event's text is cut into 800-character chunks overlapping by 100, embedded with the
same model as rag-events, and searched with FAISS for the 5 nearest chunks; their events,
in chunk order and without repeats, are the sources. No date or place is read from the
question and it never refuses. `BaselinePipeline.ask` has the `AskRequest -> AskResponse`
shape of `Assistant.ask`, so `rag.evaluation.evaluate` scores both the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date

import faiss
import numpy as np

from rag.embeddings import Embedder
from rag.models import Event, Hit, ProgressFn, no_progress
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from rag.text import normalize_space

CHUNK_SIZE = 800
CHUNK_OVERLAP = 100
TOP_CHUNKS = 5
BATCH = 64


def event_text(event: Event) -> str:
    """Every field a typical pipeline pastes into the document, dates as the source wrote them."""
    parts = [
        event.title,
        event.date_label,
        ", ".join(p for p in (event.venue, event.address, event.city) if p),
        ", ".join(event.keywords),
        event.description,
        event.long_description,
    ]
    return normalize_space("\n".join(p for p in parts if p))


def chunk_text(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Fixed windows of `size` characters, each starting `size - overlap` after the last."""
    if not text:
        return []
    step = size - overlap
    starts = range(0, max(len(text) - overlap, 1), step)
    return [text[start : start + size] for start in starts]


class BaselinePipeline:
    def __init__(self, events: Sequence[Event], embedder: Embedder) -> None:
        self.events = list(events)
        self.embedder = embedder
        self.chunks: list[str] = []
        self.chunk_event: list[int] = []
        self.index = faiss.IndexFlatIP(embedder.dimension)

    @classmethod
    def build(
        cls,
        events: Sequence[Event],
        embedder: Embedder,
        progress: ProgressFn = no_progress,
    ) -> BaselinePipeline:
        pipeline = cls(events, embedder)
        for pos, event in enumerate(pipeline.events):
            for chunk in chunk_text(event_text(event)):
                pipeline.chunks.append(chunk)
                pipeline.chunk_event.append(pos)
        total = len(pipeline.chunks)
        for start in range(0, total, BATCH):
            pipeline.index.add(embedder.embed_passages(pipeline.chunks[start : start + BATCH]))
            progress("baseline embed", min(start + BATCH, total), total)
        return pipeline

    def ask(self, request: AskRequest) -> AskResponse:
        started = time.perf_counter()
        query = self.embedder.embed_query(request.question).reshape(1, -1)
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32), TOP_CHUNKS)
        sources: dict[int, Source] = {}
        for row, score in zip(ids[0], scores[0], strict=True):
            pos = self.chunk_event[row] if row >= 0 else -1
            if pos >= 0 and pos not in sources and len(sources) < (request.k or TOP_CHUNKS):
                event = self.events[pos]
                hit = Hit(event, round(float(score), 4), self.chunks[row])
                sources[pos] = Source.from_hit(hit, event.start, event.end)
        retrieve_ms = (time.perf_counter() - started) * 1000
        titles = "; ".join(s.title for s in sources.values())
        return AskResponse(
            answer=f"Voici des événements qui pourraient vous intéresser : {titles}.",
            no_answer=False,
            sources=list(sources.values()),
            understood=Understood(
                as_of=request.as_of or date.today(),
                date_from=None,
                date_to=None,
                city=None,
                region=None,
            ),
            provider=ProviderInfo(embedder=self.embedder.id, generator="baseline", fallback=False),
            timings_ms=Timings(
                retrieve=round(retrieve_ms, 2), generate=0.0, total=round(retrieve_ms, 2)
            ),
        )
