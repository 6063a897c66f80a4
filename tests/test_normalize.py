"""Raw records → Event, on the demo corpus written as ODS records (tests/corpus.py), on real
OpenAgenda records when ../shared is there, and on hostile variants of both."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rag.models import Event
from rag.normalize import (
    Latest,
    SkipRecord,
    detect_kind,
    from_ods_record,
    from_openagenda_event,
    from_processed,
)
from rag.sources.files import read_records
from rag.text import clean_html
from tests.corpus import demo_events, demo_records
from tests.fakes.openagenda_server import to_openagenda_event


@pytest.fixture(scope="module")
def by_uid(shared_files: list[Path]) -> dict[str, dict[str, Any]]:
    return {r["uid"]: r for path in shared_files for r in read_records(path)}


@pytest.fixture(scope="module", params=["demo", "shared"])
def pair(request: pytest.FixtureRequest) -> tuple[dict[str, Any], ...]:
    """Records of one corpus: one with coordinates, one with many timings (and others)."""
    if request.param == "shared":
        by_uid = request.getfixturevalue("by_uid")
        return by_uid["22683319"], by_uid["12616484"], by_uid["92345464"]
    records = demo_records()
    many = max(records, key=lambda r: len(json.loads(r["timings"])))
    return records[0], many


def test_demo_records_give_their_events_back() -> None:
    """Every field of the ODS shape: HTML paragraphs, JSON timings with offsets, enums as
    {id, label}, registration as [{type, value}], flattened and nested coordinates."""
    records = demo_records()
    assert sum(r["location_coordinates"] is None for r in records) == 100
    assert [from_ods_record(r) for r in records] == demo_events()


def test_ods_record_becomes_a_complete_event(by_uid: dict[str, dict[str, Any]]) -> None:
    event = from_ods_record(by_uid["22683319"])  # FIAP Jean Monnet, Paris 14e
    assert event.title == "FIAP Jean Monnet"
    assert event.city == "Paris" and event.postal_code == "75014"
    assert event.region == "Île-de-France" and event.country == "France"
    assert (event.latitude, event.longitude) == (48.830538, 2.33821)
    assert event.status == "Programmé" and event.attendance_mode == "Sur place"
    assert event.url and event.url.startswith("https://openagenda.com/")
    assert "<p>" not in event.long_description and "\n" in event.long_description
    assert event.occurrences[0].start == datetime(2032, 1, 1, 1, tzinfo=UTC)
    assert all(o.start.tzinfo is not None for o in event.occurrences)
    assert event.updated_at == datetime(2022, 7, 28, 9, 14, 24, tzinfo=UTC)


def test_every_timing_becomes_an_occurrence(by_uid: dict[str, dict[str, Any]]) -> None:
    record = by_uid["12616484"]  # a planetarium show with many dates
    event = from_ods_record(record)
    assert len(event.occurrences) == len(json.loads(record["timings"])) > 10
    assert event.occurrences == sorted(event.occurrences, key=lambda o: o.start)
    assert event.keywords == ["planetarium", "étoiles", "galaxie", "live"]


def test_flattened_coordinates_and_registration(by_uid: dict[str, dict[str, Any]]) -> None:
    record = by_uid["30216148"]  # fremontben file: location_coordinates.lat/.lon columns
    assert record["location_coordinates"] is None
    event = from_ods_record(record)
    assert event.latitude == record["location_coordinates.lat"]
    assert event.longitude == record["location_coordinates.lon"]
    assert event.city == "Caen" and event.region == "Normandie"


def test_missing_title_falls_back_to_the_slug(by_uid: dict[str, dict[str, Any]]) -> None:
    event = from_ods_record(by_uid["49374826"])
    assert event.title == "Trustech 2026"
    assert event.registration == ["https://www.trustech-event.com/en"]


def test_region_spellings_are_unified(by_uid: dict[str, dict[str, Any]]) -> None:
    regions = {from_ods_record(r).region for r in by_uid.values()}
    assert "Île-de-France" in regions and "Occitanie" in regions and "Bretagne" in regions
    assert not regions & {"Ile-de-France", "Ile de France", "IDF", "Occitania", "Brittany"}


def test_v2_event_normalizes_like_its_ods_record(
    pair: tuple[dict[str, Any], ...],
) -> None:
    for record in pair:
        uid = record["uid"]
        ods = from_ods_record(record)
        v2 = from_openagenda_event(to_openagenda_event(record))
        for name in (
            "uid",
            "title",
            "description",
            "long_description",
            "keywords",
            "occurrences",
            "venue",
            "city",
            "postal_code",
            "region",
            "latitude",
            "age_min",
            "registration",
            "image",
            "agenda_uid",
            "agenda_title",
            "status",
            "attendance_mode",
            "updated_at",
        ):
            assert getattr(v2, name) == getattr(ods, name), (uid, name)


def test_hostile_text_is_cleaned(pair: tuple[dict[str, Any], ...]) -> None:
    record = copy.deepcopy(pair[0])
    record["title_fr"] = "Th&eacute;&acirc;tre <b>jeune</b> public\x00"
    record["description_fr"] = "Visite <script>alert('x')</script>guidÃ©e du musÃ©e"
    record["keywords_fr"] = "  Danse ;danse; Hip-hop "  # CSV-style string, duplicate case
    record["age_min"] = "6.0"
    event = from_ods_record(record)
    assert event.title == "Théâtre jeune public"
    assert event.description == "Visite guidée du musée"
    assert event.keywords == ["Danse", "Hip-hop"]
    assert event.age_min == 6


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"uid": None}, "missing uid"),
        ({"uid": "  "}, "missing uid"),
        ({"title_fr": None, "slug": None}, "missing title"),
        ({"timings": "[]", "firstdate_begin": None, "lastdate_begin": None}, "no usable date"),
        (
            {
                "timings": '[{"begin": "31/12/2026 20h", "end": ""}]',
                "firstdate_begin": "demain",
                "lastdate_begin": None,
            },
            "unparseable dates",
        ),
    ],
)
def test_unusable_records_are_skipped_with_a_reason(
    pair: tuple[dict[str, Any], ...], change: dict[str, Any], reason: str
) -> None:
    record = {**pair[0], **change}
    with pytest.raises(SkipRecord) as caught:
        from_ods_record(record)
    assert caught.value.reason == reason


def test_broken_timings_fall_back_to_first_and_last_dates(
    pair: tuple[dict[str, Any], ...],
) -> None:
    record = {**pair[1], "timings": "[{not json"}
    event = from_ods_record(record)
    assert [o.start for o in event.occurrences] == [
        datetime.fromisoformat(record["firstdate_begin"]),
        datetime.fromisoformat(record["lastdate_begin"]),
    ]


def test_newest_update_wins_deduplication(pair: tuple[dict[str, Any], ...]) -> None:
    record = pair[0]
    old = from_ods_record({**record, "title_fr": "Ancien", "updatedat": "2025-01-01T00:00:00Z"})
    new = from_ods_record({**record, "title_fr": "Nouveau", "updatedat": "2030-01-01T00:00:00Z"})
    other = from_ods_record(pair[1])
    for order in ([old, new, other], [new, other, old]):
        latest: Latest[Event] = Latest()
        for event in order:
            latest.add(event, event)
        events = latest.items()
        assert [e.uid for e in events] == sorted([record["uid"], other.uid])
        assert next(e.title for e in events if e.uid == record["uid"]) == "Nouveau"
        assert latest.dropped == 1


def test_processed_events_round_trip(pair: tuple[dict[str, Any], ...]) -> None:
    event = from_ods_record(pair[1])
    line = json.loads(json.dumps(event.to_dict()))
    assert from_processed(line) == event
    with pytest.raises(SkipRecord):
        from_processed({**line, "occurrences": [{"start": "never", "end": "never"}]})


def test_detect_kind() -> None:
    ods = [{"uid": "1", "title_fr": "A", "timings": "[]"}]
    v2 = [{"uid": 1, "title": "A", "timings": [], "location": {}}]
    ours = [Event(uid="1", title="A").to_dict()]
    assert (detect_kind(ods), detect_kind(v2), detect_kind(ours)) == ("ods", "openagenda", "event")
    assert detect_kind([{"name": "x", "price": 3}, 42]) is None


def test_markdown_emphasis_links_and_headings_become_plain_text() -> None:
    html_text = (
        "<p>*19h30 &amp; 21h30* **JASS Session**, voir [le site](https://example.org/a).</p>"
        "<p>## Programme</p><p>5 * 3 = 15 #jazz</p>"
    )
    assert clean_html(html_text) == (
        "19h30 & 21h30 JASS Session, voir le site.\nProgramme\n5 * 3 = 15 #jazz"
    )


def test_accessibility_codes_are_kept(by_uid: dict[str, dict[str, Any]]) -> None:
    """ODS "hi;mi;vi" and v2 `{"mi": true}` become the OpenAgenda codes rag.cues reads."""
    assert from_ods_record(by_uid["18852795"]).accessibility == ["hi", "mi", "vi"]
    assert from_ods_record(by_uid["22683319"]).accessibility == []
    v2 = to_openagenda_event(by_uid["18852795"])
    v2["accessibility"] = {"hi": True, "mi": False, "vi": True, "xx": True}
    assert from_openagenda_event(v2).accessibility == ["hi", "vi"]


@pytest.mark.parametrize(
    ("name", "postal_code", "insee", "city", "department"),
    [
        # geocoded on a Paris square of the same name: the name and postal code say Huppy
        ("Place Charles De Gaulle Huppy 80140", "80140", "75056", "Huppy", "Somme"),
        ("Salle des fêtes, Le Tréport 76470", "76470", "75056", "Le Tréport", "Seine-Maritime"),
        # a neighbouring department's postal code names no town: left as it is
        ("Bois de Vincennes", "94410", "75056", "Paris", "Paris"),
        # postal code and commune agree: nothing to mend
        ("Place de la Mairie 75008", "75008", "75056", "Paris", "Paris"),
    ],
)
def test_a_venue_naming_the_town_of_its_postal_code_moves_there(
    name: str, postal_code: str, insee: str, city: str, department: str
) -> None:
    """The postal code and the town the venue names outweigh a geocoder that put it in
    another department; its coordinates are dropped then, they point at the other town."""
    record = copy.deepcopy(demo_records()[0]) | {
        "location_name": name,
        "location_postalcode": postal_code,
        "location_insee": insee,
        "location_city": "Paris",
        "location_department": "Paris",
        "location_region": "Île-de-France",
        "location_coordinates": {"lon": 2.295, "lat": 48.873},
    }
    event = from_ods_record(record)
    assert (event.city, event.department) == (city, department)
    moved = city != "Paris"
    assert (event.latitude is None) is moved
    assert (event.region == "Île-de-France") is not moved


def test_the_shared_walk_at_huppy_is_in_the_somme(by_uid: dict[str, dict[str, Any]]) -> None:
    event = from_ods_record(by_uid["78757224"])  # Balade sur Trinquies
    assert (event.city, event.department, event.region) == ("Huppy", "Somme", "Hauts-de-France")
