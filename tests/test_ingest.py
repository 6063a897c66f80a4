"""`rag ingest` on the demo files (tests/corpus.py) and on the real shared files when present:
counts, storage layout, append, hostile data."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.errors import NoEvents
from rag.http import HttpClient
from rag.ingest import ingest, load_events, sources_from_settings
from rag.sources import SourceError
from rag.sources.files import file_sources, read_records
from rag.sources.openagenda import OpenAgendaSource
from rag.sources.opendatasoft import OpendatasoftSource
from tests.corpus import FILE_SIZES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records(corpus_files: list[Path]) -> list[dict[str, Any]]:
    return [r for path in corpus_files for r in read_records(path)]


def test_the_three_demo_files_give_150_events(data_dir: Path, demo_files: list[Path]) -> None:
    settings = Settings()
    stages: list[str] = []
    report = ingest(settings, file_sources(demo_files), progress=lambda s, d, t: stages.append(s))
    assert (report.events, report.skipped, report.duplicates) == (150, 0, 0)
    assert report.per_source == {f"file-{Path(n).stem}": c for n, c in FILE_SIZES.items()}
    assert "write events" in stages
    uids = [json.loads(line)["uid"] for line in settings.events_file.open(encoding="utf-8")]
    assert len(uids) == 150 and uids == sorted(uids)
    assert len(list(settings.raw_dir.glob("file-*.json"))) == 3
    saved = json.loads((settings.processed_dir / "ingest-report.json").read_text())
    assert saved["events"] == 150 and saved["per_source"] == report.per_source
    events = load_events(settings)
    assert all(e.occurrences and e.title and e.date_label and e.latitude for e in events)
    assert len({e.city for e in events}) > 5
    assert not list(settings.processed_dir.glob(".*.tmp"))


def test_the_three_shared_files_give_1000_events(data_dir: Path, shared_files: list[Path]) -> None:
    settings = Settings()
    stages: list[str] = []
    report = ingest(settings, file_sources(shared_files), progress=lambda s, d, t: stages.append(s))
    assert (report.events, report.skipped, report.duplicates) == (1000, 0, 0)
    assert sorted(report.per_source.values()) == [100, 400, 500]
    assert "write events" in stages
    lines = settings.events_file.read_text(encoding="utf-8").splitlines()  # no U+2028 left
    uids = [json.loads(line)["uid"] for line in lines]
    assert len(uids) == 1000 and uids == sorted(uids)
    assert len(list(settings.raw_dir.glob("file-*.json"))) == 3
    saved = json.loads((settings.processed_dir / "ingest-report.json").read_text())
    assert saved["events"] == 1000 and saved["per_source"] == report.per_source
    events = load_events(settings)
    assert all(e.occurrences and e.title and e.date_label for e in events)
    assert sum(e.city == "Paris" for e in events) >= 900
    assert {e.country for e in events} >= {"France", "Italie", "Canada"}
    assert not list(settings.processed_dir.glob(".*.tmp"))


def test_hostile_records_are_counted_not_fatal(
    data_dir: Path, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    good = copy.deepcopy(records[:20])
    newer = {**good[0], "title_fr": "Titre mis à jour", "updatedat": "2030-01-01T00:00:00+00:00"}
    older = {**good[1], "title_fr": "Titre périmé", "updatedat": "2001-01-01T00:00:00+00:00"}
    good[2]["longdescription_fr"] = "<p>Bien</p><script>document.cookie</script>"
    hostile = [
        {**good[3], "uid": None},
        {**good[4], "title_fr": "", "slug": ""},
        {**good[5], "timings": None, "firstdate_begin": None, "lastdate_begin": None},
        {
            **good[6],
            "timings": '[{"begin": "2026-13-45T25:00"}]',
            "firstdate_begin": "bientôt",
            "lastdate_begin": None,
        },
        "not even an object",
    ]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(good[:3] + good[7:] + hostile + [newer, older]))
    report = ingest(Settings(), file_sources([path]))
    assert report.by_reason == {
        "missing uid": 1,
        "missing title": 1,
        "no usable date": 1,
        "unparseable dates": 1,
        "not an object": 1,
    }
    assert report.skipped == 5 and report.duplicates == 2 and report.events == 16
    events = {e.uid: e for e in load_events(Settings())}
    assert events[good[0]["uid"]].title == "Titre mis à jour"
    assert events[good[1]["uid"]].title == good[1]["title_fr"]
    assert "cookie" not in events[good[2]["uid"]].long_description


def test_append_merges_and_replace_replaces(
    data_dir: Path, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(records[:30]))
    second.write_text(json.dumps(records[20:50]))
    ingest(Settings(), file_sources([first]))
    report = ingest(Settings(), file_sources([second]), append=True)
    assert (report.events, report.appended_to, report.duplicates) == (50, 30, 10)
    ingest(Settings(), file_sources([second]))
    assert len(load_events(Settings())) == 30


def test_processed_corpus_round_trips(data_dir: Path, corpus_files: list[Path]) -> None:
    settings = Settings()
    ingest(settings, file_sources(corpus_files))
    before = load_events(settings)
    copy_path = data_dir / "events-copy.jsonl"
    copy_path.write_bytes(settings.events_file.read_bytes())
    report = ingest(settings, file_sources([copy_path]))
    assert report.events == len(before) > 100 and load_events(settings) == before


def test_nothing_usable_leaves_the_corpus_alone(
    data_dir: Path, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(records[:5]))
    bad.write_text(json.dumps([{**r, "uid": None} for r in records[:5]]))
    ingest(Settings(), file_sources([good]))
    with pytest.raises(SourceError, match=r"no usable events.*missing uid"):
        ingest(Settings(), file_sources([bad]))
    assert len(load_events(Settings())) == 5


def test_load_events_says_what_to_run(data_dir: Path) -> None:
    with pytest.raises(NoEvents, match="run `rag ingest"):
        load_events(Settings())


def test_sources_from_settings(data_dir: Path) -> None:
    client = HttpClient()
    assert sources_from_settings(Settings(), client) == []
    ods = sources_from_settings(Settings(OPENDATASOFT_WHERE='location_city = "Lyon"'), client)
    assert isinstance(ods[0], OpendatasoftSource) and ods[0].where == 'location_city = "Lyon"'
    configured = Settings(
        OPENAGENDA_API_KEY="k", OPENAGENDA_AGENDAS=["1", "2"], OPENDATASOFT_WHERE="x"
    )
    agendas = sources_from_settings(configured, client)
    assert [s.name for s in agendas] == ["openagenda-1", "openagenda-2"]
    assert all(isinstance(s, OpenAgendaSource) for s in agendas)


def test_cli_json_output(data_dir: Path, corpus_files: list[Path]) -> None:
    result = CliRunner().invoke(app, ["ingest", str(corpus_files[0]), "--json"])
    assert result.exit_code == 0, result.output
    count = len(read_records(corpus_files[0]))
    assert json.loads(result.stdout) == {"events": count, "skipped": 0, "by_reason": {}}


def test_cli_reports_a_bad_file(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("courses: pain, lait\n")
    result = CliRunner().invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert "Ingest failed" in result.stderr and str(path) in result.stderr


@pytest.mark.slow
def test_cli_process_honours_rag_data_dir(tmp_path: Path, demo_files: list[Path]) -> None:
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "elsewhere")}
    done = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ingest", str(demo_files[0]), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout)["events"] == len(read_records(demo_files[0]))
    assert (tmp_path / "elsewhere" / "processed" / "events.jsonl").exists()
