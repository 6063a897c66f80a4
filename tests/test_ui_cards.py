"""The UI's cards, map and index copy without a browser: dates on cards (a run, "terminé"),
what the index holds, and a map that needs no tile server."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rag.models import Event, Occurrence
from ui.cards import card_dates, reference_time
from ui.corpus import corpus_text
from ui.map import Point, deck, view

TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 15, tzinfo=TZ)


def at(day: int, hour: int, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


def source(occurrence: Occurrence) -> dict[str, str]:
    return {"start": occurrence.start.isoformat(), "end": occurrence.end.isoformat()}


def test_a_long_exhibition_shows_its_run_not_one_day() -> None:
    run = Occurrence(at(1, 10, month=10), at(4, 18, month=3, year=2027))
    dates = card_dates(source(run), Event("e", "Expo", occurrences=[run]), NOW, TZ)
    assert dates == type(dates)(["à l'affiche jusqu'au jeudi 4 mars 2027"], over=False)


def test_daily_openings_show_the_day_asked_and_the_run() -> None:
    days = [Occurrence(at(d, 10), at(d, 18)) for d in range(1, 31)]
    dates = card_dates(source(days[4]), Event("e", "Expo", occurrences=days), NOW, TZ)
    assert dates.lines == [
        "le samedi 5 décembre 2026 à 10 h",
        "à l'affiche jusqu'au mercredi 30 décembre 2026",
    ]
    upcoming = days[10:]
    dates = card_dates(source(upcoming[0]), Event("e", "Expo", occurrences=upcoming), NOW, TZ)
    assert dates.lines == [
        "le vendredi 11 décembre 2026 à 10 h",
        "du 11 au 30 décembre 2026 (20 dates)",
    ]


def test_an_event_already_over_is_marked() -> None:
    past = Occurrence(at(20, 20, month=11), at(20, 22, month=11))
    dates = card_dates(source(past), Event("e", "Concert", occurrences=[past]), NOW, TZ)
    assert dates.over
    assert dates.lines == ["le vendredi 20 novembre 2026 à 20 h"]
    later = card_dates(source(past), Event("e", "Concert", occurrences=[past]), at(1, 0, 11), TZ)
    assert not later.over


def test_a_card_without_its_event_keeps_the_answer_dates() -> None:
    one = Occurrence(at(5, 16), at(5, 17))
    assert card_dates(source(one), None, NOW, TZ).lines == ["le samedi 5 décembre 2026 à 16 h"]
    assert card_dates({}, None, NOW, TZ).lines == ["dates non précisées"]


def test_the_reference_is_now_today_and_midnight_otherwise() -> None:
    today = datetime.now(TZ)
    assert reference_time(today.date().isoformat(), TZ) - today < timedelta(minutes=1)
    assert reference_time("2026-12-24", TZ) == at(24, 0)


def test_the_ui_says_what_the_index_holds() -> None:
    demo = {"events": 360, "corpus": {"demo_events": 360, "agendas": 0, "top_agendas": []}}
    assert corpus_text(demo) == "corpus de démonstration : 360 événements générés (fictifs)"
    agendas = [{"title": t, "events": n} for t, n in (("A", 500), ("B", 300), ("C", 100))]
    real = {"events": 1000, "corpus": {"demo_events": 0, "agendas": 82, "top_agendas": agendas}}
    assert corpus_text(real) == "1\u202f000 événements ingérés de 82 agendas (A, B, C, …)"
    mixed = {"events": 10, "corpus": {"demo_events": 4, "agendas": 1, "top_agendas": agendas[:1]}}
    assert "6 événements ingérés de 1 agenda (A)" in corpus_text(mixed)
    assert "4 du corpus de démonstration" in corpus_text(mixed)


def test_the_map_needs_no_tile_server_and_frames_the_points() -> None:
    points = [Point(1, "a", 44.84, -0.57), Point(2, "b", 48.58, 7.75), Point(3, "c", 43.30, 5.37)]
    spec = json.loads(deck(points).to_json())
    assert "mapProvider" not in spec
    assert spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's "no basemap": Streamlit adds none
    ids = [layer["id"] for layer in spec["layers"]]
    assert {"basemap-land", "basemap-department", "events"} <= set(ids)
    land = next(layer for layer in spec["layers"] if layer["id"] == "basemap-land")
    assert land["data"]["features"]
    state = view(points)
    assert 3.8 <= state.zoom < 7 and 43.3 < state.latitude < 48.6
    assert view(points[:1]).zoom > 8
    # two events at one venue, or a few streets apart at this zoom, share a marker
    same = json.loads(deck([*points, Point(4, "d", 44.85, -0.56)]).to_json())
    events = next(layer for layer in same["layers"] if layer["id"] == "events")
    assert sorted(row["number"] for row in events["data"]) == ["1,4", "2", "3"]
    # with tiles configured, only the background's lines are drawn over them
    tiled = json.loads(deck(points, "light").to_json())
    assert tiled["mapStyle"].startswith("https://")
    assert "basemap-land" not in [layer["id"] for layer in tiled["layers"]]
