"""Builders for test data: one `make_event` and one `make_settings` for every test module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.embeddings import create_embedder
from rag.engine import Assistant
from rag.generation import create_generator
from rag.index import build_index, load_index
from rag.models import Event, Occurrence

PARIS = ZoneInfo("Europe/Paris")
DAY = date(2026, 11, 28)
"""A Saturday: the default day of a made event."""


def showing(day: date = DAY, hour: int = 15, hours: int = 2) -> Occurrence:
    """One occurrence on `day` at `hour` (Paris time), lasting `hours`."""
    start = datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
    return Occurrence(start, start + timedelta(hours=hours))


def make_event(uid: str = "e1", **fields: Any) -> Event:
    """A complete, plausible event; any field can be overridden by name.

    `days=[date, ...]` (with `hour=`) is a shortcut for one occurrence per day.
    """
    days = fields.pop("days", None)
    hour = fields.pop("hour", 15)
    values: dict[str, Any] = {
        "title": "Contes au jardin",
        "description": "Des histoires lues en plein air.",
        "occurrences": [showing(day, hour) for day in days] if days else [showing(hour=hour)],
        "venue": "Jardin des Plantes",
        "address": "57 rue Cuvier 75005 Paris",
        "city": "Paris",
        "country": "France",
        "url": f"https://openagenda.com/e/{uid}",
    }
    return Event(uid=uid, **(values | fields))


def make_settings(**env: object) -> Settings:
    """Settings from these values only: no `.env` file, aliases as in the environment."""
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def indexed_assistant(data_dir: Path, events: Sequence[Event]) -> Assistant:
    """The assistant over `events`: indexed in `data_dir` with the real default embedder
    and FAISS, answering with the extractive writer."""
    settings = make_settings(RAG_DATA_DIR=data_dir, LLM_PROVIDER="extractive")
    embedder = create_embedder(settings)
    build_index(settings, events, embedder)
    return Assistant(settings, embedder, create_generator(settings), load_index(settings, embedder))
