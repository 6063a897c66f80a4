"""API-only response models: health, readiness, rebuild jobs, errors.

The question/answer contract itself is `rag.schemas` (shared with `rag ask --json`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rag.rebuild import JobState
from rag.schemas import AskRequest


class ErrorResponse(BaseModel):
    detail: str = Field(description="What went wrong and what to do about it.")


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class AgendaCount(BaseModel):
    title: str
    events: int


class CorpusInfo(BaseModel):
    """What the served index holds, so that a client can say it."""

    demo_events: int = Field(description="Events of the generated demo corpus (`rag demo`).")
    agendas: int = Field(description="Distinct agendas among the other (ingested) events.")
    top_agendas: list[AgendaCount] = Field(description="The largest of those agendas.")


class ReadyResponse(BaseModel):
    ready: bool
    reason: str | None = Field(description="Why answers cannot be served yet (503 only).")
    version: str | None = Field(description="Active index version (data/indexes/CURRENT).")
    events: int
    passages: int
    embedder: str
    generator: str
    created_at: str | None = Field(description="When the active index was built.")
    rebuilding: bool = Field(description="A rebuild job is running in this process.")
    corpus: CorpusInfo | None = Field(description="What the index holds (null before one).")


class RebuildJobResponse(BaseModel):
    id: str
    state: JobState
    stage: str | None = Field(description="Current step, e.g. 'ingest', 'embed'.")
    done: int
    total: int
    rate: float | None = Field(
        default=None, description="Passages (or events) per second of the current stage."
    )
    eta_s: float | None = Field(
        default=None, description="Seconds the current stage still needs at that rate."
    )
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_s: float | None
    result: dict[str, Any] | None = Field(description="The build report once succeeded.")
    error: str | None

    @field_validator("rate", "eta_s")
    @classmethod
    def _two_decimals(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 2)


class RebuildAccepted(BaseModel):
    id: str
    state: JobState
    status_url: str = Field(description="Poll this for progress: GET /rebuild/{id}.")


class AskBody(AskRequest):
    """`AskRequest` as the API takes it from strangers: strict JSON types (no `"k": "5"`, no
    dates as numbers), so that bad input is a 422, never a silent guess."""

    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(
        min_length=1,
        max_length=1000,
        description="The question, in French; not only spaces.",
        json_schema_extra={"pattern": r"\S"},
    )

    as_of: dt.date | None = Field(default=None, strict=False)
    date_from: dt.date | None = Field(default=None, strict=False)
    date_to: dt.date | None = Field(default=None, strict=False)

    @field_validator("as_of", "date_from", "date_to", mode="before")
    @classmethod
    def _iso_text(cls, value: object) -> object:
        if value is not None and not isinstance(value, str | dt.date):
            raise ValueError("dates are strings in the form YYYY-MM-DD")
        return value
