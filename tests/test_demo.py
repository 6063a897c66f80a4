"""The generated demo corpus: complete, varied, dated around today, deterministic."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from rag.cues import free_for_all
from rag.demo import Venue, at_venue, date_label, generate_demo_events, the_venue
from rag.demo.vocabulary import PLACES, WORDS
from rag.models import Event, Occurrence

THURSDAY = date(2026, 11, 26)
PARIS = ZoneInfo("Europe/Paris")
FREE = re.compile(r"^(Gratuit|Entrée libre)")


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return generate_demo_events(THURSDAY)


def days_of(event: Event) -> set[date]:
    return {o.start.astimezone(PARIS).date() for o in event.occurrences}


def test_enough_events_with_distinct_uids(events: list[Event]) -> None:
    assert len(events) >= 300
    uids = [e.uid for e in events]
    assert len(set(uids)) == len(uids)
    assert uids[:2] == ["demo-0001", "demo-0002"]


def test_every_event_is_complete(events: list[Event]) -> None:
    for event in events:
        assert event.title and event.city and event.venue and event.address, event.uid
        assert event.occurrences, event.uid
        for occurrence in event.occurrences:
            assert occurrence.start.utcoffset() is not None, event.uid
            assert occurrence.start < occurrence.end, event.uid
        assert event.date_label and event.postal_code and event.department and event.region
        assert event.country == "France"
        assert event.conditions and event.keywords and event.agenda_uid and event.agenda_title
        assert event.status in {"Programmé", "Reporté", "Complet"}
        assert event.attendance_mode in {"Sur place", "En ligne", "Mixte"}
        assert event.url and event.url.startswith("https://example.org/demo/")
        assert 1 <= event.description.count(". ") + 1 <= 2, event.description
        assert 2 <= len(event.long_description.split("\n")) <= 5, event.uid
        assert event.updated_at is not None and event.updated_at.tzinfo is not None


def test_coordinates_are_plausible_for_the_city(events: list[Event]) -> None:
    by_city: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        assert event.latitude is not None and event.longitude is not None
        assert 41 < event.latitude < 51.5 and -5.5 < event.longitude < 10
        by_city[event.city or ""].append(event)
    for city, located in by_city.items():
        lat = statistics.median(e.latitude or 0 for e in located)
        lon = statistics.median(e.longitude or 0 for e in located)
        for event in located:
            assert abs((event.latitude or 0) - lat) < 0.15, (city, event.venue)
            assert abs((event.longitude or 0) - lon) < 0.15, (city, event.venue)


def test_cities_themes_audiences_and_prices_vary(events: list[Event]) -> None:
    cities = {e.city for e in events}
    assert len(cities) >= 10
    assert {"Paris", "Lyon", "Marseille", "Bordeaux", "Strasbourg"} <= cities
    assert len({e.region for e in events}) >= 8
    paris_districts = {e.postal_code for e in events if e.city == "Paris"}
    assert len(paris_districts) >= 6
    keywords = {k for e in events for k in e.keywords}
    themes = {
        "Jazz", "Musique classique", "Rock", "Électro", "Théâtre", "Humour", "Danse", "Opéra",
        "Exposition", "Musée", "Atelier", "Conte", "Marionnettes", "Ciné-club", "Conférence",
        "Visite guidée", "Marché de Noël", "Festival", "Lecture", "Randonnée", "Gastronomie",
        "Sciences", "Numérique", "Cirque",
    }  # fmt: skip
    assert themes <= keywords
    assert {"Tout public", "En famille", "Enfants", "Ados", "Adultes", "Seniors"} <= keywords
    children = [e for e in events if e.age_max is not None and e.age_max <= 12]
    assert len(children) >= 15
    assert all(e.age_min is not None and e.age_min <= e.age_max for e in children)
    free = [e for e in events if FREE.match(e.conditions or "")]
    assert 0.25 <= len(free) / len(events) <= 0.45
    assert {"Programmé", "Reporté", "Complet"} == {e.status for e in events}
    assert {"Sur place", "En ligne", "Mixte"} <= {e.attendance_mode for e in events}


@pytest.mark.parametrize(
    ("today", "weekend"),
    [
        (THURSDAY, [date(2026, 11, 28), date(2026, 11, 29)]),
        (date(2026, 11, 28), [date(2026, 11, 28), date(2026, 11, 29)]),  # Saturday
        (date(2026, 11, 29), [date(2026, 11, 29)]),  # Sunday: what is left of the week-end
    ],
)
def test_plenty_of_events_this_weekend_and_next(today: date, weekend: list[date]) -> None:
    events = generate_demo_events(today)
    this_weekend = [e for e in events if days_of(e) & set(weekend)]
    assert len(this_weekend) >= 40
    saturday = weekend[-1] - timedelta(days=1)
    next_weekend = {saturday + timedelta(days=7), saturday + timedelta(days=8)}
    assert len([e for e in events if days_of(e) & next_weekend]) >= 30
    children = [e for e in this_weekend if e.age_min is not None and e.city == "Paris"]
    assert children, "a Paris family question this week-end must have answers"


def test_dates_spread_around_today(events: list[Event]) -> None:
    starts = [min(days_of(e)) for e in events]
    window = [s for s in starts if THURSDAY - timedelta(days=14) <= s <= THURSDAY + timedelta(91)]
    assert len(window) / len(events) >= 0.85
    assert all(THURSDAY - timedelta(days=60) <= s <= THURSDAY + timedelta(days=91) for s in starts)
    assert len([e for e in events if max(days_of(e)) < THURSDAY]) >= 5  # a few past ones
    this_week = [e for e in events if days_of(e) & {THURSDAY, THURSDAY + timedelta(days=1)}]
    assert len(this_week) >= 20
    long_runs = [e for e in events if (max(days_of(e)) - min(days_of(e))).days >= 21]
    assert len(long_runs) >= 10
    weekly = [e for e in events if len(e.occurrences) >= 3 and "tous les" in (e.date_label or "")]
    assert len(weekly) >= 10
    christmas = [e for e in events if "Marché de Noël" in e.keywords]
    assert christmas and all(max(days_of(e)) <= date(2026, 12, 24) for e in christmas)


def test_same_seed_same_corpus_other_seed_other_corpus(events: list[Event]) -> None:
    again = generate_demo_events(THURSDAY)
    assert [e.to_dict() for e in again] == [e.to_dict() for e in events]
    other = generate_demo_events(THURSDAY, seed=8)
    assert [e.title for e in other] != [e.title for e in events]


def test_texts_are_distinct_and_read_as_french(events: list[Event]) -> None:
    long_texts = [e.long_description for e in events]
    assert len(set(long_texts)) == len(long_texts)
    assert len({e.title for e in events}) >= len(events) * 0.98
    bad_grammar = re.compile(r"\b(de|à) (le|les) \b|\b(de|que) [aeiouéè]", re.IGNORECASE)
    for event in events:
        for text in (event.title, event.description, *event.long_description.split("\n")):
            assert "{" not in text and "}" not in text, text
            assert "lorem" not in text.lower()
            assert text[0].isupper() or text[0] in "«", text
            assert not bad_grammar.search(text), text


def test_date_labels_follow_openagenda() -> None:
    def at(day: int, hour: int, month: int = 11) -> datetime:
        return datetime(2026, month, day, hour, tzinfo=PARIS)

    single = [Occurrence(at(28, 20), at(28, 22))]
    assert date_label(single) == "Samedi 28 novembre 2026, 20h00"
    twice = [Occurrence(at(28, 10), at(28, 11)), Occurrence(at(28, 15), at(28, 16))]
    assert date_label(twice) == "Samedi 28 novembre 2026, 10h00, 15h00"
    run = [Occurrence(at(d, 20), at(d, 22)) for d in (3, 4, 5)]
    assert date_label(run) == "Du 3 au 5 novembre 2026"
    weekly = [Occurrence(at(d, 15, 12), at(d, 16, 12)) for d in (2, 9, 16)]
    assert date_label(weekly) == "Du 2 au 16 décembre 2026, tous les mercredis"


def test_venue_names_in_sentences() -> None:
    assert at_venue("Parc de la Tête d'Or") == "au Parc de la Tête d'Or"
    assert at_venue("Médiathèque Lucienne-Barral") == "à la Médiathèque Lucienne-Barral"
    assert at_venue("Église Saint-Eustache") == "à l'Église Saint-Eustache"
    assert at_venue("Place Carnot") == "sur la Place Carnot"
    assert at_venue("Le Caveau des Tisserands") == "au Caveau des Tisserands"
    assert the_venue("Vieux-Port") == "le Vieux-Port"
    assert the_venue("Maison pour tous des Chartreux") == "la Maison pour tous des Chartreux"


def run_rag(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_rag_demo_writes_raw_processed_and_an_index(data_dir: Path) -> None:
    report = json.loads(run_rag("demo", "--events", "40", "--today", "2026-11-26", "--json"))
    assert set(report) == {"events", "passages", "embedded", "reused", "seconds", "version"}
    assert report["events"] == 40
    assert report["passages"] >= 40
    assert report["embedded"] + report["reused"] == report["passages"]
    raw = list((data_dir / "raw").glob("demo-*.json"))
    assert len(raw) == 1 and len(json.loads(raw[0].read_text(encoding="utf-8"))) == 40
    processed = (data_dir / "processed" / "events.jsonl").read_text(encoding="utf-8")
    assert len(processed.splitlines()) == 40
    info = json.loads(run_rag("info", "--json"))
    assert info["version"] == report["version"]
    assert info["events"] == 40 and info["passages"] == report["passages"]

    again = json.loads(run_rag("demo", "--events", "40", "--today", "2026-11-26", "--json"))
    assert again["reused"] == again["passages"]  # same seed, same texts: nothing re-embedded


def test_a_demo_generated_around_another_day_is_stale(data_dir: Path) -> None:
    """What `rag up` checks before serving: the demo built into the image (or an old volume)
    is regenerated around today in the background, a user's own events never are."""
    from rag.config import Settings
    from rag.demo import build_demo
    from rag.demo_record import DemoRecord, served_demo, stale_demo
    from rag.ingest import ingest
    from rag.sources.files import file_sources

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert served_demo(settings) is None  # nothing yet
    build_demo(settings, THURSDAY, 12, seed=3)
    record = DemoRecord(THURSDAY, 12, 3, settings.embedding_provider)
    assert served_demo(settings) == record
    assert stale_demo(settings, THURSDAY) is None
    assert stale_demo(settings, THURSDAY + timedelta(days=1)) == record

    own = data_dir / "mine.jsonl"
    own.write_text((data_dir / "processed" / "events.jsonl").read_text(encoding="utf-8"))
    ingest(settings, file_sources([own]))  # the user's events now
    assert served_demo(settings) is None and stale_demo(settings, date(2030, 1, 1)) is None


@pytest.mark.slow
def test_rag_demo_if_stale_regenerates_around_today_with_the_same_size(data_dir: Path) -> None:
    from rag.config import Settings
    from rag.demo_record import local_today, served_demo

    run_rag("demo", "--events", "12", "--seed", "3", "--today", "2026-11-26")
    run_rag("demo", "--if-stale")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    record = served_demo(settings)
    assert record is not None and (record.today, record.events, record.seed) == (
        local_today(settings),
        12,
        3,
    )
    info = json.loads(run_rag("info", "--json"))
    assert info["events"] == 12
    before = info["version"]
    run_rag("demo", "--if-stale")  # up to date now: nothing is rebuilt
    assert json.loads(run_rag("info", "--json"))["version"] == before


# -- the vocabulary files ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
FIXED_SLOTS = {"the_venue", "at_venue", "city", "last_day", "age_min", "age_max"}


def _templates() -> list[tuple[str, str]]:
    """(where, template) for every text of the vocabulary that may hold a placeholder."""
    texts: list[tuple[str, str]] = []
    for theme in WORDS.themes:
        for part in ("titles", "teasers", "intros", "details", "extras"):
            texts += [(f"theme {theme.key}.{part}", t) for t in getattr(theme, part)]
    texts += [(f"audience {a.key}", line) for a in WORDS.audiences for line in a.lines]
    texts += [
        (f"venue_lines.{k}", line) for k, lines in WORDS.venue_lines.items() for line in lines
    ]
    texts += [(f"placeholders.{k}", v) for k, values in WORDS.placeholders.items() for v in values]
    texts += [(f"pairs.{k}", v) for k, pairs in WORDS.pairs.items() for pair in pairs for v in pair]
    return texts


def test_every_placeholder_of_the_vocabulary_resolves() -> None:
    known = FIXED_SLOTS | WORDS.people | set(WORDS.placeholders) | set(WORDS.pairs)
    known |= {f"{name}_about" for name in WORDS.pairs}
    known |= {f"{name}2" for name in WORDS.placeholders}  # "{dj} + {dj2}": a second one
    unknown = {
        (where, name)
        for where, template in _templates()
        for name in PLACEHOLDER.findall(template)
        if name not in known
    }
    assert not unknown


def test_every_reference_of_a_theme_exists() -> None:
    audiences = {a.key for a in WORDS.audiences}
    for theme in WORDS.themes:
        assert set(theme.audiences) <= audiences, theme.key
        assert set(theme.prices) <= set(WORDS.prices), theme.key
        assert all(WORDS.venue_lines.get(kind) for kind in theme.kinds), theme.key
        assert any(v.kind in theme.kinds for c in PLACES.cities for v in c.venues), theme.key


def test_the_shared_free_rule_agrees_with_the_demo_prices() -> None:
    """The demo's "3 € / gratuit pour les moins de 12 ans" is not free, for ranking and
    answers alike: rag.cues decides, and it agrees with the generator's price categories."""
    for category, conditions in WORDS.prices.items():
        for text in conditions:
            assert free_for_all(text) == (category == "free"), text
    assert not free_for_all("3 € / gratuit pour les moins de 12 ans")


def test_a_malformed_vocabulary_is_refused_when_loaded() -> None:
    with pytest.raises(ValidationError, match="kind"):
        TypeAdapter(Venue).validate_python(
            {
                "kind": "stade",
                "name": "x",
                "address": "y",
                "postal_code": "1",
                "latitude": 0,
                "longitude": 0,
            }
        )


def test_an_empty_data_dir_is_seeded_with_a_prebuilt_demo(tmp_path: Path) -> None:
    """What the container image does at `rag up` on an empty volume (RAG_SEED_DIR)."""
    from rag.config import Settings
    from rag.demo import build_demo
    from rag.demo_record import seed_data_dir, served_demo
    from rag.versions import active_version

    seed = tmp_path / "seed"
    build_demo(Settings(_env_file=None, RAG_DATA_DIR=seed), THURSDAY, 12)  # type: ignore[call-arg]
    data = tmp_path / "data"

    def settings(**values: str) -> Settings:
        base = {"RAG_DATA_DIR": str(data), "RAG_SEED_DIR": str(seed)}
        return Settings(_env_file=None, **(base | values))  # type: ignore[call-arg]

    assert not seed_data_dir(settings(RAG_SEED_DIR=str(tmp_path / "none")))
    assert not seed_data_dir(settings(EMBEDDING_PROVIDER="e5"))  # another embedder: build
    assert not data.exists()
    assert seed_data_dir(settings())
    assert active_version(settings()) == active_version(settings(RAG_DATA_DIR=str(seed)))
    assert served_demo(settings()) == served_demo(settings(RAG_DATA_DIR=str(seed)))
    assert not seed_data_dir(settings())  # not empty any more: never overwritten
