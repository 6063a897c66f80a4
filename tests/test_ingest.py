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
    assert sum(e.city == "Paris" for e in events) >= 899
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


def test_only_web_links_are_kept_and_markdown_links_become_text(
    data_dir: Path, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    good, bad = copy.deepcopy(records[0]), copy.deepcopy(records[1])
    good["longdescription_fr"] = "Réservez [sur le site](https://example.org/a_(b)) ou ![x](y.png)"
    bad |= {
        "canonicalurl": "javascript:alert(document.cookie)",
        "image": "data:image/svg+xml;base64,PHN2Zz4=",
        "registration": [
            {"type": "link", "value": "JavaScript:alert(1)"},
            {"type": "email", "value": "billets@example.org"},
            {"type": "phone", "value": "+33 1 23 45 67 89"},
            {"type": "link", "value": "https://billets.example.org"},
        ],
        "description_fr": "Cliquez [ici](javascript:alert(1)) [ou là][1]\n[1]: javascript:x()",
    }
    path = tmp_path / "links.json"
    path.write_text(json.dumps([good, bad]))
    report = ingest(Settings(), file_sources([path]))
    assert report.links_dropped == {"url": 1, "image": 1, "registration": 1}
    assert report.summary()["links_dropped"] == report.links_dropped
    events = {e.uid: e for e in load_events(Settings())}
    assert events[good["uid"]].long_description == "Réservez sur le site ou x"
    event = events[bad["uid"]]
    assert (event.url, event.image) == (None, None)
    assert event.registration == [
        "billets@example.org",
        "+33 1 23 45 67 89",
        "https://billets.example.org",
    ]
    assert event.description == "Cliquez ici ou là"
    assert "javascript" not in Settings().events_file.read_text(encoding="utf-8").lower()


def test_raw_pulls_are_pruned_and_a_killed_ingest_leaves_nothing_behind(
    data_dir: Path, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records[:10]))
    settings = Settings()
    raw = settings.raw_dir
    raw.mkdir(parents=True)
    for stamp in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        (raw / f"file-export-{stamp}.json").write_text("[]")
    (raw / "file-export-extra-20200101T000000Z.json").write_text("[]")  # another source
    orphan = raw / ".file-export-20200104T000000Z.json.abc123.tmp"
    orphan.write_text('[{"uid": "half')
    os.utime(orphan, (1e9, 1e9))  # left by a writer killed long ago (holds no lock)

    report = ingest(settings, file_sources([path]))
    names = sorted(p.name for p in raw.iterdir())
    assert not orphan.exists() and not [n for n in names if n.endswith(".tmp")]
    kept = [n for n in names if n.startswith("file-export-2")]
    newest = Path(report.raw_files[0]).name
    assert kept == [
        "file-export-20200102T000000Z.json",
        "file-export-20200103T000000Z.json",
        newest,
    ]
    assert "file-export-extra-20200101T000000Z.json" in names
    assert len(read_records(Path(report.raw_files[0]))) == 10


def test_a_temporary_file_being_written_is_not_an_orphan(data_dir: Path) -> None:
    import fcntl

    from rag.ingest import remove_orphans

    folder = data_dir / "raw"
    folder.mkdir()
    busy = folder / ".pull.json.busy.tmp"
    with busy.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.utime(busy, (1e9, 1e9))
        assert remove_orphans(folder) == [] and busy.exists()
    assert remove_orphans(folder) == [busy] and not busy.exists()


@pytest.mark.slow
def test_an_ingest_killed_mid_write_leaves_an_orphan_that_the_next_run_removes(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    """A real `rag ingest` SIGKILLed while its raw copy is half written."""
    import signal
    import time

    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data")}
    export = tmp_path / "export.json"
    many = [{**records[i % len(records)], "uid": str(i)} for i in range(30_000)]
    export.write_text(json.dumps(many))
    command = [sys.executable, "-m", "rag.cli", "ingest", str(export)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    raw = tmp_path / "data" / "raw"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(raw.glob(".*.tmp")):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    [orphan] = list(raw.glob(".*.tmp"))
    assert not list(raw.glob("*.json"))  # nothing that looks complete
    os.utime(orphan, (1e9, 1e9))
    small = tmp_path / "small.json"
    small.write_text(json.dumps(records[:3]))
    subprocess.run(
        [sys.executable, "-m", "rag.cli", "ingest", str(small)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert not orphan.exists() and not list(raw.glob(".*.tmp"))
