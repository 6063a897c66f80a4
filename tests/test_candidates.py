"""The candidate sets of rag/candidates.py against brute force over every event, and the
on-disk index: files never written once a version is served."""

from __future__ import annotations

import hashlib
import json
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from rag.candidates import Candidates, candidate_arrays, ranges
from rag.config import Settings
from rag.embeddings.use import USEEmbedder
from rag.engine import Assistant
from rag.generation import create_generator
from rag.index import build_index, load_index
from rag.models import Event, Occurrence
from rag.passages import corpus_passages
from rag.places import Gazetteer, PlaceMatch
from rag.schemas import AskRequest

PARIS = ZoneInfo("Europe/Paris")
PLACES = [
    ("Paris", "75011", None, "Île-de-France", 48.858, 2.379),
    ("Paris", "75015", None, "Ile de France", 48.841, 2.300),
    ("Caen", "14000", "Calvados", "Normandie", 49.183, -0.370),
    ("Bayeux", "14400", None, None, 49.276, -0.703),
    ("Rennes", "35000", "Ille-et-Vilaine", "Bretagne", 48.111, -1.680),
    ("Lyon", "69001", "Rhône", "Auvergne-Rhône-Alpes", None, None),
]
DURATIONS = [timedelta(hours=2), timedelta(days=3), timedelta(days=20), timedelta(days=200)]


def _events(n: int, seed: int = 1) -> list[Event]:
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=PARIS)
    events = []
    for i in range(n):
        city, postal, department, region, lat, lon = rng.choice(PLACES)
        occurrences = []
        for _ in range(rng.randrange(0, 5)):
            start = base + timedelta(hours=rng.randrange(0, 24 * 400))
            duration = rng.choice(DURATIONS) * (2 if rng.random() < 0.05 else 1)
            occurrences.append(Occurrence(start, start + duration))
        jitter = rng.uniform(-0.05, 0.05)
        events.append(
            Event(
                uid=f"e{i}",
                title=f"Événement {i}",
                occurrences=sorted(occurrences, key=lambda o: o.start),
                city=city,
                postal_code=postal,
                department=department,
                region=region,
                country="France",
                latitude=None if lat is None else lat + jitter,
                longitude=None if lon is None else lon + jitter,
                keywords=[rng.choice(["concert", "exposition", "atelier"])],
            )
        )
    return events


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Event], Candidates]:
    events = _events(400)
    passages = corpus_passages(events)
    owner = {e.uid: i for i, e in enumerate(events)}
    passage_event = np.asarray([owner[p.event_uid] for p in passages], dtype=np.int32)
    arrays, places, kinds = candidate_arrays(events, passages, passage_event)
    return events, Candidates(arrays, places, kinds)


def test_windows_match_every_occurrence_checked_one_by_one(
    corpus: tuple[list[Event], Candidates],
) -> None:
    events, candidates = corpus
    rng = random.Random(7)
    for _ in range(200):
        start = datetime(2026, 1, 1, tzinfo=PARIS) + timedelta(hours=rng.randrange(-500, 10_000))
        end = start + timedelta(hours=rng.choice([1, 24, 72, 24 * 31]))
        expected = [
            pos
            for pos, e in enumerate(events)
            if any(o.start < end and o.end > start for o in e.occurrences)
        ]
        found = candidates.in_window(start.timestamp(), end.timestamp())
        assert found.tolist() == expected


@pytest.mark.parametrize(
    "place",
    [
        PlaceMatch("city", "Paris", "à Paris"),
        PlaceMatch("city", "Paris", "Paris 15e", arrondissement=15),
        PlaceMatch("department", "Calvados", "dans le Calvados"),
        PlaceMatch("region", "Île-de-France", "en Île-de-France"),
        PlaceMatch("region", "Normandie", "en Normandie"),
        PlaceMatch("city", "Marseille", "à Marseille"),
    ],
)
def test_places_match_place_matches_on_every_event(
    corpus: tuple[list[Event], Candidates], place: PlaceMatch
) -> None:
    events, candidates = corpus
    expected = [pos for pos, e in enumerate(events) if place.matches(e)]
    assert candidates.at_place(place).tolist() == expected


def test_radius_matches_the_great_circle_distance_of_every_event(
    corpus: tuple[list[Event], Candidates],
) -> None:
    events, candidates = corpus
    for lat, lon, km in [(49.18, -0.37, 5), (49.18, -0.37, 40), (48.85, 2.35, 3), (45.0, 5.0, 50)]:
        expected = [
            pos
            for pos, e in enumerate(events)
            if e.latitude is not None and _km(lat, lon, e.latitude, e.longitude or 0) <= km
        ]
        assert candidates.near(lat, lon, km).tolist() == expected


def test_near_places_match_place_matches_on_every_event(
    corpus: tuple[list[Event], Candidates],
) -> None:
    events, candidates = corpus
    for km in (5.0, 30.0):
        place = PlaceMatch(
            "city", "Caen", "près de Caen", radius_km=km, latitude=49.18, longitude=-0.37
        )
        expected = [pos for pos, e in enumerate(events) if place.matches(e)]
        assert candidates.at_place(place).tolist() == expected


def test_the_gazetteer_survives_its_round_trip_through_the_store(
    corpus: tuple[list[Event], Candidates],
) -> None:
    events, _ = corpus
    gazetteer = Gazetteer.from_events(events)
    again = Gazetteer.from_dict(json.loads(json.dumps(gazetteer.to_dict())))
    assert again == gazetteer
    assert again.find("un concert à Caen") == gazetteer.find("un concert à Caen") is not None


def test_ranges_and_next_on(corpus: tuple[list[Event], Candidates]) -> None:
    events, candidates = corpus
    offsets = np.asarray([0, 2, 2, 5, 6])
    assert ranges(offsets, np.asarray([0, 1, 3])).tolist() == [0, 1, 5]
    now = datetime(2026, 6, 1, tzinfo=PARIS).timestamp()
    ids = np.arange(len(events))
    starts, lasting = candidates.next_on(ids, now)
    assert candidates.next_start(ids, now).tolist() == starts.tolist()
    for pos, when, long in zip(ids, starts, lasting, strict=True):
        later = [
            (max(o.start.timestamp(), now), o.end.timestamp() - o.start.timestamp())
            for o in events[pos].occurrences
            if o.end.timestamp() >= now
        ]
        first = min(later, key=lambda pair: pair[0]) if later else (math.inf, math.inf)
        assert (when, long) == first


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(h, 1.0)))


def _fingerprint(version: Path) -> dict[str, tuple[int, int, str]]:
    return {
        str(p.relative_to(version)): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(version.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("ivf", [False, True], ids=["flat", "ivf"])
def test_served_index_files_are_never_written(
    data_dir: Path, ivf: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Served versions are memory-mapped by every worker: asking, reloading and building
    the next version must leave every byte (and mtime) of their files as written (the IVF
    one is also read in place for exact scores, rag/exact.py)."""
    if ivf:
        monkeypatch.setattr("rag.index.IVF_THRESHOLD", 10)
    settings = Settings()
    embedder = USEEmbedder()
    events = _events(60, seed=3)
    first = build_index(settings, events, embedder)
    version = settings.indexes_dir / first.version
    before = _fingerprint(version)
    assistant = Assistant(
        settings, embedder, create_generator(settings), load_index(settings, embedder)
    )
    questions = ["concert à Paris", "exposition en Normandie ce mois-ci", "que faire ?", "atelier"]
    for question in questions:
        assistant.ask(AskRequest(question=question, as_of=date(2026, 3, 2)))
    second = build_index(settings, events[:50], embedder)
    assert assistant.reload()
    for question in questions:
        assistant.ask(AskRequest(question=question, as_of=date(2026, 3, 2)))
    assert _fingerprint(version) == before
    assert {p.name for p in settings.indexes_dir.iterdir()} >= {first.version, second.version}
