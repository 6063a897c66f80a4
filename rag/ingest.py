"""Run the sources, normalize, deduplicate, and keep both the raw and the processed data.

Raw records are kept as fetched (`data/raw/<source>-<UTC timestamp>.json`) so a bug in
normalization never costs a re-download; the processed corpus is replaced atomically so
a crash or Ctrl-C mid-run never leaves `rag build` a half-written file.

Memory stays bounded whatever the size of the pull (the whole OpenAgenda export is ~913,000
events): records are normalized batch by batch and spooled to disk at once; only each uid
and where its newest version lies are kept (~250 bytes an event) until the sorted,
deduplicated corpus is written.
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
from rag.http import HttpClient, HttpError
from rag.models import Event, ProgressFn, no_progress
from rag.normalize import SkipRecord, from_processed, normalize_record, updated_key
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
    settings.processed_dir.mkdir(parents=True, exist_ok=True)
    with _Spool(settings.processed_dir) as spool:
        if append and settings.events_file.exists():
            for event in _read_events(settings.events_file):
                spool.add(event)
            report.appended_to = spool.added
        _run_sources(settings, sources, tz, spool, reasons, report, progress)
        report.duplicates = spool.added - len(spool)
        if not len(spool):
            raise SourceError(
                "no usable events in "
                + (", ".join(report.per_source) or "no source")
                + f" (skipped: {dict(reasons) or 'none'}); the processed corpus was left unchanged"
            )
        progress("write events", 0, len(spool))
        with _temp_for(settings.events_file) as handle:
            for line in spool.lines():
                handle.write(line)
        progress("write events", len(spool), len(spool))
        report.events = len(spool)
    report.skipped = sum(reasons.values())
    report.by_reason = dict(reasons.most_common())
    report.seconds = round(time.perf_counter() - started, 3)
    _atomic_write(
        settings.processed_dir / "ingest-report.json",
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
    )
    return report


def _run_sources(
    settings: Settings,
    sources: Iterable[Source],
    tz: ZoneInfo,
    spool: _Spool,
    reasons: Counter[str],
    report: IngestReport,
    progress: ProgressFn,
) -> None:
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
                            spool.add(event)
                            count += 1
                        except SkipRecord as skip:
                            reasons[skip.reason] += 1
            except HttpError as exc:
                raise SourceError(f"{source.name}: {exc}") from exc
        report.raw_files.append(str(path))
        report.per_source[source.name] = count
        report.notes.extend(source.notes)


def load_events(settings: Settings) -> list[Event]:
    """The processed corpus, in uid order; FileNotFoundError says how to make one."""
    path = settings.events_file
    if not path.exists():
        raise FileNotFoundError(f"{NO_EVENTS} (looked for {path})")
    return list(_read_events(path))


def _read_events(path: Path) -> Iterator[Event]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield from_processed(json.loads(line))


class _Spool:
    """Normalized events in a temporary file beside the corpus, deduplicated by uid like
    `rag.normalize.deduplicate` (newest `updated_at` wins, the later one on a tie) while
    memory holds only uid -> (its key, where its line is)."""

    def __init__(self, directory: Path) -> None:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".ingest-", suffix=".spool")
        self._path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._best: dict[str, tuple[float, int]] = {}
        self._end = 0
        self.added = 0

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
        self._path.unlink(missing_ok=True)

    def __len__(self) -> int:
        return len(self._best)

    def add(self, event: Event) -> None:
        self.added += 1
        key = updated_key(event)
        current = self._best.get(event.uid)
        if current is not None and key < current[0]:
            return
        line = (json.dumps(event.to_dict(), ensure_ascii=False) + "\n").encode()
        self._file.seek(self._end)
        self._file.write(line)
        self._best[event.uid] = (key, self._end)
        self._end += len(line)

    def lines(self) -> Iterator[str]:
        """The winning lines, in uid order."""
        self._file.flush()
        for uid in sorted(self._best):
            self._file.seek(self._best[uid][1])
            yield self._file.readline().decode("utf-8")


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
