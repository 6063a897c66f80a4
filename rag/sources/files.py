"""Event files on disk, in whatever shape people saved them.

The format is recognised from the content (file names lie): a JSON array (ODS export,
OpenAgenda v2 events, our raw files), an ODS `/records` response (`{"results": [...]}`),
the legacy v1 search (`{"records": [{"fields": ...}]}`), an OpenAgenda `{"events": [...]}`
page, JSON Lines (including our processed `events.jsonl`), or the ODS CSV export.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(slots=True)
class FileSource:
    """One file; `name` is derived from its stem so raw copies say where they came from."""

    path: Path
    name: str = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = "file-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", self.path.stem) or "events")

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        progress(f"read {self.path.name}", 0, 1)
        records = read_records(self.path)
        kind = detect_kind(records)
        if kind is None:
            raise SourceError(f"{self.path}: no event records found; {EXPECTED}")
        progress(f"read {self.path.name}", 1, 1)
        yield RawBatch(kind, records)


def file_sources(paths: list[Path]) -> list[FileSource]:
    """A source per file; a directory stands for the event files directly inside it."""
    sources: list[FileSource] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            if not found:
                raise SourceError(f"{path}: no {', '.join(SUFFIXES)} files in this directory")
            sources.extend(FileSource(p) for p in found)
        elif path.is_file():
            sources.append(FileSource(path))
        else:
            raise SourceError(f"{path}: no such file or directory")
    return sources


def read_records(path: Path) -> list[Any]:
    """The records of one file, whatever its container format."""
    text = _decode(path)
    stripped = text.lstrip()
    if not stripped:
        raise SourceError(f"{path}: the file is empty; {EXPECTED}")
    if stripped[0] in "[{":
        try:
            return _unwrap(path, json.loads(stripped))
        except json.JSONDecodeError as exc:
            if stripped[0] == "{" and exc.msg == "Extra data":
                return _json_lines(stripped)
            raise SourceError(f"{path}: invalid JSON at line {exc.lineno} ({exc.msg})") from exc
    return _csv_rows(path, text)


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM) as exported; cp1252 for files re-saved by spreadsheets."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _unwrap(path: Path, data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("results", "events"):
            if isinstance(data.get(key), list):
                return data[key]
        if isinstance(data.get("records"), list):
            # v1 search: {"fields": {...}}; v2.0: {"record": {"fields": {...}}}
            return [_v1_fields(item) for item in data["records"]]
        if "uid" in data:
            return [data]
    raise SourceError(f"{path}: JSON without event records; {EXPECTED}")


def _v1_fields(item: Any) -> Any:
    if isinstance(item, dict):
        item = item.get("record", item)
        if isinstance(item, dict) and isinstance(item.get("fields"), dict):
            return item["fields"]
    return item


def _json_lines(text: str) -> list[Any]:
    """One record per line; a broken line becomes a non-object that normalize counts."""
    records: list[Any] = []
    for line in text.split("\n"):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                records.append(line)
    return records


def _csv_rows(path: Path, text: str) -> list[Any]:
    """ODS CSV export: `;`-separated with a header of field names; empty cells are None."""
    header = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=header.count)
    columns = [c.strip().strip('"') for c in header.split(delimiter)]
    if "uid" not in columns:
        raise SourceError(f"{path}: not JSON, and not a CSV with a `uid` column; {EXPECTED}")
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.DictReader(io.StringIO(text.lstrip()), delimiter=delimiter)
    return [{k: (v if v != "" else None) for k, v in row.items() if k} for row in reader]
