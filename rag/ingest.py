"""Run the sources, normalize, deduplicate, and keep both the raw and the processed data.

Raw records are kept as fetched (`data/raw/<source>-<UTC timestamp>.json`, the last
RAW_KEEP per source) so a bug in normalization never costs a re-download; every file is
written to a temporary name and renamed, so a crash, Ctrl-C or SIGKILL mid-run never
leaves `rag build` a half-written file (and the next run removes what a killed one left).
Normalized events wait in an anonymous temporary file, not in memory, so a big export
costs disk, not RAM.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.errors import NoEvents
from rag.http import HttpClient, HttpError
from rag.models import Event, ProgressFn, no_progress
from rag.normalize import Dropped, Latest, SkipRecord, from_processed, normalize_record
from rag.sources import Source, SourceError
from rag.sources.files import FileSource, file_sources
from rag.sources.openagenda import OpenAgendaSource
from rag.sources.opendatasoft import OpendatasoftSource

NO_EVENTS = "no events yet: run `rag ingest PATH...` (or `--opendatasoft`) or `rag demo`"
TEMP_SUFFIX = ".tmp"
# A temporary file younger than this may still be between its creation and its lock.
_ORPHAN_AGE_S = 5.0


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did; saved as `data/processed/ingest-report.json`."""

    events: int = 0
    skipped: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    per_source: dict[str, int] = field(default_factory=dict)
    files_skipped: dict[str, str] = field(default_factory=dict)
    links_dropped: dict[str, int] = field(default_factory=dict)
    raw_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    appended_to: int | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> dict[str, Any]:
        """The `--json` line: the counts a script checks (skipped files and dropped links
        when there were any)."""
        summary: dict[str, Any] = {
            "events": self.events,
            "skipped": self.skipped,
            "by_reason": self.by_reason,
        }
        if self.files_skipped:
            summary["files_skipped"] = self.files_skipped
        if self.links_dropped:
            summary["links_dropped"] = self.links_dropped
        return summary


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
    dropped: Dropped = Counter()
    for directory in (settings.raw_dir, settings.processed_dir):
        remove_orphans(directory)
    with _Spool(settings.processed_dir) as spool:
        if append and settings.events_file.exists():
            report.appended_to = 0
            for event in iter_events(settings):
                spool.add(event)
                report.appended_to += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for source in sources:
            if isinstance(source, FileSource) and source.skipped:
                report.files_skipped[str(source.path)] = source.skipped
                continue
            count = 0
            with _raw_writer(settings.raw_dir, f"{source.name}-{stamp}") as (raw, path):
                try:
                    for batch in source.fetch(progress):
                        for record in batch.records:
                            raw.write(record)
                            try:
                                event = normalize_record(
                                    batch.kind, record, tz, batch.agenda_uid, dropped
                                )
                            except SkipRecord as skip:
                                reasons[skip.reason] += 1
                                continue
                            spool.add(event)
                            count += 1
                except HttpError as exc:
                    raise SourceError(f"{source.name}: {exc}") from exc
            prune_raw(settings.raw_dir, source.name, settings.raw_keep)
            report.raw_files.append(str(path))
            report.per_source[source.name] = count
            report.notes.extend(source.notes)
        report.duplicates = spool.latest.dropped
        if not len(spool.latest):
            files = f"; files skipped: {report.files_skipped}" if report.files_skipped else ""
            raise SourceError(
                "no usable events in "
                + (", ".join(report.per_source) or "no source")
                + f" (skipped: {dict(reasons) or 'none'}{files}); "
                "the processed corpus was left unchanged"
            )
        report.events = len(spool.latest)
        progress("write events", 0, report.events)
        with _temp_for(settings.events_file) as handle:
            for line in spool.lines():
                handle.write(line)
        progress("write events", report.events, report.events)
    report.skipped = sum(reasons.values())
    report.by_reason = dict(reasons.most_common())
    report.links_dropped = dict(dropped.most_common())
    report.seconds = round(time.perf_counter() - started, 3)
    _atomic_write(
        settings.processed_dir / "ingest-report.json",
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
    )
    return report


def load_events(settings: Settings) -> list[Event]:
    """The processed corpus, in uid order; `NoEvents` says how to make one."""
    return list(iter_events(settings))


def iter_events(settings: Settings) -> Iterator[Event]:
    """The processed corpus one event at a time (`NoEvents` says how to make one)."""
    path = settings.events_file
    if not path.exists():
        raise NoEvents(f"{NO_EVENTS} (looked for {path})")
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield from_processed(json.loads(line))


def remove_orphans(directory: Path) -> list[Path]:
    """Delete temporary files that no running writer holds (a killed ingest's leftovers)."""
    removed = []
    for temp in directory.glob(f".*{TEMP_SUFFIX}") if directory.is_dir() else ():
        try:
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if time.time() - os.fstat(fd).st_mtime < _ORPHAN_AGE_S:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a writer still holds it
        else:
            temp.unlink(missing_ok=True)
            removed.append(temp)
        finally:
            os.close(fd)
    return removed


def prune_raw(directory: Path, source_name: str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest raw pulls of one source."""
    pattern = re.compile(re.escape(source_name) + r"-(\d{8}T\d{6}Z)(?:-(\d+))?\.json")
    pulls = []
    for path in directory.iterdir():
        found = pattern.fullmatch(path.name)
        if found:
            pulls.append(((found[1], int(found[2] or 1)), path))
    old = [path for _, path in sorted(pulls)[:-keep]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """What `rag ingest` was asked to read: files, an Opendatasoft query, OpenAgenda agendas.

    With `openagenda`, `paths` are agenda UIDs (none: OPENAGENDA_AGENDAS)."""

    paths: list[Path] = field(default_factory=list)
    follow_symlinks: bool = False
    opendatasoft: bool = False
    where: str | None = None
    refine: tuple[str, ...] = ()
    limit: int | None = None
    export: bool = False
    openagenda: bool = False
    since: date | None = None
    until: date | None = None


def sources_from_options(settings: Settings, options: SourceOptions) -> list[Source]:
    """The sources of one `rag ingest` run, in the order they are read."""
    client = HttpClient.from_settings(settings)
    files = [] if options.openagenda else options.paths
    sources: list[Source] = list(
        file_sources(files, options.follow_symlinks, settings.ingest_max_file_bytes)
    )
    if options.opendatasoft:
        sources.append(
            OpendatasoftSource.from_settings(
                settings, client, options.where, options.refine, options.limit, options.export
            )
        )
    if options.openagenda:
        agendas = [str(p) for p in options.paths]
        sources.extend(
            OpenAgendaSource.from_settings(settings, client, agendas, options.since, options.until)
        )
    return sources


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


class _Spool:
    """Normalized events in an anonymous temporary file (gone even after a SIGKILL), with
    only uid, update time and offset in memory; `lines` gives the winners in uid order."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed on exit)
        self.latest: Latest[int] = Latest()

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def add(self, event: Event) -> None:
        offset = self._file.tell()
        self._file.write(json.dumps(event.to_dict(), ensure_ascii=False).encode() + b"\n")
        self.latest.add(event, offset)

    def lines(self) -> Iterator[str]:
        for offset in self.latest.items():
            self._file.seek(offset)
            yield self._file.readline().decode()


def _atomic_write(path: Path, text: str) -> None:
    with _temp_for(path) as handle:
        handle.write(text)


@contextmanager
def _temp_for(path: Path) -> Iterator[IO[str]]:
    """Write next to `path`, then `os.replace`: readers see the old file or the new one.
    The temporary file stays locked until renamed, which is how `remove_orphans` tells a
    killed writer's leftovers from a file being written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
