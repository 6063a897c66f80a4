"""The question's language (stop-word statistics) and what depends on it in understanding."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rag.language import detect_language, stop_words
from rag.models import Event
from rag.places import Gazetteer
from rag.query import understand, understood_summary

TZ = ZoneInfo("Europe/Paris")
THURSDAY = date(2026, 11, 26)
GAZETTEER = Gazetteer.from_events(
    Event(uid=str(i), title="x", city=city, postal_code=code)
    for i, (city, code) in enumerate([("Paris", "75014"), ("Lyon", "69001"), ("Lille", "59000")])
)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Que faire à Paris ce week-end ?", "fr"),
        ("Des concerts de jazz samedi soir ?", "fr"),
        ("Une expo pour les enfants", "fr"),
        ("Et dimanche seulement ?", "fr"),
        ("samedi soir", "fr"),
        ("Concerts à Lyon", "fr"),
        ("What can I do in Paris this weekend?", "en"),
        ("things to do in Lyon", "en"),
        ("concerts tonight", "en"),
        ("Saturday night", "en"),
        ("Is there an exhibition for kids next week?", "en"),
        ("And only on Sunday?", "en"),
        ("events at the Théâtre Garonne?", "en"),  # names are no evidence
        ("Shows at La Comédie de Valence in April?", "en"),
        ("Une expo au Grand Palais", "fr"),
        ("QUE FAIRE CE SOIR ?", "fr"),
        ("jazz", "fr"),  # no evidence: the assistant's own language
        # a French day said in an English question: its words count once, as stop words
        ("Free on mardi soir (the 22nd) - any show worth booking ?", "en"),
        ("What's happening for the Fête de la Musique on 21 June 2026?", "en"),
    ],
)
def test_detect_language(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_stop_words_are_data_of_both_languages() -> None:
    assert {"le", "et", "pour"} <= stop_words("fr") and {"the", "and", "what"} <= stop_words("en")
    assert "#" not in "".join(stop_words("fr") | stop_words("en"))


def test_the_understanding_carries_the_language() -> None:
    english = understand("What can I do in Paris this weekend?", THURSDAY, GAZETTEER, TZ)
    assert english.language == "en" and english.window is not None
    assert english.window.label.startswith("this weekend (from Saturday 28")
    assert understood_summary(english).endswith("in Paris")
    french = understand("Que faire à Paris ce week-end ?", THURSDAY, GAZETTEER, TZ)
    assert french.language == "fr" and understood_summary(french).endswith("à Paris")


@pytest.mark.parametrize(
    ("question", "first_day", "zone"),
    [
        ("Que faire à Paris pendant les vacances de février ?", "2027-02-06", None),
        ("Que faire à Lyon pendant les vacances de février ?", "2027-02-13", "zone A"),
        ("Que faire à Lille pendant les vacances de février ?", "2027-02-20", "zone B"),
        ("Que faire pendant les vacances de février ?", "2027-02-06", "zone C"),
        ("Things to do in Lyon during the February school holidays", "2027-02-13", "zone A"),
    ],
)
def test_the_place_implies_the_school_holiday_zone(
    question: str, first_day: str, zone: str | None
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None
    assert u.window.start == datetime.fromisoformat(first_day).replace(tzinfo=TZ)
    if zone:
        assert zone in u.window.label


@pytest.mark.parametrize(
    ("follow_up", "previous"),
    [
        ("Et dimanche seulement ?", "Des concerts le week-end du 5 décembre ?"),
        ("And only on Sunday?", "Concerts the weekend of December 5?"),
    ],
)
def test_a_restricted_weekday_follow_up_stays_in_the_earlier_window(
    follow_up: str, previous: str
) -> None:
    u = understand(follow_up, THURSDAY, GAZETTEER, TZ, previous_questions=[previous])
    assert u.window is not None
    assert u.window.start == datetime(2026, 12, 6, tzinfo=TZ)
    assert u.topic.lower() == "concerts"
