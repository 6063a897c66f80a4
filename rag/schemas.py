"""The public JSON contract: what `rag ask --json` prints and what the API returns."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rag.models import Hit
from rag.text import truncate


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=4000)


EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
"""Dates the calendar code can compute with (a year 9999 would overflow `+ 1 day`)."""


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=1000)
    k: int | None = Field(
        default=None, ge=1, le=20, description="Events to cite (RAG_TOP_K, 5, if unset)."
    )
    as_of: dt.date | None = None
    city: str | None = Field(default=None, max_length=100)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    history: list[HistoryMessage] = Field(default_factory=list, max_length=20)

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        if not question.strip():
            raise ValueError("the question is blank: ask something, e.g. 'Que faire ce soir ?'")
        return question

    @model_validator(mode="after")
    def _sane_dates(self) -> AskRequest:
        for name in ("as_of", "date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not EARLIEST <= value <= LATEST:
                raise ValueError(f"{name} must be between {EARLIEST} and {LATEST}, not {value}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")
        return self


SNIPPET_CHARS = 280


class Source(BaseModel):
    uid: str
    title: str
    url: str | None
    venue: str | None
    city: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    score: float
    snippet: str

    @classmethod
    def from_hit(cls, hit: Hit, start: dt.datetime | None, end: dt.datetime | None) -> Source:
        """The card of a cited event: the showing [start, end) it is cited for, its passage."""
        event = hit.event
        return cls(
            uid=event.uid,
            title=event.title,
            url=event.url,
            venue=event.venue,
            city=event.city,
            start=start,
            end=end,
            score=hit.score,
            snippet=truncate(hit.passage, SNIPPET_CHARS),
        )


class Understood(BaseModel):
    as_of: dt.date
    date_from: dt.datetime | None
    date_to: dt.datetime | None
    city: str | None
    region: str | None
    language: Literal["fr", "en"] = "fr"  # the question's language, which the answer speaks
    dates: str | None = None  # the window in words, with the school holiday zones if unsure
    past: bool = False  # the window is over: the events found took place already
    radius_km: float | None = None  # "près de X": events within this distance of `city`
    country: str | None = None  # "en Italie", "au Canada"
    venue: str | None = None  # "au Zénith": the corpus's venues it names, "; "-separated
    excluded: str | None = None  # "pas une expo": events named so are left out ("expo")
    outside: str | None = None  # "en dehors de Paris": the events of that place are left out
    max_price: float | None = None  # "moins de 10 €": the most the asker would pay, in euros


class ProviderInfo(BaseModel):
    embedder: str
    generator: str
    fallback: bool


class Timings(BaseModel):
    retrieve: float
    generate: float
    total: float


class AskResponse(BaseModel):
    answer: str
    no_answer: bool
    sources: list[Source]
    understood: Understood
    provider: ProviderInfo
    timings_ms: Timings
