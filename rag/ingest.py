"""Run the sources, normalize, deduplicate, and keep both the raw and the processed data.

Raw records are kept as fetched (`data/raw/<source>-<UTC timestamp>.json`) so a bug in
normalization never costs a re-download; the processed corpus is replaced atomically so
a crash or Ctrl-C mid-run never leaves `rag build` a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.errors import NoEvents
from rag.http import HttpClient, HttpError
from rag.models import Event, ProgressFn, no_progress
from rag.normalize import SkipRecord, deduplicate, from_processed, normalize_record
from rag.sources import Source, SourceError
from rag.sources.openagenda import OpenAgendaSource
from rag.sources.opendatasoft import OpendatasoftSource

NO_EVENTS = "no events yet: run `rag ingest PATH...` (or `--opendatasoft`) or `rag demo`"


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did; saved as `data/processed/ingest-report.json`."""

    events: int = 0
    skipped: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    per_source: dict[str, int] = field(default_factory=dict)
    raw_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    appended_to: int | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> dict[str, Any]:
        """The `--json` line: the counts a script checks."""
        return {"events": self.events, "skipped": self.skipped, "by_reason": self.by_reason}


def ingest(
    settings: Settings,
    sources: Iterable[Source],
    append: bool = False,
    progress: ProgressFn = no_progress,
) -> IngestReport:
    """Fetch every source, then write the deduplicated corpus (merged when `append`).

    Raises `SourceError` when a source fails or when nothing usable came back; the
    processed corpus is then left as it was.
    """
    started = time.perf_counter()
    tz = ZoneInfo(settings.timezone)
    report = IngestReport()
    reasons: Counter[str] = Counter()
    events: list[Event] = []
    if append and settings.events_file.exists():
        events = load_events(settings)
        report.appended_to = len(events)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for source in sources:
        count = 0
        with _raw_writer(settings.raw_dir, f"{source.name}-{stamp}") as (raw, path):
            try:
                for batch in source.fetch(progress):
                    for record in batch.records:
                        raw.write(record)
                        try:
                            event = normalize_record(batch.kind, record, tz, batch.agenda_uid)
                            events.append(event)
                            count += 1
                        except SkipRecord as skip:
                            reasons[skip.reason] += 1
            except HttpError as exc:
                raise SourceError(f"{source.name}: {exc}") from exc
        report.raw_files.append(str(path))
        report.per_source[source.name] = count
        report.notes.extend(source.notes)
    unique, report.duplicates = deduplicate(events)
    if not unique:
        raise SourceError(
            "no usable events in "
            + (", ".join(report.per_source) or "no source")
            + f" (skipped: {dict(reasons) or 'none'}); the processed corpus was left unchanged"
        )
    progress("write events", 0, len(unique))
    _write_jsonl(settings.events_file, (e.to_dict() for e in unique))
    progress("write events", len(unique), len(unique))
    report.events = len(unique)
    report.skipped = sum(reasons.values())
    report.by_reason = dict(reasons.most_common())
    report.seconds = round(time.perf_counter() - started, 3)
    _atomic_write(
        settings.processed_dir / "ingest-report.json",
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
    )
    return report


def load_events(settings: Settings) -> list[Event]:
    """The processed corpus, in uid order; `NoEvents` says how to make one."""
    path = settings.events_file
    if not path.exists():
        raise NoEvents(f"{NO_EVENTS} (looked for {path})")
    with path.open(encoding="utf-8") as lines:
        return [from_processed(json.loads(line)) for line in lines if line.strip()]


def sources_from_settings(settings: Settings, client: HttpClient | None = None) -> list[Source]:
    """What a scheduled rebuild fetches: configured OpenAgenda agendas, else the
    Opendatasoft selection in OPENDATASOFT_WHERE, else nothing (rebuild from processed)."""
    client = client or HttpClient.from_settings(settings)
    if settings.openagenda_api_key is not None and settings.openagenda_agendas:
        return list(OpenAgendaSource.from_settings(settings, client))
    if settings.opendatasoft_where:
        return [OpendatasoftSource.from_settings(settings, client)]
    return []


class _JsonArrayWriter:
    """Streams records into a JSON array so raw copies of big pulls stay out of memory."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._first = True

    def write(self, record: Any) -> None:
        self._handle.write("[\n" if self._first else ",\n")
        self._first = False
        self._handle.write(json.dumps(record, ensure_ascii=False))

    def close(self) -> None:
        self._handle.write("[]\n" if self._first else "\n]\n")


@contextmanager
def _raw_writer(directory: Path, stem: str) -> Iterator[tuple[_JsonArrayWriter, Path]]:
    """A raw file appears only complete (kept even when a later source fails)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.json"
    suffix = 2
    while path.exists():
        path, suffix = directory / f"{stem}-{suffix}.json", suffix + 1
    with _temp_for(path) as handle:
        writer = _JsonArrayWriter(handle)
        yield writer, path
        writer.close()


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with _temp_for(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    with _temp_for(path) as handle:
        handle.write(text)


@contextmanager
def _temp_for(path: Path) -> Iterator[IO[str]]:
    """Write next to `path`, then `os.replace`: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
