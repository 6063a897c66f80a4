"""Places the corpus does not spell out (issue 10, class 4), on a small hand-written corpus.

"près de X" as a radius, departments by number, records without department or region,
towns whose name holds another place, countries, towns the corpus lacks.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from rag.models import Event
from rag.places import NEAR_KM, Gazetteer, event_place, place_phrase, unknown_place
from rag.query import understand


def _at(
    uid: str,
    city: str,
    latitude: float,
    longitude: float,
    postal_code: str | None = None,
    insee: str | None = None,
    region: str | None = None,
    country: str | None = None,
) -> Event:
    return Event(
        uid=uid,
        title="x",
        city=city,
        latitude=latitude,
        longitude=longitude,
        postal_code=postal_code,
        insee=insee,
        region=region,
        country=country,
    )


EVENTS = [
    _at("lyon", "Lyon", 45.767, 4.834, postal_code="69001"),
    _at("villeurbanne", "Villeurbanne", 45.766, 4.880, postal_code="69100"),
    _at("vienne", "Vienne", 45.525, 4.874, postal_code="38200"),
    _at("st-laurent", "Saint-Laurent-du-Var", 43.673, 7.190, postal_code="06700"),
    _at("toulon", "Toulon", 43.124, 5.928, postal_code="83000"),
    _at("rennes", "Rennes", 48.111, -1.680, insee="35238"),
    _at("herblain", "Saint-Herblain", 47.212, -1.651, postal_code="44800"),
    _at("aoste", "Aoste", 45.737, 7.320, region="Vallée d'Aoste", country="Italie"),
    Event(uid="paris", title="x", city="Paris", postal_code="75011", country="France"),
]
GAZETTEER = Gazetteer.from_events(EVENTS)


def found(question: str) -> list[str]:
    place = GAZETTEER.find(question)
    assert place is not None, question
    return [e.uid for e in EVENTS if place.matches(e)]


@pytest.mark.parametrize(
    ("question", "uids"),
    [
        ("Que faire près de Lyon ?", ["lyon", "villeurbanne"]),
        ("autour de Lyon ce week-end", ["lyon", "villeurbanne"]),
        ("à côté de Lyon", ["lyon", "villeurbanne"]),
        ("things to do near Lyon", ["lyon", "villeurbanne"]),
        ("aux alentours de Lyon", ["lyon", "villeurbanne"]),
        ("un événement emploi vers Lyon ?", ["lyon", "villeurbanne"]),  # "vers": about there
        ("à Lyon", ["lyon"]),  # the city itself, no radius
        # A town the corpus lacks: its coordinates come from rag/resources/fr-towns.tsv.
        ("près de Nantes", ["herblain"]),
        ("evenements pres de nantes", ["herblain"]),
    ],
)
def test_near_is_a_radius(question: str, uids: list[str]) -> None:
    assert found(question) == uids


def test_the_radius_is_stated() -> None:
    place = GAZETTEER.find("près de Lyon")
    assert place is not None and place.radius_km == NEAR_KM
    assert place_phrase(place) == f"à moins de {NEAR_KM:g} km de Lyon"


@pytest.mark.parametrize(
    ("question", "uids"),
    [
        ("Que faire dans le 69 ?", ["lyon", "villeurbanne"]),
        ("dans le 06", ["st-laurent"]),
        ("concerts (83)", ["toulon"]),
        ("département 35", ["rennes"]),
        ("dans les Alpes-Maritimes", ["st-laurent"]),
        ("dans le Var", ["toulon"]),  # not Saint-Laurent-du-Var
        ("en Bretagne", ["rennes"]),  # region from the INSEE code
        ("en AURA", ["lyon", "villeurbanne", "vienne"]),
        ("en Italie", ["aoste"]),
        ("anything in Italy in March?", ["aoste"]),  # its English name (countries-en-fr.tsv)
        # a city or region abroad by its English or local name (abroad-en-fr.tsv)
        ("I'll be in Aosta in March", ["aoste"]),
        ("des événements dans le Val d'Aoste ?", ["aoste"]),
        ("à Saint-Laurent-du-Var", ["st-laurent"]),
        ("a saint laurent du var", ["st-laurent"]),
    ],
)
def test_departments_regions_countries(question: str, uids: list[str]) -> None:
    assert found(question) == uids


def test_records_without_department_get_it_from_postal_or_insee_code() -> None:
    place = event_place(EVENTS[5])
    assert (place.department, place.region) == ("Ille-et-Vilaine", "Bretagne")
    assert event_place(EVENTS[3]).department == "Alpes-Maritimes"


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Que faire à Marseille ?", "Marseille"),  # known town, absent from the corpus
        ("concerts a Marseille", "Marseille"),
        ("près de lille", "Lille"),
    ],
)
def test_towns_the_corpus_lacks_are_known(question: str, name: str) -> None:
    place = GAZETTEER.find(question)
    assert place is not None and place.name == name
    assert not any(place.matches(e) for e in EVENTS if e.city != name)


@pytest.mark.parametrize(
    "question",
    [
        "Yoga au Jardin des Plantes",  # "Jardin" is a town, but here the head of a name
        "le 14 juillet",  # a date, not the department 14
        "un atelier de 12 ans",
        "la vue depuis la tour",
    ],
)
def test_ordinary_words_are_not_towns(question: str) -> None:
    assert GAZETTEER.find(question) is None


@pytest.mark.parametrize(
    ("question", "quarter", "phrase"),
    [
        (
            "Des choses à faire à Montmartre en juillet ?",
            "Montmartre",
            "quartier Montmartre (Paris)",
        ),
        ("expo photo ce we dans le Marais", "Marais", "quartier Marais (Paris)"),
        ("anything in the Marais tonight?", "Marais", "quartier Marais (Paris)"),
        ("a photo festival around Saint-Germain-des-Prés", "Saint-Germain-des-Prés", None),
        ("un concert à Bercy", "Bercy", None),
    ],
)
def test_a_neighbourhood_is_a_small_radius_around_it(
    question: str, quarter: str, phrase: str | None
) -> None:
    """rag/resources/paris-quarters.tsv: before the towns that share a name (there are
    communes called Saint-Germain-des-Prés) and read as "près de" its centre."""
    place = GAZETTEER.find(question)
    assert place is not None and (place.name, place.quarter) == ("Paris", quarter)
    assert place.radius_km is not None and place.radius_km < 2
    assert phrase is None or place_phrase(place) == phrase
    sacre_coeur = Event(uid="s", title="x", city="Paris", latitude=48.8867, longitude=2.3431)
    assert place.matches(sacre_coeur) == (quarter == "Montmartre")


def test_a_neighbourhood_that_is_an_everyday_word_needs_a_preposition() -> None:
    assert GAZETTEER.find("les marais salants de Guérande") is None


@pytest.mark.parametrize(
    ("question", "name", "radius"),
    [
        ("anything within 20 km of Lyon?", "Lyon", 20.0),
        ("des concerts à 10 km de Lyon ?", "Lyon", 10.0),
        ("près de Lyon, 30 km max", "Lyon", 30.0),
        ("something 25 km from Lyon", "Lyon", 25.0),
        ("dans un rayon de 5 km autour de Lyon", "Lyon", 5.0),
        ("une course de 10 km à Lyon", "Lyon", None),  # a length, not a distance
    ],
)
def test_a_distance_said_is_the_radius(question: str, name: str, radius: float | None) -> None:
    u = understand(question, date(2026, 11, 26), GAZETTEER, ZoneInfo("Europe/Paris"))
    assert u.place is not None and (u.place.name, u.place.radius_km) == (name, radius)
    assert "km" not in u.topic or radius is None


@pytest.mark.parametrize(
    ("question", "name", "topic"),
    [
        ("et dans l'Oise ou l'Aisne, c'est pareil ?", "Oise", ""),  # listed: no topic
        ("à Lyon ou Villeurbanne, un concert ?", "Lyon", "concert"),
        ("Staying in Montmartre, anything in the 18th arrondissement?", "Paris", ""),
        ("à Paris, des fêtes de la Bretagne ?", "Paris", "fêtes de la Bretagne"),
        ("Visiting Lyon in the Rhône this spring, what's on in the city?", "Lyon", ""),
    ],
)
def test_a_second_place_listed_or_said_again_is_no_topic(
    question: str, name: str, topic: str
) -> None:
    u = understand(question, date(2026, 11, 26), GAZETTEER, ZoneInfo("Europe/Paris"))
    assert u.place is not None and u.place.name == name and u.topic == topic


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("à Lyon ou à Villeurbanne, un concert ?", [("Lyon", None), ("Villeurbanne", None)]),
        ("in Lyon, Vienne or Toulon?", [("Lyon", None), ("Vienne", None), ("Toulon", None)]),
        ("dans le 11e ou le 12e ?", [("Paris", 11), ("Paris", 12)]),
        ("à Rennes, en Bretagne", [("Rennes", None)]),  # where the town is: no second place
    ],
)
def test_places_listed_together_are_all_asked(
    question: str, places: list[tuple[str, int | None]]
) -> None:
    u = understand(question, date(2026, 11, 26), GAZETTEER, ZoneInfo("Europe/Paris"))
    assert u.place is not None
    assert [(p.name, p.arrondissement) for p in (u.place, *u.also)] == places


def test_near_a_square_is_a_walk_around_it() -> None:
    place = GAZETTEER.find("près du métro Place d'Italie, un concert ?")
    assert place is not None and place.quarter == "Place d'Italie"
    assert place.radius_km is not None and place.radius_km >= 1.5
    assert GAZETTEER.find("Quoi faire dans le 92 en novembre ?") is not None  # "92 en": no "e"


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("un concert à Tataouine samedi", "Tataouine"),
        ("des spectacles en Atlantide ?", "Atlantide"),
        ("une soirée de tubes, genre de Dalida à Aya Nakamura", None),  # a range of names
        ("from Bach to Coltrane, du jazz de Bach à Coltrane", None),
        # days and months are no places, in English after its article "a" too
        ("a yoga class on a Sunday in August?", None),
        ("un concert à Noël ou en Mars ?", None),
    ],
)
def test_a_capitalized_name_after_a_is_an_unknown_place_unless_it_ends_a_range(
    question: str, name: str | None
) -> None:
    place = unknown_place(question)
    assert (place.name if place else None) == name


def test_a_city_abroad_knows_its_region_and_country_after_a_reload() -> None:
    """What says where a city abroad is ("Aosta in Italy") is stored with the index."""
    assert GAZETTEER.city_areas("Aoste") == ["Vallée d'Aoste", "Italie"]
    assert Gazetteer.from_dict(GAZETTEER.to_dict()).city_areas("aoste") == GAZETTEER.city_areas(
        "Aoste"
    )
    assert GAZETTEER.city_areas("Lyon") == []  # French cities: department and region
