"""Typing slips in the question's own words, fixed before it is read (`rag.spelling`)."""

from __future__ import annotations

import pytest

from rag.language import detect_language
from rag.spelling import fix_slips


def fixed(question: str, corpus: frozenset[str] = frozenset()) -> str:
    return fix_slips(question, detect_language(question), corpus.__contains__)


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        # a slip in a date, a place, a cue or a topic word: dropped, doubled, swapped, wrong
        ("Que faire en ocobre ?", "Que faire en octobre ?"),
        ("Quels événements à Touloouse ?", "Quels événements à Toulouse ?"),
        # a slip in a part of a compound is one in the whole word
        ("Des concerts de jazz ce week-ennd ?", "Des concerts de jazz ce weekend ?"),
        ("jazz ce waek-end", "jazz ce weekend"),
        ("pour la Saint-Valentni", "pour la Saint-Valentin"),
        ("Qu'estt-ce qu'il y a le 19 mars ?", "Qu'est-ce qu'il y a le 19 mars ?"),
        ("des trucs gartuits la premiere semaine", "des trucs gratuits la premiere semaine"),
        ("Une viisite adaptée aux malvoyants", "Une visite adaptée aux malvoyants"),
        ("je suis accro au cocolat", "je suis accro au chocolat"),
        ("koi faire le 14 juilet a paris ?", "koi faire le 14 juillet a paris ?"),
        # the question's language first: "traveil" is "travail", not "travel"
        ("Je serai à Rennes pour le traveil", "Je serai à Rennes pour le travail"),
        ("any evnets in Alsace?", "any events in Alsace?"),
        ("anything on Frriday night?", "anything on Friday night?"),
        ("wheelchair-acceessible shows", "wheelchair-accessible shows"),
    ],
)
def test_a_slip_is_the_common_word_one_edit_away(question: str, meant: str) -> None:
    assert fixed(question) == meant


@pytest.mark.parametrize(
    "question",
    [
        "des graffeurs qui peignent en direct",  # rare inflected forms are words
        "learn composting in a community garden",
        "un récital de Bharatanatyam",  # no common word one edit away
        "un concert au JASS club",  # acronyms are no slips
        "ecouter de la kora",  # short words are too often another word
        "des expos sympas et des ateliers créatifs",
        "Peut-on y aller avec mon beau-père et les grands-parents ? Y a-t-il un tarif ?",
    ],
)
def test_words_and_names_stay_as_written(question: str) -> None:
    assert fixed(question) == question


def test_a_word_the_corpus_uses_is_no_slip() -> None:
    assert fixed("le spectacle de Lamert", frozenset({"lamert"})) == "le spectacle de Lamert"
    assert fixed("le spectacle de Lamert") == "le spectacle de Lambert"
