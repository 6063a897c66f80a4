"""English kinds of outings in the French words of the events (rag.translation)."""

from __future__ import annotations

from rag.language import detect_language
from rag.translation import in_french


def test_a_kind_gets_its_french_words_as_one_choice() -> None:
    found = in_french("a hike near the lake")
    assert found.topic == "a hike near the lake randonnee balade marche"
    assert found.choices == [frozenset({"hike", "randon", "balad", "march"})]


def test_the_longest_expression_wins() -> None:
    found = in_french("a book signing")
    assert found.topic.endswith("dedicace") and "livre" not in found.topic
    assert in_french("concerts de jazz").choices == []


def test_a_tie_of_function_words_is_broken_by_how_common_the_words_are() -> None:
    assert detect_language("a cooking class") == "en"
    assert detect_language("wine tasting") == "en"
    assert detect_language("atelier poterie") == "fr"
    assert detect_language("escape game") == "fr"  # French says it too: not enough
