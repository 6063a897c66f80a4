"""Event files on disk, in whatever shape people saved them.

The format is recognised from the content (file names lie): a JSON array (ODS export,
OpenAgenda v2 events, our raw files), an ODS `/records` response (`{"results": [...]}`),
the legacy v1 search (`{"records": [{"fields": ...}]}`), an OpenAgenda `{"events": [...]}`
page, JSON Lines (including our processed `events.jsonl`), or the ODS CSV export.

Files are streamed (ijson events for JSON, line by line for JSON Lines and CSV), so memory
stays bounded by one batch of records whatever the file size. Only regular files are read:
a FIFO, a device or a symlink leading out of the given directory is skipped with the reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rag import jsonstream
from rag.config import DEFAULT_INGEST_MAX_FILE_BYTES
from rag.models import ProgressFn, no_progress
from rag.normalize import detect_kind
from rag.sources import RawBatch, SourceError

EXPECTED = (
    "expected OpenAgenda events: an Opendatasoft export (JSON array, "
    '{"results": [...]}, {"records": [{"fields": ...}]} or CSV), OpenAgenda v2 events, '
    "JSON Lines, or rag's data/processed/events.jsonl"
)
SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")
_CSV_FIELD_LIMIT = 64 * 1024 * 1024
# A JSON Lines record longer than this is junk (a text field is at most 100,000 characters);
# telling JSON Lines from one JSON object reads at most the probe from the first line.
MAX_LINE_CHARS = 16 * 1024 * 1024
_PROBE_CHARS = 4 * 1024 * 1024
BATCH_RECORDS = 1000
_CHUNK = 1 << 20
_CONTAINERS = ("results", "events", "records")
_FILE_TYPES = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(slots=True)
class FileSource:
    """One file; `name` is derived from its stem so raw copies say where they came from.

    `target` is what is opened (the resolved target of an allowed symlink, else `path`,
    opened without following a link); `skipped` says why a file is not read at all."""

    path: Path
    max_bytes: int = DEFAULT_INGEST_MAX_FILE_BYTES
    target: Path | None = None
    skipped: str | None = None
    name: str = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = "file-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", self.path.stem) or "events")

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        if self.skipped:
            self.notes.append(f"skipped {self.path}: {self.skipped}")
            return
        stage = f"read {self.path.name}"
        with _TextFile(self.path, self.target, self.max_bytes) as (handle, counted):
            size = counted.size
            progress(stage, 0, size)
            records = _records(self.path, handle)
            kind = None
            batch: list[Any] = []
            for record in records:
                batch.append(record)
                if len(batch) < BATCH_RECORDS:
                    continue
                kind = kind or self._kind(batch)
                yield RawBatch(kind, batch)
                progress(stage, min(counted.consumed, size), size)
                batch = []
            if kind is None or batch:
                yield RawBatch(kind or self._kind(batch), batch)
            progress(stage, size, size)

    def _kind(self, records: list[Any]) -> Any:
        kind = detect_kind(records)
        if kind is None:
            raise SourceError(f"{self.path}: no event records found; {EXPECTED}")
        return kind


def file_sources(
    paths: list[Path],
    follow_symlinks: bool = False,
    max_bytes: int = DEFAULT_INGEST_MAX_FILE_BYTES,
) -> list[FileSource]:
    """A source per file; a directory stands for the event files directly inside it.

    A path given by name must be a regular file (a one-line `SourceError` otherwise); in a
    directory, entries that are not regular files, over `max_bytes`, or symlinks leading
    out of the directory (unless `follow_symlinks`) become skipped sources with the reason.
    """
    sources: list[FileSource] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            if not found:
                raise SourceError(f"{path}: no {', '.join(SUFFIXES)} files in this directory")
            root = path.resolve()
            sources.extend(_entry(p, root, follow_symlinks, max_bytes) for p in found)
            continue
        if not os.path.lexists(path):
            raise SourceError(f"{path}: no such file or directory")
        problem = _not_readable(path.stat() if path.exists() else None, max_bytes)
        if problem:
            raise SourceError(f"{path}: {problem}; give event files or a directory of them")
        sources.append(FileSource(path, max_bytes, target=path.resolve()))
    return sources


def _entry(path: Path, root: Path, follow_symlinks: bool, max_bytes: int) -> FileSource:
    """A directory entry as a source, or as a skipped one with the reason."""
    if not path.is_symlink():
        problem = _not_readable(path.lstat(), max_bytes)
        return FileSource(path, max_bytes, skipped=problem)
    target = path.resolve()
    if not follow_symlinks and not target.is_relative_to(root):
        reason = "a symlink out of the directory (--follow-symlinks reads it)"
        return FileSource(path, max_bytes, skipped=reason)
    problem = _not_readable(target.stat() if target.exists() else None, max_bytes)
    return FileSource(path, max_bytes, target=target, skipped=problem and f"a symlink to {problem}")


def _not_readable(status: os.stat_result | None, max_bytes: int) -> str | None:
    if status is None:
        return "nothing (a broken symlink)"
    if not stat.S_ISREG(status.st_mode):
        return f"{_FILE_TYPES.get(stat.S_IFMT(status.st_mode), 'not a regular file')}, not a file"
    if status.st_size > max_bytes:
        return f"{status.st_size:,} bytes, over INGEST_MAX_FILE_BYTES ({max_bytes:,})"
    return None


class _Counted(io.RawIOBase):
    """A regular file's bytes, counted, and cut off at `limit` (a file growing while read)."""

    def __init__(self, fd: int, path: Path, limit: int) -> None:
        self._file = os.fdopen(fd, "rb", buffering=0)
        self._path = path
        self._limit = limit
        self.size = os.fstat(fd).st_size
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._file.seek(offset, whence)
        self.consumed = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer) or 0
        self.consumed += count
        if self.consumed > self._limit:
            raise SourceError(
                f"{self._path}: over INGEST_MAX_FILE_BYTES ({self._limit:,} bytes) while read"
            )
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


class _TextFile:
    """The file as text, once it is known to be a regular file, in its detected encoding."""

    def __init__(self, path: Path, target: Path | None, max_bytes: int) -> None:
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO must not block the open
        if target is None:
            target, flags = path, flags | os.O_NOFOLLOW
        try:
            fd = os.open(target, flags)
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read ({exc.strerror})") from exc
        problem = _not_readable(os.fstat(fd), max_bytes)
        if problem:
            os.close(fd)
            raise SourceError(f"{path}: {problem}")
        self.counted = _Counted(fd, path, max_bytes)
        encoding = _encoding(self.counted)
        self.counted.seek(0)
        self.handle = io.TextIOWrapper(
            io.BufferedReader(self.counted, _CHUNK), encoding, errors="replace", newline=""
        )

    def __enter__(self) -> tuple[IO[str], _Counted]:
        return self.handle, self.counted

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def _encoding(raw: _Counted) -> str:
    """UTF-8 (with or without BOM) as exported; cp1252 for files re-saved by spreadsheets.
    Decided on the whole file, a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def read_records(path: Path) -> list[Any]:
    """The records of one file, whatever its container format (small files, tests)."""
    with _TextFile(path, path.resolve(), DEFAULT_INGEST_MAX_FILE_BYTES) as (handle, _):
        return list(_records(path, handle))


def _records(path: Path, handle: IO[str]) -> Iterator[Any]:
    first = _first_char(handle)
    if not first:
        raise SourceError(f"{path}: the file is empty; {EXPECTED}")
    handle.seek(0)
    if first not in "[{":
        return _csv_rows(path, handle)
    if first == "{" and _is_json_lines(handle):
        handle.seek(0)
        return _json_lines(path, handle)
    handle.seek(0)
    return _json_records(path, handle)


def _first_char(handle: IO[str]) -> str:
    while chunk := handle.read(4096):
        stripped = chunk.lstrip()
        if stripped:
            return stripped[0]
    return ""


def _is_json_lines(handle: IO[str]) -> bool:
    """One complete object on the first line and more after it (a pretty-printed object
    does not parse on its first line; a minified one has nothing after it)."""
    line = ""
    while not line.strip():
        line = handle.readline(_PROBE_CHARS)
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    while chunk := handle.read(4096):
        if chunk.strip():
            return True
    return False


def _json_records(path: Path, handle: IO[str]) -> Iterator[Any]:
    """Records from a JSON document, streamed: the top-level array, or the array under
    `results`, `events` or `records`, or a single event object."""
    events = jsonstream.parse(jsonstream.Utf8(handle))
    try:
        event, _ = next(events)
        if event == "start_array":
            yield from jsonstream.items(events, 1)
            return
        top: dict[str, Any] = {}
        streamed = False
        for event, key in events:
            if event == "end_map":
                break
            event, value = next(events)
            if key in _CONTAINERS and event == "start_array":
                streamed = True
                items = jsonstream.items(events, 2)
                yield from (_v1_fields(item) for item in items) if key == "records" else items
            else:
                top[key] = jsonstream.build(events, event, value, 1)
    except jsonstream.JSONError as exc:
        raise SourceError(f"{path}: invalid JSON ({jsonstream.first_line(exc)})") from exc
    except jsonstream.JsonStreamError as exc:
        raise SourceError(f"{path}: {exc}; {EXPECTED}") from exc
    if not streamed:
        if "uid" not in top:
            raise SourceError(f"{path}: JSON without event records; {EXPECTED}")
        yield top


def _v1_fields(item: Any) -> Any:
    if isinstance(item, dict):
        item = item.get("record", item)
        if isinstance(item, dict) and isinstance(item.get("fields"), dict):
            return item["fields"]
    return item


def _json_lines(path: Path, handle: IO[str]) -> Iterator[Any]:
    """One record per line; a broken (or overlong) line becomes a non-object that normalize
    counts; a line nested too deep is an error naming the file and the line."""
    number = 0
    while line := handle.readline(MAX_LINE_CHARS):
        number += 1
        if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := handle.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            yield "overlong line"
            continue
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except RecursionError as exc:
            raise SourceError(f"{path}: line {number} is JSON nested too deep; {EXPECTED}") from exc
        except json.JSONDecodeError:
            yield line


def _csv_rows(path: Path, handle: IO[str]) -> Iterator[Any]:
    """ODS CSV export: `;`-separated with a header of field names; empty cells are None."""
    header = ""
    while not header.strip():
        header = handle.readline(MAX_LINE_CHARS)
    delimiter = max(";,\t", key=header.count)
    columns = [c.strip() for c in next(csv.reader([header], delimiter=delimiter))]
    if "uid" not in columns:
        raise SourceError(f"{path}: not JSON, and not a CSV with a `uid` column; {EXPECTED}")
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.DictReader(handle, fieldnames=columns, delimiter=delimiter)
    for row in reader:
        yield {k: (v if v != "" else None) for k, v in row.items() if k}
