"""Everyday French and English word frequencies (wordfreq), as rag.common_words reads them."""

from __future__ import annotations

import pytest

from rag.common_words import english_only, french_too, zipf


@pytest.mark.parametrize(
    ("word", "shared"),
    [
        ("reggae", True),  # said alike in both languages
        ("rugby", True),
        ("sushi", True),
        ("poterie", True),  # French only
        ("ete", True),  # folded like the questions: "été"
        ("hiking", False),  # English: French events say "randonnée"
        ("cooking", False),
        ("knitting", False),
        ("zzyzx", False),  # no language's word
    ],
)
def test_a_word_french_uses_as_english_does(word: str, shared: bool) -> None:
    assert french_too(word) is shared


def test_frequencies_are_on_the_zipf_scale() -> None:
    assert 6 < zipf("le", "fr") < 8 and 6 < zipf("the", "en") < 8
    assert zipf("zzyzx", "fr") == 0.0


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("tales", True),  # spelled right in English: not short for "talentueux"
        ("hike", True),
        ("conf", False),  # French too: short for "conférence"
        ("expo", False),
        ("rando", False),
        ("classik", False),  # no language's word: a misspelling
    ],
)
def test_an_english_only_word_is_spelled_right(word: str, english: bool) -> None:
    assert english_only(word) is english
