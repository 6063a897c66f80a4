"""Places in questions, on the gazetteer of the demo corpus (tests/corpus.py) and on the one
of the 1,000 real OpenAgenda events when ../shared is there."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from rag.models import Event
from rag.normalize import from_ods_record
from rag.places import Gazetteer, PlaceMatch, event_place, haversine_km, place_phrase
from rag.sources.files import read_records
from tests.corpus import demo_events


@pytest.fixture(scope="module")
def events(shared_files: list[Path]) -> list[Event]:
    return [from_ods_record(r) for path in shared_files for r in read_records(path)]


@pytest.fixture(scope="module")
def gazetteer(events: list[Event]) -> Gazetteer:
    # Real events plus a few cities whose names are also everyday words.
    extra = [
        Event(uid=f"x{i}", title="x", city=city, postal_code=code)
        for i, (city, code) in enumerate(
            [
                ("Tours", "37000"),
                ("Orange", "84100"),
                ("Vienne", "38200"),
                ("Nuits-Saint-Georges", "21700"),
                ("Saint-Étienne", "42000"),
                ("Pau", "64000"),
            ]
        )
    ]
    return Gazetteer.from_events([*events, *extra])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que faire ce week-end à Paris ?", ("city", "Paris", "à Paris")),
        ("que faire a paris", ("city", "Paris", "a paris")),
        ("des expos sur PARIS", ("city", "Paris", "sur PARIS")),
        ("concerts à Clermont-Ferrand", ("city", "Clermont-Ferrand", "à Clermont-Ferrand")),
        ("concerts à clermont ferrand", ("city", "Clermont-Ferrand", "à clermont ferrand")),
        ("visites Strasbourg", ("city", "Strasbourg", "Strasbourg")),
        ("au Mans", ("city", "Le Mans", "au Mans")),
        ("aux Sables-d'Olonne", ("city", "Les Sables-d'Olonne", "aux Sables-d'Olonne")),
        ("à St Herblain", ("city", "Saint-Herblain", "à St Herblain")),
        ("ste genevieve des bois", ("city", "Sainte-Geneviève-des-Bois", None)),
        ("à Saint-Étienne", ("city", "Saint-Étienne", "à Saint-Étienne")),
        ("st etienne", ("city", "Saint-Étienne", "st etienne")),
        ("à Tours", ("city", "Tours", "à Tours")),
        ("près de Vienne", ("city", "Vienne", "près de Vienne")),
        ("à Orange", ("city", "Orange", "à Orange")),
        ("fête à Nuits-Saint-Georges", ("city", "Nuits-Saint-Georges", "à Nuits-Saint-Georges")),
        ("en Bretagne", ("region", "Bretagne", "en Bretagne")),
        ("en Île-de-France", ("region", "Île-de-France", "en Île-de-France")),
        ("en ile de france", ("region", "Île-de-France", "en ile de france")),
        ("en IDF", ("region", "Île-de-France", "en IDF")),
        ("en région parisienne", ("region", "Île-de-France", "en région parisienne")),
        ("en Normandie", ("region", "Normandie", "en Normandie")),
        ("en Occitanie", ("region", "Occitanie", "en Occitanie")),
        ("en Bourgogne-Franche-Comté", ("region", "Bourgogne-Franche-Comté", None)),
        ("en Alsace", ("region", "Grand Est", "en Alsace")),
        ("en Corse", ("region", "Corse", "en Corse")),
        ("dans le Calvados", ("department", "Calvados", "dans le Calvados")),
        ("dans les Hauts-de-Seine", ("department", "Hauts-de-Seine", None)),
        ("dans le Nord", ("department", "Nord", "dans le Nord")),
        ("dans le Cher", ("department", "Cher", "dans le Cher")),
        ("à Montréal", ("city", "Montréal", "à Montréal")),
        ("Caen ou Rennes", ("city", "Caen", "Caen")),
        ("some of Paris's churches", ("city", "Paris", "Paris")),  # a possessive names it
    ],
)
def test_finds_places(gazetteer: Gazetteer, question: str, expected: tuple[str, ...]) -> None:
    found = gazetteer.find(question)
    kind, name, expression = expected
    assert found is not None, question
    assert (found.kind, found.name) == (kind, name)
    assert found.expression == (expression or question)


@pytest.mark.parametrize(
    "question",
    [
        "un concert pas cher",  # Cher
        "Tours de magie",  # Tours
        "la nuit des musées",
        "jus d'orange et crêpes",  # Orange
        "le sens de la fête",  # Sens
        "le nord de la France",  # Nord
        "Que faire ce week-end ?",
    ],
)
def test_common_words_need_a_preposition(gazetteer: Gazetteer, question: str) -> None:
    assert gazetteer.find(question) is None


@pytest.mark.parametrize(
    ("question", "arrondissement"),
    [
        ("Paris 15e", 15),
        ("dans le 11e", 11),
        ("75014", 14),
        ("75116", 16),
        ("le 3e âge", None),
        ("in the 11th arrondissement", 11),
        ("Paris 3rd", 3),
        ("the 18th district", 18),
        ("the 18th arrondissment", 18),  # misspelled, abbreviated
        ("dans le 5e arrdt", 5),
        ("on the 11th of May", None),
    ],
)
def test_paris_arrondissements(
    gazetteer: Gazetteer, question: str, arrondissement: int | None
) -> None:
    found = gazetteer.find(question)
    if arrondissement is None:
        assert found is None
    else:
        assert found == PlaceMatch("city", "Paris", question, arrondissement)


def test_corpus_spellings_become_one_canonical_name(
    events: list[Event], gazetteer: Gazetteer
) -> None:
    # The raw data has "Ile de France", "IDF", "Brittany", "Normandy", "Occitania", "PARIS".
    assert gazetteer.regions["Île-de-France"] >= 900
    assert {"Bretagne", "Normandie", "Occitanie", "Bourgogne-Franche-Comté"} <= set(
        gazetteer.regions
    )
    assert not {"Brittany", "Normandy", "Occitania", "Ile de France", "IDF"} & set(
        gazetteer.regions
    )
    assert (
        "PARIS" not in gazetteer.cities and gazetteer.cities["Paris"] == 900
    )  # Huppy, geocoded in Paris, moved to the Somme
    # Departments come from the postal code when the source left them out.
    assert gazetteer.departments["Paris"] >= 900
    assert not any(d.isdigit() for d in gazetteer.departments)
    paris = [e for e in events if e.city == "Paris" and e.postal_code == "75014"]
    assert paris and all(event_place(e).arrondissement == 14 for e in paris)


def test_canonical_names_for_callers(gazetteer: Gazetteer) -> None:
    assert gazetteer.canonical_city("paris") == "Paris"
    assert gazetteer.canonical_city("st etienne") == "Saint-Étienne"
    assert gazetteer.canonical_city("Les Sables d'Olonne") == "Les Sables-d'Olonne"
    assert gazetteer.canonical_city("Atlantis") is None
    assert gazetteer.canonical_city("Bretagne") is None  # a region, not a city
    assert Gazetteer.canonical_region("Brittany") == "Bretagne"
    assert Gazetteer.canonical_region("Bourgogne – Franche-Comté") == "Bourgogne-Franche-Comté"
    assert Gazetteer.canonical_region("Québec") == "Québec"
    assert Gazetteer.canonical_department("Upper Savoy") == "Haute-Savoie"
    assert Gazetteer.canonical_department("75008") is None


def test_matches_filters_real_events(events: list[Event], gazetteer: Gazetteer) -> None:
    def count(place: PlaceMatch | None) -> int:
        assert place is not None
        return sum(place.matches(e) for e in events)

    assert count(gazetteer.find("à Paris")) == 900
    assert count(gazetteer.find("en Bretagne")) == gazetteer.regions["Bretagne"] > 0
    assert count(gazetteer.find("dans le Calvados")) == 2
    assert 0 < count(gazetteer.find("Paris 14e")) < 900
    assert count(gazetteer.find("en Corse")) == 0


@pytest.mark.parametrize("kind", ["city", "department", "region"])
def test_every_place_of_the_demo_corpus_is_found_and_filters(kind: str) -> None:
    events = demo_events()
    gazetteer = Gazetteer.from_events(events)
    cities = {e.city for e in events}
    # Paris is a city and a department: the city is what people mean
    names = {getattr(e, kind) for e in events} - (cities if kind == "department" else set())
    assert len(names) > 5
    for name in names:
        question = f"Que faire {place_phrase(PlaceMatch(kind, name, ''))} ce week-end ?"  # type: ignore[arg-type]
        found = gazetteer.find(question)
        assert found is not None and (found.kind, found.name) == (kind, name), question
        assert sum(found.matches(e) for e in events) == sum(
            getattr(e, kind) == name for e in events
        )


def test_demo_paris_arrondissements() -> None:
    events = demo_events()
    gazetteer = Gazetteer.from_events(events)
    codes = {e.postal_code for e in events if e.city == "Paris"}
    assert len(codes) > 3
    for code in codes:
        assert code is not None
        found = gazetteer.find(f"des concerts à Paris {int(code[-2:])}e ?")
        assert found == PlaceMatch(
            "city", "Paris", found.expression if found else "", int(code[-2:])
        )
        assert {e.postal_code for e in events if found.matches(e)} == {code}


def test_place_phrases() -> None:
    assert place_phrase(PlaceMatch("city", "Paris", "")) == "à Paris"
    assert place_phrase(PlaceMatch("city", "Le Mans", "")) == "au Mans"
    assert place_phrase(PlaceMatch("city", "Paris", "", 1)) == "à Paris (1er arrondissement)"
    assert place_phrase(PlaceMatch("region", "Hauts-de-France", "")) == "dans les Hauts-de-France"


def test_find_speed_on_a_thousand_cities() -> None:
    """Prints a figure; the benchmark is informative, not an assertion on time."""
    cities = [Event(uid=str(i), title="x", city=f"Ville-{i}-sur-Mer") for i in range(1000)]
    big = Gazetteer.from_events(cities)
    question = "Quels concerts de jazz gratuits ce week-end à Ville-999-sur-Mer pour les enfants ?"
    started = time.perf_counter()
    for _ in range(200):
        found = big.find(question)
    per_call = (time.perf_counter() - started) / 200 * 1e6
    print(f"Gazetteer.find on 1,000 cities: {per_call:.0f} µs per question")
    assert found is not None and found.name == "Ville-999-sur-Mer"


VENUES = [
    Event(uid=f"v{i}", title="x", city="Toulouse", venue=venue)
    for i, venue in enumerate(
        [
            "Le Zénith de Toulouse",
            "Zénith Sud",
            "Théâtre Garonne",
            "Théâtre du Pavé",
            "Musée",
            "Institut suédois",
            "Comédie-Française",
            "Musée Guimet",
            "La Belle Étoile",
            "Le Grand Rex",
        ]
    )
]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Qui passe au Zénith ?", {"Le Zénith de Toulouse", "Zénith Sud"}),
        ("au Zénith de Toulouse samedi", {"Le Zénith de Toulouse"}),
        ("events at the Théâtre Garonne", {"Théâtre Garonne"}),
        ("chez Théâtre du Pavé", {"Théâtre du Pavé"}),
        ("du théâtre au théâtre", None),  # a kind of venue
        ("une visite au Musée", None),  # a venue named only by its kind
        ("Théâtre Garonne : le programme", None),  # no preposition
        # a whole name written as one, its kind word capitalized ("suédois" is an adjective)
        ("quoi de neuf à l'Institut suédois ?", {"Institut suédois"}),
        ("what's on at the Institut suédois?", {"Institut suédois"}),
        ("un institut suédois ?", None),
        # written all in lower case, capitals say nothing: a whole name that says its kind,
        # is hyphenated or holds a word of no everyday language is one; common words are not
        ("ce qui se joue a la comedie-francaise", {"Comédie-Française"}),
        ("quoi de neuf au musee guimet ?", {"Musée Guimet"}),
        ("un film a la belle etoile", None),
        ("un film à la belle étoile, au Grand Rex ?", {"Le Grand Rex"}),
        ("un film a la Belle Etoile", {"La Belle Étoile"}),
    ],
)
def test_venues_named_in_questions(question: str, names: set[str] | None) -> None:
    gazetteer = Gazetteer.from_dict(
        Gazetteer.from_events(VENUES).to_dict()
    )  # as an index stores it
    venue = gazetteer.find_venue(question)
    assert (set(venue.names) if venue else None) == names


def test_an_index_built_before_venues_knows_none() -> None:
    data = Gazetteer.from_events(VENUES).to_dict()
    del data["venues"]
    assert Gazetteer.from_dict(data).find_venue("au Zénith") is None


def test_distance_is_the_great_circle() -> None:
    # Nice to Saint-Laurent-du-Var, and Paris to Lyon (392 km as the crow flies)
    assert float(haversine_km(43.7102, 7.2620, 43.6730, 7.1900)) == pytest.approx(7.0, abs=0.3)
    assert float(haversine_km(48.8566, 2.3522, 45.7640, 4.8357)) == pytest.approx(392, abs=3)
    # one point to many, as the candidate grid asks
    many = haversine_km(48.8566, 2.3522, np.array([48.8566, 45.7640]), np.array([2.3522, 4.8357]))
    assert many == pytest.approx([0.0, 392], abs=3)


POSTED = [
    Event(uid="r", title="x", city="Rennes", postal_code="35000", latitude=48.11, longitude=-1.68),
    Event(uid="c", title="x", city="Cesson-Sévigné", postal_code="35510"),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a postal code said alone: the corpus's town with it, else its department
        ("events in 35000?", ("city", "Rennes", None)),
        ("que faire 35510 ?", ("city", "Cesson-Sévigné", None)),
        ("69003 ce week-end", ("department", "Rhône", None)),
        ("près de 35000", ("city", "Rennes", 15.0)),
        # amounts and counts are no postal codes
        ("un concert pour 15000 personnes", None),
        ("tickets 20000 euros", None),
    ],
)
def test_a_postal_code_is_a_place(question: str, expected: tuple[str, str, float] | None) -> None:
    place = Gazetteer.from_dict(Gazetteer.from_events(POSTED).to_dict()).find(question, 15.0)
    found = (place.kind, place.name, place.radius_km) if place else None
    assert found == expected
