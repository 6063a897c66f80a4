"""The words events use for the kinds of outings a question names (rag.kinds)."""

from __future__ import annotations

import pytest

from rag.kinds import kind_choices
from rag.language import Language, detect_language


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
    [author] = kind_choices("des rencontres avec des auteurs", "fr")  # a signing, a reading
    assert {"auteur", "dedicac", "litteratur"} <= author
    [comedy] = kind_choices("une soirée stand-up", "fr")  # as "a stand-up night" in English
    assert "humour" in comedy
    [film, outside] = kind_choices("un film dehors", "fr")  # a "projection en plein air"
    [women] = kind_choices("des rencontres pour les femmes", "fr")  # "l'industrie au féminin"
    assert {"femm", "feminin", "mesdam"} <= women
    [play] = kind_choices("une pièce de théâtre", "fr")  # one kind said in three words
    assert {"piec", "theatr", "comed"} <= play
    assert {"cinema", "projection"} <= film and {"air", "exterieur"} <= outside


@pytest.mark.parametrize(
    ("topic", "language", "genres"),
    [
        ("un concert vendredi soir", "fr", True),  # the events say "jazz", "récital"...
        ("des concerts quelque part", "fr", True),
        ("any concert tonight?", "en", True),
        ("gigs this weekend", "en", True),
        ("un concert de jazz", "fr", False),  # the kind of music asked is the one searched
        ("a jazz concert", "en", False),
        ("concerts de chanson française", "fr", False),
    ],
)
def test_a_concert_is_searched_by_the_kinds_of_music_events_name(
    topic: str, language: Language, genres: bool
) -> None:
    choices = kind_choices(topic, language)
    assert any({"jazz", "recital", "orchestr"} <= choice for choice in choices) is genres


def test_leaving_out_a_kind_leaves_out_its_forms_not_its_fields() -> None:
    [show] = kind_choices("un spectacle", "fr", fields=False)  # a play is a show
    assert "theatr" in show
    assert kind_choices("pas un concert", "fr", fields=False) == []  # a jazz workshop stays


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
        ("a movie outdoors", {"air", "exterieur"}),  # "en plein air", "en extérieur"
        ("a science camp for kids", {"stag", "colon"}),  # a "stage", a "colonie"
        ("open-air theatre", {"air", "exterieur"}),
        ("trade shows about tech", {"salon"}),  # not a "show", a spectacle
        ("talks on artificial intelligence", {"ia"}),
        ("an AI summit", {"ia"}),
        ("industry events for women", {"femm", "feminin", "mesdam"}),  # "au féminin"
    ],
)
def test_what_visitors_say_in_english_has_its_french_words(topic: str, french: set[str]) -> None:
    assert any(french <= choice for choice in kind_choices(topic, "en"))
