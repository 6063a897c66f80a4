"""A kind asked finds the events that name it by other words: a concert by its music
("Soirée jazz"), a hike by "Balade" (matched in words, not meaning); leaving concerts out
keeps a jazz workshop. Real model and FAISS on a small hand-written corpus."""

from __future__ import annotations

from datetime import date

import pytest

from rag.engine import Assistant
from rag.models import Event
from rag.schemas import AskRequest
from tests.factories import indexed_assistant, make_event

TODAY = date(2026, 11, 26)  # a Thursday
SATURDAY = date(2026, 11, 28)


def _event(
    uid: str, title: str, description: str, hour: int, keywords: list[str], **place: str
) -> Event:
    return make_event(
        uid,
        title=title,
        description=description,
        days=[SATURDAY],
        hour=hour,
        keywords=keywords,
        address="",
        **({"venue": "La Fabrique", "department": "Paris", "region": "Île-de-France"} | place),
    )


CORPUS = [
    _event(
        "quartet",
        "Naïma Trio : Landscapes",
        "Le trio de jazz de Naïma joue ses nouvelles compositions, flûte et tablas.",
        20,
        ["jazz", "flûte"],
    ),
    _event(
        "workshop",
        "Atelier jazz pour les enfants",
        "Les enfants découvrent le rythme et l'improvisation jazz avec des percussions.",
        10,
        ["atelier", "jazz", "enfants"],
    ),
    _event(
        "talk",
        "Conférence : l'histoire des ponts de Paris",
        "Une historienne raconte les ponts de la Seine, du Pont Neuf au viaduc d'Austerlitz.",
        18,
        ["conférence", "histoire"],
    ),
    _event(
        "walk",
        "Balade sur Trinquies",
        "Marche de 9,5 km",
        9,
        [],
        venue="Place Charles de Gaulle",
        city="Huppy",
        department="Somme",
        region="Hauts-de-France",
    ),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return indexed_assistant(tmp_path_factory.mktemp("kinds"), CORPUS)


def _ask(assistant: Assistant, question: str) -> list[str]:
    response = assistant.ask(AskRequest(question=question, as_of=TODAY))
    return [source.uid for source in response.sources]


@pytest.mark.parametrize(
    "question",
    ["Un concert samedi soir à Paris ?", "Any concert on Saturday night in Paris?"],
)
def test_a_concert_is_found_by_its_music(assistant: Assistant, question: str) -> None:
    assert _ask(assistant, question)[:1] == ["quartet"]


def test_leaving_concerts_out_keeps_a_workshop_about_music(assistant: Assistant) -> None:
    assert "workshop" in _ask(assistant, "Un atelier pour les enfants samedi, pas un concert")


@pytest.mark.parametrize(
    "question", ["une rando dans la Somme samedi ?", "a hike in the Somme on Saturday?"]
)
def test_a_hike_is_the_walk_that_says_balade(assistant: Assistant, question: str) -> None:
    assert _ask(assistant, question) == ["walk"]
