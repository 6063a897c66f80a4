"""Every file shape people save OpenAgenda data in, recognised by content: on the demo files
(tests/corpus.py) and on the real shared files when present."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.ingest import ingest
from rag.normalize import from_ods_record
from rag.sources import SourceError
from rag.sources.files import FileSource, file_sources, read_records
from tests.corpus import FILE_SIZES
from tests.fakes.openagenda_server import to_openagenda_event


@pytest.fixture(scope="module")
def records(corpus_files: list[Path]) -> list[dict[str, Any]]:
    """The 100 records of the first file (flattened coordinates) plus up to 50 of the
    second (a v2.1 response, nested coordinates)."""
    return read_records(corpus_files[0]) + read_records(corpus_files[1])[:50]


def _fetch(path: Path) -> tuple[str, list[Any]]:
    [batch] = list(FileSource(path).fetch())
    return batch.kind, batch.records


def test_shared_files_in_their_three_shapes(shared_files: list[Path]) -> None:
    counts = {p.name: len(_fetch(p)[1]) for p in shared_files}
    assert sorted(counts.values()) == [100, 400, 500]
    assert {_fetch(p)[0] for p in shared_files} == {"ods"}


def test_demo_files_in_their_three_shapes(demo_files: list[Path]) -> None:
    assert {p.name: len(_fetch(p)[1]) for p in demo_files} == FILE_SIZES
    assert {_fetch(p)[0] for p in demo_files} == {"ods"}


def test_ods_v1_and_v2_0_responses(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    v1 = tmp_path / "v1.json"
    v1.write_text(
        json.dumps({"nhits": 150, "records": [{"recordid": "x", "fields": r} for r in records]})
    )
    v20 = tmp_path / "v20.json"
    v20.write_text(json.dumps({"records": [{"record": {"fields": r}} for r in records]}))
    for path in (v1, v20):
        kind, found = _fetch(path)
        assert kind == "ods" and [r["uid"] for r in found] == [r["uid"] for r in records]


def test_json_lines_with_a_broken_line(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "events.ndjson"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(3, '{"uid": "broken", ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kind, found = _fetch(path)
    assert kind == "ods" and len(found) == len(records) + 1
    assert sum(isinstance(r, dict) for r in found) == len(records)


def test_ods_csv_export(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    """As ODS exports it: `;` between fields, lists joined, coordinates as "lat, lon"."""
    path = tmp_path / "export.csv"
    columns = [c for c in records[-1] if c != "location_coordinates.lat"]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        for record in records:
            row = {k: "" if v is None else v for k, v in record.items()}
            row["keywords_fr"] = ",".join(record.get("keywords_fr") or [])
            coordinates = record.get("location_coordinates") or {}
            if coordinates:
                row["location_coordinates"] = f"{coordinates['lat']}, {coordinates['lon']}"
            writer.writerow(row)
    kind, rows = _fetch(path)
    assert kind == "ods" and len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        from_csv, original = from_ods_record(row), from_ods_record(record)
        assert from_csv.keywords == original.keywords
        assert from_csv.occurrences == original.occurrences
        assert from_csv.long_description == original.long_description
        assert from_csv.age_min == original.age_min
        if record.get("location_coordinates"):
            assert (from_csv.latitude, from_csv.longitude) == (
                original.latitude,
                original.longitude,
            )


def test_openagenda_v2_pages_and_arrays(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    events = [to_openagenda_event(r) for r in records[:10]]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"total": 10, "events": events, "after": None}))
    array = tmp_path / "raw.json"
    array.write_text(json.dumps(events))
    assert _fetch(page) == ("openagenda", events)
    assert _fetch(array) == ("openagenda", events)


def test_windows_1252_file_is_read(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(json.dumps([records[0]], ensure_ascii=False).encode("cp1252", "replace"))
    [record] = _fetch(path)[1]
    assert record["description_fr"] == records[0]["description_fr"]
    assert any(ord(c) > 127 for c in record["description_fr"])  # an accent survived


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"type": "FeatureCollection", "features": []}', "JSON without event records"),
        ('[{"name": "Alice", "age": 31}]', "no event records found"),
        ("name,age\nAlice,31\n", "not a CSV with a `uid` column"),
        ("", "the file is empty"),
        ('[{"uid": "1", "title_fr": ', "invalid JSON"),
    ],
)
def test_non_event_files_are_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "people.json"
    path.write_text(content)
    with pytest.raises(SourceError) as caught:
        _fetch(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)
    if expected != "invalid JSON":
        assert "expected OpenAgenda events" in str(caught.value)


def test_directories_expand_and_missing_paths_fail(
    tmp_path: Path, corpus_files: list[Path]
) -> None:
    names = [s.name for s in file_sources([corpus_files[0].parent])]
    assert names == [f"file-{p.stem}" for p in corpus_files]
    with pytest.raises(SourceError, match="no such file"):
        file_sources([tmp_path / "nope.json"])


# -- only regular files, streamed, nothing deep ------------------------------------------------


@pytest.fixture
def hostile_dir(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    """A directory with one good export and everything a careless reader would choke on."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(records[:5]))
    (folder / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.json")
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps(records[5:7]))
    (folder / "escape.json").symlink_to(outside)
    (folder / "inside.json").symlink_to(folder / "good.json")
    (folder / "sub.json").mkdir()
    return folder


def test_a_directory_reads_regular_files_only_and_says_why_it_skipped_the_rest(
    hostile_dir: Path, data_dir: Path
) -> None:
    sources = {s.path.name: s for s in file_sources([hostile_dir])}
    assert {name: s.skipped for name, s in sources.items()} == {
        "escape.json": "a symlink out of the directory (--follow-symlinks reads it)",
        "fifo.json": "a FIFO, not a file",
        "good.json": None,
        "inside.json": None,
        "sub.json": "a directory, not a file",
        "zero.json": "a symlink out of the directory (--follow-symlinks reads it)",
    }
    report = ingest(Settings(), list(sources.values()))
    assert report.events == 5 and report.duplicates == 5  # inside.json is good.json again
    assert set(report.files_skipped) == {
        str(hostile_dir / n) for n in ("escape.json", "fifo.json", "sub.json", "zero.json")
    }

    followed = {s.path.name: s.skipped for s in file_sources([hostile_dir], follow_symlinks=True)}
    assert followed["escape.json"] is None
    assert followed["zero.json"] == "a symlink to a character device, not a file"
    assert ingest(Settings(), file_sources([hostile_dir], follow_symlinks=True)).events == 7


@pytest.mark.parametrize("name", ["fifo.json", "zero.json"])
def test_a_non_regular_file_named_on_the_command_line_is_a_one_line_error(
    hostile_dir: Path, name: str
) -> None:
    with pytest.raises(SourceError) as caught:
        file_sources([hostile_dir / name])
    message = str(caught.value)
    assert "\n" not in message and str(hostile_dir / name) in message
    assert "not a file" in message


def test_files_over_the_size_cap_are_skipped(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "export.json").write_text(json.dumps(records))
    [source] = file_sources([folder], max_bytes=1000)
    assert source.skipped is not None and "INGEST_MAX_FILE_BYTES" in source.skipped
    with pytest.raises(SourceError, match="over INGEST_MAX_FILE_BYTES"):
        file_sources([folder / "export.json"], max_bytes=1000)


DEEP = 100_000


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("array.json", "[" * DEEP + "]" * DEEP),
        ("records.json", '{"results": [' + '{"a": ' * DEEP + "1" + "}" * DEEP + "]}"),
        ("object.json", '{"uid": "1", "x": ' + "[" * DEEP + "]" * DEEP + "}"),
        ("lines.jsonl", '{"uid": "1"}\n{"a": ' + "[" * DEEP + "]" * DEEP + "}\n"),
    ],
)
def test_deeply_nested_json_is_a_one_line_error_naming_the_file(
    tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceError) as caught:
        list(FileSource(path).fetch())
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)) and "nested" in message


def test_a_big_file_is_read_in_batches(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "export.json"
    many = [{**records[i % len(records)], "uid": str(i)} for i in range(2500)]
    path.write_text(json.dumps(many))
    batches = list(FileSource(path).fetch())
    assert [len(b.records) for b in batches] == [1000, 1000, 500]
    assert [r["uid"] for b in batches for r in b.records] == [str(i) for i in range(2500)]


def test_the_cli_lists_skipped_files(hostile_dir: Path, data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(hostile_dir), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["events"] == 5
    assert summary["files_skipped"][str(hostile_dir / "fifo.json")] == "a FIFO, not a file"
