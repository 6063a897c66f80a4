"""Where events come from: local files, Opendatasoft, OpenAgenda.

A source only fetches; it yields raw records tagged with the normalizer that fits them,
so adding a source is one new file with one class that has `name`, `notes` and `fetch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from rag.errors import RagError
from rag.models import ProgressFn, no_progress
from rag.normalize import RecordKind


class SourceError(RagError):
    """A source cannot deliver events (unreadable file, refused key, unreachable API)."""

    prefix = "Ingest failed: "


@dataclass(slots=True)
class RawBatch:
    """Records as fetched, in one shape; `agenda_uid` says which agenda they were read from."""

    kind: RecordKind
    records: list[Any]
    agenda_uid: str | None = None


class Source(Protocol):
    name: str
    """Short, file-name-safe id: names the raw file and the report's per-source count."""
    notes: list[str]
    """What the user should know after a run, e.g. that a selection was cut short."""

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]: ...
