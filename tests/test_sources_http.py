"""Opendatasoft and OpenAgenda end to end against local servers speaking their formats,
serving the demo corpus (tests/corpus.py) and, when ../shared is there, the real events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from rag.config import Settings
from rag.http import AuthError, HttpClient, HttpError
from rag.ingest import ingest, load_events
from rag.sources import SourceError
from rag.sources.files import read_records
from rag.sources.openagenda import OpenAgendaSource
from rag.sources.opendatasoft import OpendatasoftSource
from tests.fakes import Reply
from tests.fakes.openagenda_server import API_KEY, OpenAgendaServer
from tests.fakes.opendatasoft_server import OpendatasoftServer

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def records(corpus_files: list[Path]) -> list[dict[str, Any]]:
    return [r for path in corpus_files for r in read_records(path)]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> HttpClient:
    """Retries without waiting: the delays asked for are recorded instead."""
    return HttpClient(timeout=5, retries=4, backoff=0.5, sleep=sleeps.append)


@pytest.fixture
def ods(records: list[dict[str, Any]]) -> Iterator[OpendatasoftServer]:
    with OpendatasoftServer(records) as server:
        yield server


@pytest.fixture
def openagenda(records: list[dict[str, Any]]) -> Iterator[OpenAgendaServer]:
    with OpenAgendaServer(records, NOW) as server:
        yield server


def _settings(data_dir: Path, **env: Any) -> Settings:
    return Settings(RAG_DATA_DIR=data_dir, **env)


def test_opendatasoft_records_are_paged_by_100(
    data_dir: Path, ods: OpendatasoftServer, client: HttpClient
) -> None:
    settings = _settings(data_dir, OPENDATASOFT_BASE_URL=ods.url)
    report = ingest(settings, [OpendatasoftSource.from_settings(settings, client)])
    count = len(ods.records)
    assert report.events == count and report.per_source == {"opendatasoft": count}
    offsets = [int(s.query["offset"][0]) for s in ods.seen]
    assert offsets == list(range(0, count, 100)) and len(offsets) > 1
    limits = [int(s.query["limit"][0]) for s in ods.seen]
    assert set(limits[:-1]) == {100} and limits[-1] == count - offsets[-1]  # only what is left
    assert len(load_events(settings)) == count
    assert read_records(Path(report.raw_files[0]))[0]["uid"] == ods.records[0]["uid"]


def test_opendatasoft_where_and_refine_reach_the_server(
    data_dir: Path, ods: OpendatasoftServer, client: HttpClient, records: list[dict[str, Any]]
) -> None:
    settings = _settings(data_dir, OPENDATASOFT_BASE_URL=ods.url)
    paris = [r for r in records if r["location_city"] == "Paris"]
    [(agenda, count)] = Counter(r["originagenda_title"] for r in paris).most_common(1)
    source = OpendatasoftSource.from_settings(
        settings,
        client,
        where='location_city = "Paris"',
        refine=[f"originagenda_title:{agenda}"],
        limit=count - 2,
    )
    report = ingest(settings, [source])
    expected = [r for r in paris if r["originagenda_title"] == agenda]
    assert report.events == count - 2 and len(expected) == count < len(records) / 2
    assert all(e.agenda_title == agenda for e in load_events(settings))
    assert ods.seen[0].query["where"] == ['location_city = "Paris"']


def test_opendatasoft_export_endpoint(
    data_dir: Path, ods: OpendatasoftServer, client: HttpClient
) -> None:
    city = ods.records[0]["location_city"]
    settings = _settings(
        data_dir, OPENDATASOFT_BASE_URL=ods.url, OPENDATASOFT_WHERE=f'location_city = "{city}"'
    )
    report = ingest(settings, [OpendatasoftSource.from_settings(settings, client, export=True)])
    assert [s.path.rsplit("/", 2)[-2:] for s in ods.seen] == [["exports", "json"]]
    assert report.events == sum(r["location_city"] == city for r in ods.records)
    assert 0 < report.events < len(ods.records)


def test_opendatasoft_stops_at_the_10000_ceiling(client: HttpClient) -> None:
    """offset + limit may not pass 10,000: stop there and tell the user what to do."""
    tiny = [{"uid": str(i), "title_fr": f"Événement {i}"} for i in range(10_250)]
    with OpendatasoftServer(tiny) as server:
        source = OpendatasoftSource(client, base_url=server.url)
        fetched = sum(len(batch.records) for batch in source.fetch())
    assert fetched == 10_000
    last = server.seen[-1].query
    assert int(last["offset"][0]) + int(last["limit"][0]) == 10_000
    assert "10,250 records match" in source.notes[0] and "--export" in source.notes[0]


def test_openagenda_pages_several_agendas_with_the_after_cursor(
    data_dir: Path, openagenda: OpenAgendaServer, client: HttpClient
) -> None:
    agendas = sorted(openagenda.agendas, key=lambda a: -len(openagenda.agendas[a]))[:2]
    sources = [
        OpenAgendaSource(client, API_KEY, uid, openagenda.url, relative=(), page_size=10)
        for uid in agendas
    ]
    report = ingest(_settings(data_dir), sources)
    sizes = [len(openagenda.agendas[a]) for a in agendas]
    assert report.per_source == {f"openagenda-{a}": n for a, n in zip(agendas, sizes, strict=True)}
    assert sizes[0] > 20 and report.events == sum(sizes)
    cursors = [s.query.get("after[]") for s in openagenda.seen if agendas[0] in s.path]
    assert cursors[0] is None and len(cursors) == -(-sizes[0] // 10)
    assert all(c and len(c) == 2 for c in cursors[1:])
    first = openagenda.seen[0]
    assert first.headers["key"] == API_KEY
    assert first.query["detailed"] == ["1"] and first.query["monolingual"] == ["fr"]


def test_openagenda_relative_and_timings_filters(
    data_dir: Path, openagenda: OpenAgendaServer, client: HttpClient
) -> None:
    settings = _settings(
        data_dir,
        OPENAGENDA_API_KEY=API_KEY,
        OPENAGENDA_BASE_URL=openagenda.url,
        OPENAGENDA_AGENDAS=list(openagenda.agendas),
    )
    since, until = date(2026, 12, 1), date(2027, 6, 30)
    sources = OpenAgendaSource.from_settings(settings, client, since=since, until=until)
    report = ingest(settings, sources)
    assert 0 < report.events < sum(len(events) for events in openagenda.agendas.values())
    assert openagenda.seen[0].query["relative[]"] == ["current", "upcoming"]
    assert openagenda.seen[0].query["timings[gte]"] == ["2026-12-01"]
    for event in load_events(settings):
        assert any(o.end.date() >= since and o.start.date() <= until for o in event.occurrences)
        assert event.end and event.end >= NOW


def test_retries_honour_retry_after_then_succeed(
    data_dir: Path, ods: OpendatasoftServer, client: HttpClient, sleeps: list[float]
) -> None:
    ods.script.extend(
        [Reply(429, {"error": "quota"}, {"Retry-After": "7"}), Reply(503), Reply(503)]
    )
    settings = _settings(data_dir, OPENDATASOFT_BASE_URL=ods.url)
    report = ingest(settings, [OpendatasoftSource.from_settings(settings, client, limit=100)])
    assert report.events == 100 and len(ods.seen) == 4
    assert sleeps[0] == 7 and 0.5 <= sleeps[1] <= 1.0 and 1.0 <= sleeps[2] <= 2.0


def test_retries_give_up_with_the_last_status(ods: OpendatasoftServer, sleeps: list[float]) -> None:
    ods.script.extend([Reply(502, {"error": "bad gateway"})] * 3)
    client = HttpClient(retries=2, backoff=0.01, sleep=sleeps.append)
    with pytest.raises(HttpError, match="HTTP 502"):
        list(OpendatasoftSource(client, base_url=ods.url, limit=10).fetch())
    assert len(ods.seen) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_a_bad_key_is_a_clear_error_without_retries(
    data_dir: Path, openagenda: OpenAgendaServer, client: HttpClient, key: str | None
) -> None:
    settings = _settings(data_dir, OPENAGENDA_BASE_URL=openagenda.url)
    source = OpenAgendaSource(client, key or "", next(iter(openagenda.agendas)), openagenda.url)
    if key is None:
        source.api_key = ""
    with pytest.raises(SourceError, match="check OPENAGENDA_API_KEY") as caught:
        ingest(settings, [source])
    assert isinstance(caught.value.__cause__, AuthError)
    assert len(openagenda.seen) == 1 and not settings.events_file.exists()


def test_openagenda_needs_a_key_before_any_request(data_dir: Path, client: HttpClient) -> None:
    with pytest.raises(SourceError, match="OPENAGENDA_API_KEY"):
        OpenAgendaSource.from_settings(_settings(data_dir, OPENAGENDA_AGENDAS=["1"]), client)


def test_a_silent_server_times_out(ods: OpendatasoftServer, sleeps: list[float]) -> None:
    ods.script.extend([Reply(200, {"results": []}, delay=1.0)] * 2)
    client = HttpClient(timeout=0.2, retries=1, backoff=0.01, sleep=sleeps.append)
    with pytest.raises(HttpError, match=r"did not answer within 0\.2 s after 2 attempts"):
        list(OpendatasoftSource(client, base_url=ods.url, limit=10).fetch())


def test_an_unreachable_server_is_a_clear_error(sleeps: list[float]) -> None:
    with OpendatasoftServer([]) as server:
        url = server.url
    client = HttpClient(timeout=1, retries=1, backoff=0.01, sleep=sleeps.append)
    with pytest.raises(HttpError, match="cannot reach"):
        list(OpendatasoftSource(client, base_url=url, limit=10).fetch())
    assert len(sleeps) == 1


def test_the_cli_fetches_several_agendas_in_one_run(
    data_dir: Path, openagenda: OpenAgendaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rag ingest --openagenda UID UID --json`: the contract of the README."""
    import json

    from typer.testing import CliRunner

    from rag.cli import app

    upcoming = {"relative[]": ["current", "upcoming"]}
    counts = {
        uid: sum(openagenda._matches(e, upcoming) for e in events)
        for uid, events in openagenda.agendas.items()
    }
    uids = sorted(uid for uid, count in counts.items() if count)[:2]
    monkeypatch.setenv("OPENAGENDA_BASE_URL", openagenda.url)
    monkeypatch.setenv("OPENAGENDA_API_KEY", API_KEY)
    result = CliRunner().invoke(app, ["ingest", "--openagenda", *uids, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    expected = counts[uids[0]] + counts[uids[1]]
    assert report == {"events": expected, "skipped": 0, "by_reason": {}}
    assert {s.path.split("/")[3] for s in openagenda.seen} == set(uids)
