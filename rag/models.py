"""The internal data model: plain dataclasses shared by every stage of the pipeline.

Pydantic models live at the boundaries (`rag.schemas`); inside, events and passages are
dataclasses so that indexing 100k of them stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

ProgressFn = Callable[[str, int, int], None]
"""Progress callback for long work: (stage, done, total), e.g. ("embed", 120, 2048).

The CLI turns it into a progress bar; the API into a rebuild job status."""


def no_progress(stage: str, done: int, total: int) -> None:
    """The default when nobody watches."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated showing of an event; both ends are timezone-aware."""

    start: datetime
    end: datetime


@dataclass(slots=True)
class Event:
    """A normalized OpenAgenda event, whatever source it came from."""

    uid: str
    title: str
    description: str = ""
    long_description: str = ""
    keywords: list[str] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    date_label: str | None = None
    venue: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    insee: str | None = None  # INSEE commune code: department when the record lacks it
    department: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    age_min: int | None = None
    age_max: int | None = None
    accessibility: list[str] = field(default_factory=list)  # OpenAgenda codes: mi hi vi ii pi
    conditions: str | None = None
    registration: list[str] = field(default_factory=list)
    url: str | None = None
    image: str | None = None
    agenda_uid: str | None = None
    agenda_title: str | None = None
    status: str | None = None
    attendance_mode: str | None = None
    updated_at: datetime | None = None

    @property
    def start(self) -> datetime | None:
        return self.occurrences[0].start if self.occurrences else None

    @property
    def end(self) -> datetime | None:
        return max(o.end for o in self.occurrences) if self.occurrences else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (ISO-8601 datetimes); the format of `data/processed/`."""
        data = {name: getattr(self, name) for name in _EVENT_FIELDS}
        data["keywords"] = list(self.keywords)
        data["registration"] = list(self.registration)
        data["accessibility"] = list(self.accessibility)
        data["occurrences"] = [
            {"start": o.start.isoformat(), "end": o.end.isoformat()} for o in self.occurrences
        ]
        data["updated_at"] = self.updated_at.isoformat() if self.updated_at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        values = dict(data)
        values["occurrences"] = [
            Occurrence(datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"]))
            for o in data.get("occurrences") or []
        ]
        updated = data.get("updated_at")
        values["updated_at"] = datetime.fromisoformat(updated) if updated else None
        return cls(**values)


_EVENT_FIELDS = tuple(f.name for f in fields(Event))


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of text to embed and search; always points back to its event."""

    event_uid: str
    kind: str  # "header" or "description"
    text: str


@dataclass(slots=True)
class Hit:
    """One retrieved event with the passage that matched it best."""

    event: Event
    score: float
    passage: str


@dataclass(slots=True)
class Message:
    """A previous turn of the conversation, for follow-up questions."""

    role: str
    content: str
