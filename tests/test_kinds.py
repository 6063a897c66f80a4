"""The words events use for the kinds of outings a question names (rag.kinds)."""

from __future__ import annotations

import pytest

from rag.kinds import kind_choices
from rag.language import detect_language


def test_an_english_kind_gets_its_french_words_as_one_choice() -> None:
    assert kind_choices("a hike near the lake", "en") == [
        frozenset({"hike", "randon", "balad", "march", "promenad"})  # a randonnée's too
    ]


def test_a_french_kind_gets_the_words_events_use_instead() -> None:
    assert kind_choices("une rando dans la Somme", "fr") == [
        frozenset({"rando", "randon", "balad", "march", "promenad"})
    ]


def test_the_longest_expression_wins() -> None:
    [choice] = kind_choices("a book signing", "en")
    assert "dedicac" in choice and "livr" not in choice


def test_a_broad_kind_gets_the_narrower_ones_the_events_name() -> None:
    [french] = kind_choices("un spectacle vivant", "fr")
    assert {"theatr", "cirqu", "spectacl"} <= french
    [english] = kind_choices("a kids show", "en")  # show -> spectacle -> théâtre, danse...
    assert {"show", "spectacl", "theatr"} <= english
    assert kind_choices("concerts de jazz", "fr") == []
    [job] = kind_choices("je cherche du taf", "fr")  # everyday words, the events' own
    assert {"taf", "emploi", "recrutement"} <= job


def test_a_tie_of_function_words_is_broken_by_how_common_the_words_are() -> None:
    assert detect_language("a cooking class") == "en"
    assert detect_language("wine tasting") == "en"
    assert detect_language("atelier poterie") == "fr"
    assert detect_language("escape game") == "fr"  # French says it too: not enough


@pytest.mark.parametrize(
    ("topic", "french"),
    [
        ("an escape room", {"escap", "game"}),
        ("the Swedish Institute", {"suedoi"}),
        ("any open days", {"port", "ouvert"}),
    ],
)
def test_what_visitors_say_in_english_has_its_french_words(topic: str, french: set[str]) -> None:
    assert any(french <= choice for choice in kind_choices(topic, "en"))
