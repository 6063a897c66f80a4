"""Date expressions (French and English) → windows, for every supported form and class."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from rag.dates import _TABLE, explicit_window, is_bare_weekday, occurrence_overlap, parse_dates
from rag.language import Language

TZ = ZoneInfo("Europe/Paris")
THURSDAY = date(2026, 11, 26)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
JULY = date(2026, 7, 15)  # a Wednesday, in the summer holidays


def first_and_last_day(question: str) -> tuple[str, str]:
    """The window's first and last days, inclusive, as ISO dates."""
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None, question
    last = (window.end - timedelta(microseconds=1)).date().isoformat()
    return window.start.date().isoformat(), last


def at(text: str) -> datetime:
    """'2026-11-28' or '2026-11-28 18:00' in Paris time."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=TZ)


# (as_of, question, start, end (exclusive), expression matched)
CASES = [
    (THURSDAY, "Que faire aujourd'hui ?", "2026-11-26", "2026-11-27", "aujourd'hui"),
    (THURSDAY, "Que faire AUJOURD’HUI ?", "2026-11-26", "2026-11-27", "AUJOURD’HUI"),
    (THURSDAY, "un concert ce soir", "2026-11-26 18:00", "2026-11-27", "ce soir"),
    (THURSDAY, "où danser cette nuit", "2026-11-26 21:00", "2026-11-27 06:00", "cette nuit"),
    (THURSDAY, "ce matin", "2026-11-26 06:00", "2026-11-26 12:00", "ce matin"),
    (THURSDAY, "cet après-midi", "2026-11-26 12:00", "2026-11-26 18:00", "cet après-midi"),
    (THURSDAY, "demain", "2026-11-27", "2026-11-28", "demain"),
    (THURSDAY, "demain soir", "2026-11-27 18:00", "2026-11-28", "demain soir"),
    (THURSDAY, "après-demain", "2026-11-28", "2026-11-29", "après-demain"),
    (THURSDAY, "apres demain", "2026-11-28", "2026-11-29", "apres demain"),
    (THURSDAY, "Que faire ce week-end ?", "2026-11-28", "2026-11-30", "ce week-end"),
    (THURSDAY, "ce weekend", "2026-11-28", "2026-11-30", "ce weekend"),
    (THURSDAY, "ce WE à Paris", "2026-11-28", "2026-11-30", "ce WE"),
    (THURSDAY, "le prochain week-end", "2026-11-28", "2026-11-30", "le prochain week-end"),
    (THURSDAY, "le week-end prochain", "2026-11-28", "2026-11-30", "le week-end prochain"),
    (THURSDAY, "le week-end du 5 décembre", "2026-12-05", "2026-12-07", None),
    (THURSDAY, "le week-end du 6 décembre", "2026-12-05", "2026-12-07", None),
    (THURSDAY, "le week-end du 12", "2026-12-12", "2026-12-14", None),  # its month left out
    (SATURDAY, "ce week-end", "2026-11-28", "2026-11-30", "ce week-end"),
    (SUNDAY, "ce week-end", "2026-11-29", "2026-11-30", "ce week-end"),
    (SATURDAY, "le week-end prochain", "2026-12-05", "2026-12-07", "le week-end prochain"),
    (THURSDAY, "samedi", "2026-11-28", "2026-11-29", "samedi"),
    (THURSDAY, "ce samedi", "2026-11-28", "2026-11-29", "ce samedi"),
    (THURSDAY, "samedi prochain", "2026-11-28", "2026-11-29", "samedi prochain"),
    (SATURDAY, "samedi", "2026-11-28", "2026-11-29", "samedi"),
    (SATURDAY, "samedi prochain", "2026-12-05", "2026-12-06", "samedi prochain"),
    (THURSDAY, "jeudi", "2026-11-26", "2026-11-27", "jeudi"),
    (THURSDAY, "samedi soir", "2026-11-28 18:00", "2026-11-29", "samedi soir"),
    (THURSDAY, "dimanche", "2026-11-29", "2026-11-30", "dimanche"),
    (THURSDAY, "dimanche après-midi", "2026-11-29 12:00", "2026-11-29 18:00", None),
    (THURSDAY, "samedi et dimanche", "2026-11-28", "2026-11-30", "samedi et dimanche"),
    (THURSDAY, "cette semaine", "2026-11-26", "2026-11-30", "cette semaine"),
    (THURSDAY, "la semaine prochaine", "2026-11-30", "2026-12-07", "la semaine prochaine"),
    (THURSDAY, "ce mois-ci", "2026-11-26", "2026-12-01", "ce mois-ci"),
    (THURSDAY, "ce mois", "2026-11-26", "2026-12-01", "ce mois"),
    (THURSDAY, "le mois prochain", "2026-12-01", "2027-01-01", "le mois prochain"),
    # "pro", texted for "prochain(e)"
    (THURSDAY, "la semaine pro", "2026-11-30", "2026-12-07", "la semaine pro"),
    (THURSDAY, "en fin de semaine", "2026-11-27", "2026-11-30", "en fin de semaine"),
    # a day said by its number alone: the next one
    (THURSDAY, "un spectacle le 14 ?", "2026-12-14", "2026-12-15", "le 14"),
    (THURSDAY, "le 28 au soir", "2026-11-28 18:00", "2026-11-29", "le 28 au soir"),
    (THURSDAY, "anything on the 3rd?", "2026-12-03", "2026-12-04", "on the 3rd"),
    (THURSDAY, "le mois pro", "2026-12-01", "2027-01-01", "le mois pro"),
    (THURSDAY, "le we pro", "2026-11-28", "2026-11-30", "le we pro"),
    (THURSDAY, "en juillet", "2027-07-01", "2027-08-01", "en juillet"),
    # a month whose name is nothing else is a date on its own
    (THURSDAY, "des concerts juillet ?", "2027-07-01", "2027-08-01", "juillet"),
    (THURSDAY, "spending July in Paris", "2027-07-01", "2027-08-01", "July"),
    (THURSDAY, "au mois de juillet", "2027-07-01", "2027-08-01", "au mois de juillet"),
    (JULY, "en juillet", "2026-07-15", "2026-08-01", "en juillet"),
    (THURSDAY, "en juillet 2026", "2026-07-01", "2026-08-01", "en juillet 2026"),
    (THURSDAY, "fin décembre", "2026-12-16", "2027-01-01", "fin décembre"),
    (THURSDAY, "mi-janvier", "2027-01-10", "2027-01-21", "mi-janvier"),
    (THURSDAY, "le 14 juillet", "2027-07-14", "2027-07-15", "le 14 juillet"),
    (JULY, "le 14 juillet", "2027-07-14", "2027-07-15", "le 14 juillet"),
    (THURSDAY, "le 14/07", "2027-07-14", "2027-07-15", "le 14/07"),
    (THURSDAY, "le 14/07/2026", "2026-07-14", "2026-07-15", "le 14/07/2026"),
    (THURSDAY, "14/07/2026", "2026-07-14", "2026-07-15", "14/07/2026"),
    (THURSDAY, "le 1er mai", "2027-05-01", "2027-05-02", "le 1er mai"),
    (THURSDAY, "le samedi 28 novembre", "2026-11-28", "2026-11-29", "le samedi 28 novembre"),
    (THURSDAY, "le 31 décembre", "2026-12-31", "2027-01-01", "le 31 décembre"),
    (THURSDAY, "le 14 juillet au soir", "2027-07-14 18:00", "2027-07-15", None),
    (THURSDAY, "du 3 au 5 mai", "2027-05-03", "2027-05-06", "du 3 au 5 mai"),
    (THURSDAY, "du 28 avril au 2 mai", "2027-04-28", "2027-05-03", "du 28 avril au 2 mai"),
    (THURSDAY, "du 28 décembre au 2 janvier", "2026-12-28", "2027-01-03", None),
    (THURSDAY, "du 20 novembre au 5 décembre", "2026-11-26", "2026-12-06", None),
    (THURSDAY, "entre le 3 et le 5 mai", "2027-05-03", "2027-05-06", "entre le 3 et le 5 mai"),
    (THURSDAY, "jusqu'au 10 décembre", "2026-11-26", "2026-12-11", "jusqu'au 10 décembre"),
    (THURSDAY, "jusqu’à dimanche", "2026-11-26", "2026-11-30", "jusqu’à dimanche"),
    (THURSDAY, "à partir du 5 décembre", "2026-12-05", "2027-12-05", "à partir du 5 décembre"),
    (THURSDAY, "dès le 5 décembre", "2026-12-05", "2027-12-05", "dès le 5 décembre"),
    (THURSDAY, "dès samedi", "2026-11-28", "2027-11-28", "dès samedi"),
    (THURSDAY, "cet été", "2027-06-21", "2027-09-23", "cet été"),
    (JULY, "cet été", "2026-07-15", "2026-09-23", "cet été"),
    (JULY, "l'été prochain", "2027-06-21", "2027-09-23", "l'été prochain"),
    (THURSDAY, "cet hiver", "2026-12-21", "2027-03-20", "cet hiver"),
    (THURSDAY, "ce printemps", "2027-03-20", "2027-06-21", "ce printemps"),
    (THURSDAY, "cet automne", "2026-11-26", "2026-12-21", "cet automne"),
    (THURSDAY, "pendant les vacances de Noël", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "les vacances de la Toussaint", "2027-10-23", "2027-11-08", None),  # estimated
    (THURSDAY, "pendant les vacances d'hiver", "2027-02-06", "2027-02-22", None),
    (THURSDAY, "les vacances de février", "2027-02-06", "2027-02-22", None),
    (THURSDAY, "les vacances de printemps", "2027-04-03", "2027-04-19", None),
    (THURSDAY, "les vacances de Pâques", "2027-04-03", "2027-04-19", None),
    # a year said is the holidays' own, not a topic
    (THURSDAY, "les vacances de Noël 2026", "2026-12-19", "2027-01-04", None),
    (JULY, "pendant les vacances d'été 2026", "2026-07-15", "2026-09-01", None),
    (THURSDAY, "the summer holidays 2027", "2027-07-03", "2027-09-01", None),
    (THURSDAY, "les vacances d'été", "2027-07-03", "2027-09-01", None),
    (JULY, "pendant les grandes vacances", "2026-07-15", "2026-09-01", None),
    (THURSDAY, "pendant les vacances", "2026-12-19", "2027-01-04", None),
    # the festive season is the Christmas school holidays, the same in every zone
    (THURSDAY, "pour les fêtes de fin d'année", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "les fêtes de fin d'année 2027", "2027-12-18", "2028-01-03", None),
    (THURSDAY, "pendant les fêtes", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "over the holidays", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "during the holiday season", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "à Noël", "2026-12-24", "2026-12-26", "à Noël"),
    (THURSDAY, "le jour de l'an", "2027-01-01", "2027-01-02", "le jour de l'an"),
    (THURSDAY, "pour le nouvel an", "2026-12-31", "2027-01-02", None),
    (THURSDAY, "la Saint-Valentin", "2027-02-14", "2027-02-15", "la Saint-Valentin"),
    (THURSDAY, "la Fête de la musique", "2027-06-21", "2027-06-22", "la Fête de la musique"),
    (THURSDAY, "pour Pâques", "2027-03-27", "2027-03-30", "pour Pâques"),
    (THURSDAY, "pour Halloween", "2027-10-31", "2027-11-01", "pour Halloween"),
    (THURSDAY, "dans 3 jours", "2026-11-29", "2026-11-30", "dans 3 jours"),
    (THURSDAY, "ces prochains mois", "2026-11-26", "2027-05-27", "ces prochains mois"),
    (THURSDAY, "over the next few weeks", "2026-11-26", "2026-12-25", "over the next few weeks"),
    (THURSDAY, "two weeks from today", "2026-12-10", "2026-12-11", "two weeks from today"),
    (THURSDAY, "et d'aujourd'hui en huit ?", "2026-12-03", "2026-12-04", "d'aujourd'hui en huit"),
    (THURSDAY, "des concerts 10-12 mai", "2027-05-10", "2027-05-13", "10-12 mai"),
    (
        THURSDAY,
        "samedi 12 décembre, et dimanche ?",
        "2026-12-12",
        "2026-12-14",
        "samedi 12 décembre, et dimanche",
    ),
    (THURSDAY, "Saturday December 12 and Sunday", "2026-12-12", "2026-12-14", None),
    (THURSDAY, "23 March to 5 April", "2027-03-23", "2027-04-06", None),
    (THURSDAY, "March 23 to April 5", "2027-03-23", "2027-04-06", None),
    (THURSDAY, "fri 26 to mon 29 march", "2027-03-26", "2027-03-30", None),
    (THURSDAY, "between the 4th and 12th of July", "2027-07-04", "2027-07-13", None),
    (THURSDAY, "from the 10th to the 20th of August", "2027-08-10", "2027-08-21", None),
    (THURSDAY, "any gigs 4-5 July?", "2027-07-04", "2027-07-06", "4-5 July"),
    (JULY, "le week-end du 4-5 juillet 2026", "2026-07-04", "2026-07-06", None),
    (THURSDAY, "le 3/4 juillet", "2027-07-03", "2027-07-05", None),  # days, not 3 April
    (THURSDAY, "le week-end du 3/4 juillet", "2027-07-03", "2027-07-05", None),
    (THURSDAY, "3/4 July", "2027-07-03", "2027-07-05", None),
    (THURSDAY, "tout début juillet", "2027-07-01", "2027-07-16", None),
    (THURSDAY, "fin juin / tout début juillet", "2027-06-16", "2027-07-16", None),
    (THURSDAY, "very early July", "2027-07-01", "2027-07-16", None),
    (THURSDAY, "dans 2 semaines", "2026-12-07", "2026-12-14", "dans 2 semaines"),
    (THURSDAY, "dans les 15 prochains jours", "2026-11-26", "2026-12-12", None),
    (THURSDAY, "les quinze prochains jours", "2026-11-26", "2026-12-12", None),
    (THURSDAY, "dans les mois qui viennent", "2026-11-26", "2027-05-27", None),
    (THURSDAY, "entre maintenant et fin février", "2026-11-26", "2027-03-01", None),
    # one end of a season, or its middle: its month or so
    (JULY, "fin de l'été", "2026-08-23", "2026-09-23", None),
    (JULY, "début de l'automne", "2026-09-23", "2026-10-24", None),
    (JULY, "d'ici la fin de l'été", "2026-07-15", "2026-09-23", None),
    (THURSDAY, "les semaines à venir", "2026-11-26", "2026-12-25", None),
    (THURSDAY, "en 2026", "2026-11-26", "2027-01-01", "en 2026"),
    (THURSDAY, "en 2027", "2027-01-01", "2028-01-01", "en 2027"),
]


@pytest.mark.parametrize(("as_of", "question", "start", "end", "expression"), CASES)
def test_every_form(
    as_of: date, question: str, start: str, end: str, expression: str | None
) -> None:
    window = parse_dates(question, as_of, TZ)
    assert window is not None, question
    assert (window.start, window.end) == (at(start), at(end))
    assert window.start.tzinfo is TZ and window.end.tzinfo is TZ
    assert window.expression == (expression or question)


@pytest.mark.parametrize(
    "question",
    [
        "Salle 14",
        "Paris 15e",
        "75014",
        "ateliers pour les 3 ans",
        "pour les 3/5 ans",
        "Mai 68",
        "exposition sur la planète Mars",
        "je suis en vacances à Paris",
        "le marché de Noël",
        "la chasse aux œufs de Pâques",
        "le 31 février",
        "une expo sur mai 68",
        "May I bring my dog?",
        "sept concerts gratuits",
        "Concerts de jazz",
        "ça a été annulé ?",
        "des événements dans le 29",  # the Finistère
        "le 14e arrondissement",
        "le 15 km de Paris",
    ],
)
def test_no_date_is_read_into_other_words(question: str) -> None:
    assert parse_dates(question, THURSDAY, TZ) is None


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("ce week-end", "ce week-end (du samedi 28 au dimanche 29 novembre 2026)"),
        ("demain soir", "demain soir (le vendredi 27 novembre 2026)"),
        ("samedi soir", "le samedi 28 novembre 2026 au soir"),
        ("du 28 avril au 2 mai", "du mercredi 28 avril au dimanche 2 mai 2027"),
        ("jusqu'au 10 décembre", "jusqu'au jeudi 10 décembre 2026"),
        (
            "pendant les vacances de Noël",
            "pendant les vacances de Noël (du 19 décembre 2026 au 3 janvier 2027)",
        ),
        ("les vacances de la Toussaint", "pendant les vacances de la Toussaint, dates estimées"),
        ("mi-décembre", "mi-décembre 2026 (du jeudi 10 au dimanche 20 décembre 2026)"),
        ("en juillet", "juillet 2027 (du 1er au 31 juillet 2027)"),
    ],
)
def test_labels_say_the_dates_in_french(question: str, label: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None
    assert window.label.startswith(label)


def test_a_feast_is_kept_as_an_occasion() -> None:
    window = parse_dates("Que faire pour la Saint-Valentin ?", THURSDAY, TZ)
    assert window is not None and window.occasion == "Saint-Valentin"
    assert parse_dates("ce week-end", THURSDAY, TZ).occasion is None  # type: ignore[union-attr]
    easter = parse_dates("Le week-end de Pâques à Nice, il se passe quoi ?", THURSDAY, TZ)
    assert easter is not None and easter.occasion is None  # a long weekend, not a theme


def test_the_longest_expression_wins_when_they_are_not_joined() -> None:
    window = parse_dates("ce week-end, de préférence samedi", THURSDAY, TZ)
    assert window is not None and window.expression == "ce week-end"


@pytest.mark.parametrize(
    ("question", "start", "end", "hours"),
    [
        ("le soir de la Saint-Valentin (le 14 février)", "2027-02-14", "2027-02-15", (18, 24)),
        ("le 14 juillet (fête nationale), un feu d'artifice ?", "2027-07-14", "2027-07-15", None),
        ("on Valentine's Day (Sunday February 14), what is on?", "2027-02-14", "2027-02-15", None),
    ],
)  # fmt: skip
def test_a_date_said_again_in_other_words_is_one_expression(
    question: str, start: str, end: str, hours: tuple[int, int] | None
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == (start, end)
    assert window.hours == hours
    assert "(" in window.expression  # both sayings are the date: neither is left as a topic


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("en juillet (du 10 au 14), un festival ?", "2027-07-10", "2027-07-15"),  # read in July
        ("fin décembre (entre le 20 et le 31), un spectacle ?", "2026-12-20", "2027-01-01"),
        ("en janvier (le 9), un concert ?", "2027-01-09", "2027-01-10"),
        ("le 9 (janvier 2027) ?", "2027-01-09", "2027-01-10"),  # the bracket is the frame
        ("easter weekend (fri 26 to mon 29 march)", "2027-03-26", "2027-03-30"),  # + Friday
        ("in July (from the 10th to the 14th), any festival?", "2027-07-10", "2027-07-15"),
    ],
)  # fmt: skip
def test_a_date_made_precise_in_brackets_is_the_bracketed_days(
    question: str, start: str, end: str
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end))
    assert "(" in window.expression  # both sayings are the date: neither is left as a topic


@pytest.mark.parametrize(
    ("question", "restated"),
    [
        ("ce week-end, de préférence samedi", ("samedi",)),
        ("demain, ou en décembre", ()),  # a wider window is not the same dates
    ],
)
def test_the_same_dates_said_twice_are_both_the_date(
    question: str, restated: tuple[str, ...]
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.restated == restated


def test_windows_follow_daylight_saving_time() -> None:
    window = parse_dates("le 24 octobre 2026 dans la nuit", THURSDAY, TZ)  # clocks go back
    assert window is not None
    assert window.start.utcoffset() != window.end.utcoffset()
    assert window.end.timestamp() - window.start.timestamp() == 10 * 3600  # 21 h → 6 h, +1 h


def test_explicit_window_from_caller_filters() -> None:
    both = explicit_window(date(2026, 12, 1), date(2026, 12, 3), THURSDAY, TZ)
    assert (both.start, both.end) == (at("2026-12-01"), at("2026-12-04"))
    since = explicit_window(date(2026, 12, 1), None, THURSDAY, TZ)
    assert (since.start, since.end) == (at("2026-12-01"), at("2027-12-01"))
    until = explicit_window(None, date(2026, 12, 3), THURSDAY, TZ)
    assert (until.start, until.end) == (at("2026-11-26"), at("2026-12-04"))
    with pytest.raises(ValueError, match="swap them"):
        explicit_window(date(2026, 12, 3), date(2026, 12, 1), THURSDAY, TZ)


MONDAY = date(2026, 11, 30)

# Each class of expression, in French and in English: (as_of, question, start, end, past).
CLASSES = [
    # ranges: the whole span, never its last day only
    (THURSDAY, "entre Pâques et la fin avril", "2027-03-28", "2027-05-01", False),
    (THURSDAY, "between Easter and the end of April", "2027-03-28", "2027-05-01", False),
    (THURSDAY, "Que faire entre le 20 et le 27 décembre ?", "2026-12-20", "2026-12-28", False),
    (THURSDAY, "between December 20 and 27", "2026-12-20", "2026-12-28", False),
    (date(2026, 11, 2), "entre le 20 et le 27", "2026-11-20", "2026-11-28", False),
    (date(2026, 11, 2), "between the 20th and the 27th", "2026-11-20", "2026-11-28", False),
    (THURSDAY, "entre le 20 et le 27", "2026-11-26", "2026-11-28", False),  # under way
    (date(2026, 11, 2), "du 20 au 27", "2026-11-20", "2026-11-28", False),
    (THURSDAY, "du 3 au 5 mai", "2027-05-03", "2027-05-06", False),
    (THURSDAY, "from May 3 to 5", "2027-05-03", "2027-05-06", False),
    (THURSDAY, "from 3 to 5 May", "2027-05-03", "2027-05-06", False),
    (THURSDAY, "between May 3 and May 10", "2027-05-03", "2027-05-11", False),
    (THURSDAY, "May 3-5", "2027-05-03", "2027-05-06", False),
    (THURSDAY, "de mars à mai", "2027-03-01", "2027-06-01", False),
    (THURSDAY, "from March to May", "2027-03-01", "2027-06-01", False),
    (THURSDAY, "du samedi au lundi", "2026-11-28", "2026-12-01", False),
    (THURSDAY, "from Saturday to Monday", "2026-11-28", "2026-12-01", False),
    (date(2026, 12, 28), "entre Noël et le jour de l'an", "2026-12-28", "2027-01-02", False),
    (THURSDAY, "between Christmas and New Year's Day", "2026-12-24", "2027-01-02", False),
    # limits
    (THURSDAY, "d'ici l'été", "2026-11-26", "2027-06-21", False),
    (THURSDAY, "before the summer", "2026-11-26", "2027-06-21", False),
    (THURSDAY, "d'ici la fin du mois", "2026-11-26", "2026-12-01", False),
    (THURSDAY, "by the end of the month", "2026-11-26", "2026-12-01", False),
    (THURSDAY, "d'ici Noël", "2026-11-26", "2026-12-26", False),
    (THURSDAY, "until Christmas", "2026-11-26", "2026-12-26", False),
    (THURSDAY, "jusqu'au 10", "2026-11-26", "2026-12-11", False),
    (THURSDAY, "until December 10", "2026-11-26", "2026-12-11", False),
    (THURSDAY, "à partir de demain", "2026-11-27", "2027-11-27", False),
    (THURSDAY, "from tomorrow", "2026-11-27", "2027-11-27", False),
    (THURSDAY, "starting December 5", "2026-12-05", "2027-12-05", False),
    # seasons (astronomical), parts of months (widest reading)
    (THURSDAY, "ce printemps", "2027-03-20", "2027-06-21", False),
    (THURSDAY, "this spring", "2027-03-20", "2027-06-21", False),
    (THURSDAY, "cet été", "2027-06-21", "2027-09-23", False),
    (THURSDAY, "this summer", "2027-06-21", "2027-09-23", False),
    (JULY, "in the summer", "2026-07-15", "2026-09-23", False),
    (THURSDAY, "fin août", "2027-08-16", "2027-09-01", False),
    (THURSDAY, "late August", "2027-08-16", "2027-09-01", False),
    (THURSDAY, "at the end of August", "2027-08-16", "2027-09-01", False),
    (THURSDAY, "début septembre", "2027-09-01", "2027-09-16", False),
    (THURSDAY, "early September", "2027-09-01", "2027-09-16", False),
    (THURSDAY, "mid-July", "2027-07-10", "2027-07-21", False),
    # parts of the day
    (THURSDAY, "le soir du 14 juillet", "2027-07-14 18:00", "2027-07-15", False),
    (THURSDAY, "the evening of July 14", "2027-07-14 18:00", "2027-07-15", False),
    (THURSDAY, "dimanche après-midi", "2026-11-29 12:00", "2026-11-29 18:00", False),
    (THURSDAY, "Sunday afternoon", "2026-11-29 12:00", "2026-11-29 18:00", False),
    (THURSDAY, "samedi soir", "2026-11-28 18:00", "2026-11-29", False),
    (THURSDAY, "Saturday night", "2026-11-28 18:00", "2026-11-29", False),
    (THURSDAY, "ce matin", "2026-11-26 06:00", "2026-11-26 12:00", False),
    (THURSDAY, "this morning", "2026-11-26 06:00", "2026-11-26 12:00", False),
    (THURSDAY, "ce soir", "2026-11-26 18:00", "2026-11-27", False),
    (THURSDAY, "concerts tonight", "2026-11-26 18:00", "2026-11-27", False),
    # the usual English ones
    (THURSDAY, "What can I do in Paris this weekend?", "2026-11-28", "2026-11-30", False),
    (THURSDAY, "next weekend", "2026-11-28", "2026-11-30", False),
    (SUNDAY, "next weekend", "2026-12-05", "2026-12-07", False),
    (THURSDAY, "the weekend of December 5", "2026-12-05", "2026-12-07", False),
    (THURSDAY, "the weekend of the 12th", "2026-12-12", "2026-12-14", False),
    (THURSDAY, "the weekend of December 12-13", "2026-12-12", "2026-12-14", False),
    (THURSDAY, "tomorrow", "2026-11-27", "2026-11-28", False),
    (THURSDAY, "tomorrow evening", "2026-11-27 18:00", "2026-11-28", False),
    (THURSDAY, "the day after tomorrow", "2026-11-28", "2026-11-29", False),
    (THURSDAY, "this week", "2026-11-26", "2026-11-30", False),
    (THURSDAY, "next week", "2026-11-30", "2026-12-07", False),
    (THURSDAY, "in July", "2027-07-01", "2027-08-01", False),
    (THURSDAY, "in July 2026", "2026-07-01", "2026-08-01", True),
    (THURSDAY, "on Saturday", "2026-11-28", "2026-11-29", False),
    (SATURDAY, "next Saturday", "2026-12-05", "2026-12-06", False),
    (THURSDAY, "on July 14th", "2027-07-14", "2027-07-15", False),
    (THURSDAY, "on the 14th of July", "2027-07-14", "2027-07-15", False),
    (THURSDAY, "this month", "2026-11-26", "2026-12-01", False),
    (THURSDAY, "next month", "2026-12-01", "2027-01-01", False),
    (THURSDAY, "in 3 days", "2026-11-29", "2026-11-30", False),
    (THURSDAY, "in the next two weeks", "2026-11-26", "2026-12-11", False),
    (THURSDAY, "in the months ahead", "2026-11-26", "2027-05-27", False),
    (THURSDAY, "between now and the end of February", "2026-11-26", "2027-03-01", False),
    (JULY, "late summer", "2026-08-23", "2026-09-23", False),
    (JULY, "by the end of the summer", "2026-07-15", "2026-09-23", False),
    (THURSDAY, "the weeks to come", "2026-11-26", "2026-12-25", False),
    (THURSDAY, "on Christmas Day", "2026-12-25", "2026-12-26", False),  # the day alone
    (THURSDAY, "for Halloween", "2027-10-31", "2027-11-01", False),
    # past windows
    (THURSDAY, "hier soir", "2026-11-25 18:00", "2026-11-26", True),
    (THURSDAY, "last night", "2026-11-25 18:00", "2026-11-26", True),
    (THURSDAY, "hier", "2026-11-25", "2026-11-26", True),
    (THURSDAY, "yesterday", "2026-11-25", "2026-11-26", True),
    (THURSDAY, "le mois dernier", "2026-10-01", "2026-11-01", True),
    (THURSDAY, "last month", "2026-10-01", "2026-11-01", True),
    (THURSDAY, "lundi dernier", "2026-11-23", "2026-11-24", True),
    (THURSDAY, "last Monday", "2026-11-23", "2026-11-24", True),
    (MONDAY, "lundi dernier", "2026-11-23", "2026-11-24", True),
    (THURSDAY, "la semaine dernière", "2026-11-16", "2026-11-23", True),
    (THURSDAY, "last week", "2026-11-16", "2026-11-23", True),
    (THURSDAY, "le week-end dernier", "2026-11-21", "2026-11-23", True),
    (SUNDAY, "last weekend", "2026-11-21", "2026-11-23", True),
    (MONDAY, "last weekend", "2026-11-28", "2026-11-30", True),
    (THURSDAY, "l'été dernier", "2026-06-21", "2026-09-23", True),
    (JULY, "last summer", "2025-06-21", "2025-09-23", True),
    (THURSDAY, "en juillet dernier", "2026-07-01", "2026-08-01", True),
    (THURSDAY, "il y a 3 jours", "2026-11-23", "2026-11-24", True),
    (THURSDAY, "3 days ago", "2026-11-23", "2026-11-24", True),
    # the week of a day, Monday to Sunday
    (THURSDAY, "la semaine du 8 décembre", "2026-12-07", "2026-12-14", False),
    (THURSDAY, "la semaine du 8", "2026-12-07", "2026-12-14", False),
    (THURSDAY, "la semaine du 8 au 11", "2026-12-08", "2026-12-12", False),  # a range
    (THURSDAY, "the week of December 8", "2026-12-07", "2026-12-14", False),
    # a week or weekend by its rank in a month: days 1-7, the last 7 days, the Nth Saturday
    (THURSDAY, "la première semaine de juillet 2027", "2027-07-01", "2027-07-08", False),
    (THURSDAY, "the first week of July 2027", "2027-07-01", "2027-07-08", False),
    (THURSDAY, "pendant la dernière semaine de janvier", "2027-01-25", "2027-02-01", False),
    (THURSDAY, "during the last week of January", "2027-01-25", "2027-02-01", False),
    (THURSDAY, "le premier week-end de janvier", "2027-01-02", "2027-01-04", False),
    (THURSDAY, "the second weekend of January", "2027-01-09", "2027-01-11", False),
    (THURSDAY, "le dernier week-end de janvier", "2027-01-30", "2027-02-01", False),
    (THURSDAY, "on the last weekend of January", "2027-01-30", "2027-02-01", False),
    # periods of the French year: la rentrée (September), the Heritage Days (3rd weekend)
    (THURSDAY, "à la rentrée", "2027-09-01", "2027-10-01", False),
    (THURSDAY, "for back to school", "2027-09-01", "2027-10-01", False),
    (THURSDAY, "le week-end des Journées du patrimoine", "2027-09-18", "2027-09-20", False),
    (THURSDAY, "pendant les JEP", "2027-09-18", "2027-09-20", False),  # their initials
    (THURSDAY, "JEP weekend: any factory visit?", "2027-09-18", "2027-09-20", False),
    (THURSDAY, "during the European Heritage Days", "2027-09-18", "2027-09-20", False),
    # feasts of the calendar: Ascension (its Thursday-to-Sunday bridge), Pentecost, All Saints
    (THURSDAY, "pendant le pont de l'Ascension", "2027-05-06", "2027-05-10", False),
    (THURSDAY, "on Ascension Day", "2027-05-06", "2027-05-10", False),
    (THURSDAY, "le lundi de Pentecôte", "2027-05-15", "2027-05-18", False),
    (THURSDAY, "over the Whitsun weekend", "2027-05-15", "2027-05-18", False),
    (THURSDAY, "over the Easter weekend", "2027-03-27", "2027-03-30", False),
    (THURSDAY, "le week-end de la Toussaint", "2027-10-30", "2027-11-01", False),
    (THURSDAY, "over the All Saints weekend", "2027-10-30", "2027-11-01", False),
    (THURSDAY, "the weekend after next", "2026-12-05", "2026-12-07", False),
    (THURSDAY, "le week-end d'après", "2026-12-05", "2026-12-07", False),
    # an open end said after the date
    (THURSDAY, "à partir de janvier et après", "2027-01-01", "2028-01-01", False),
    (THURSDAY, "from January onwards", "2027-01-01", "2028-01-01", False),
    # weekdays inside a longer window: that window, on those days only
    (THURSDAY, "un samedi en décembre", "2026-12-01", "2027-01-01", False),
    (THURSDAY, "on a Saturday in December", "2026-12-01", "2027-01-01", False),
    (THURSDAY, "le mardi soir en décembre", "2026-12-01", "2027-01-01", False),
    # the asker saying what day it is sets no window
    (THURSDAY, "on est jeudi, demain soir il y a quoi ?", "2026-11-27 18:00", "2026-11-28", False),
    (THURSDAY, "it's Thursday, what's on tomorrow?", "2026-11-27", "2026-11-28", False),
    # told in the past: a date without a year is its last occurrence, not its next one
    (THURSDAY, "c'était quoi les sorties du 1er mai ?", "2026-05-01", "2026-05-02", True),
    (THURSDAY, "what was on on May 1st?", "2026-05-01", "2026-05-02", True),
    (THURSDAY, "qu'est-ce qu'il y avait samedi soir ?", "2026-11-21 18:00", "2026-11-22", True),
    (THURSDAY, "what did I miss on Saturday?", "2026-11-21", "2026-11-22", True),
    (THURSDAY, "il y a eu des concerts en mars ?", "2026-03-01", "2026-04-01", True),
    (THURSDAY, "what happened in March?", "2026-03-01", "2026-04-01", True),
    (THURSDAY, "c'était bien, samedi prochain ?", "2026-11-28", "2026-11-29", False),
    (THURSDAY, "I was wondering what is on on Saturday", "2026-11-28", "2026-11-29", False),
    (THURSDAY, "c'était quoi les concerts en juillet 2027 ?", "2027-07-01", "2027-08-01", False),
    # school holidays, zone C by default
    (THURSDAY, "pendant les vacances de février", "2027-02-06", "2027-02-22", False),
    (THURSDAY, "during the February school holidays", "2027-02-06", "2027-02-22", False),
    (THURSDAY, "les vacances de la Toussaint", "2027-10-23", "2027-11-08", False),
    (THURSDAY, "the All Saints holidays", "2027-10-23", "2027-11-08", False),
    (THURSDAY, "pendant les vacances de Noël", "2026-12-19", "2027-01-04", False),
    (THURSDAY, "during the Christmas holidays", "2026-12-19", "2027-01-04", False),
    (THURSDAY, "les vacances de printemps zone A", "2027-04-10", "2027-04-26", False),
    (THURSDAY, "the Easter holidays in zone B", "2027-04-17", "2027-05-03", False),
    (THURSDAY, "pendant les grandes vacances", "2027-07-03", "2027-09-01", False),
    (THURSDAY, "the summer holidays", "2027-07-03", "2027-09-01", False),
    # a restriction belongs to the date
    (THURSDAY, "Et dimanche seulement ?", "2026-11-29", "2026-11-30", False),
    (THURSDAY, "and only on Sunday?", "2026-11-29", "2026-11-30", False),
]


@pytest.mark.parametrize(("as_of", "question", "start", "end", "past"), CLASSES)
def test_every_class_in_both_languages(
    as_of: date, question: str, start: str, end: str, past: bool
) -> None:
    window = parse_dates(question, as_of, TZ)
    assert window is not None, question
    assert (window.start, window.end) == (at(start), at(end)), window.label
    assert window.past is past


@pytest.mark.parametrize(
    "question",
    [
        "entre 20 et 30 personnes",
        "un atelier de 10 à 12 ans",
        "de 14 h à 18 h",
        "from 3 to 5 pm",
        "may I bring my dog?",
        "a march for the climate",
        "the Christmas market",
        "a concert for 20 people",
        "between 10 and 15 euros",
        "le concert de Noël",
        "et toujours ce week-end-là ?",  # said back to an earlier question: its window
        "anything else that same day?",
    ],
)
def test_numbers_and_words_that_are_not_dates(question: str) -> None:
    assert parse_dates(question, THURSDAY, TZ) is None


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("this weekend", "this weekend (from Saturday 28 to Sunday 29 November 2026)"),
        ("tomorrow evening", "tomorrow evening (on Friday 27 November 2026)"),
        ("Saturday night", "on Saturday 28 November 2026 in the evening"),
        ("from May 3 to 5", "from Monday 3 to Wednesday 5 May 2027"),
        ("until December 10", "until Thursday 10 December 2026"),
        ("d'ici la fin du mois", "jusqu'au lundi 30 novembre 2026"),
        ("entre Pâques et la fin avril", "du 28 mars au 30 avril 2027"),
    ],
)
def test_labels_speak_the_question_language(question: str, label: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.label == label


def test_school_holidays_state_the_zones_when_they_differ() -> None:
    default = parse_dates("pendant les vacances de février", THURSDAY, TZ)
    assert default is not None
    assert "zone C" in default.label and "zone A" in default.label and "zone B" in default.label
    assert "précisez votre ville" in default.label
    english = parse_dates("during the February school holidays", THURSDAY, TZ)
    assert english is not None and "name your city for its zone" in english.label
    lyon = parse_dates("pendant les vacances de février", THURSDAY, TZ, zone="A")
    assert lyon is not None and (lyon.start, lyon.end) == (at("2027-02-13"), at("2027-03-01"))
    assert "zone A" in lyon.label and "zone B" not in lyon.label
    christmas = parse_dates("pendant les vacances de Noël", THURSDAY, TZ)
    assert christmas is not None and "zone" not in christmas.label  # the same everywhere


def test_a_part_of_the_day_over_several_days_is_a_daily_band() -> None:
    window = parse_dates("ce week-end en soirée", THURSDAY, TZ)
    assert window is not None and window.expression == "ce week-end en soirée"
    assert window.hours == (18, 24)
    assert window.bands() == [
        (at("2026-11-28 18:00"), at("2026-11-29")),
        (at("2026-11-29 18:00"), at("2026-11-30")),
    ]
    afternoon = parse_dates("l'après-midi la semaine prochaine", THURSDAY, TZ)
    assert afternoon is not None and afternoon.hours == (12, 18)
    assert len(afternoon.bands()) == 7


def test_occurrences_overlap_only_the_daily_bands() -> None:
    window = parse_dates("this weekend in the evening", THURSDAY, TZ)
    assert window is not None and window.hours == (18, 24)
    occurrences = [
        ("2026-11-28 20:00", "2026-11-28 22:00"),  # Saturday concert: in
        ("2026-11-28 10:00", "2026-11-28 12:00"),  # Saturday morning: out
        ("2026-11-29 17:00", "2026-11-29 19:00"),  # Sunday, ends in the evening: in
        ("2026-11-27 20:00", "2026-11-27 23:00"),  # Friday evening: out
        ("2026-11-28 00:00", "2026-11-30 00:00"),  # all weekend: in
    ]
    starts = np.asarray([at(s).timestamp() for s, _ in occurrences])
    ends = np.asarray([at(e).timestamp() for _, e in occurrences])
    assert occurrence_overlap(window, starts, ends).tolist() == [True, False, True, False, True]
    assert [window.overlaps(at(s), at(e)) for s, e in occurrences] == [
        True, False, True, False, True
    ]  # fmt: skip


def test_a_range_is_never_its_last_day_only() -> None:
    for question in (
        "entre le 20 et le 27 décembre",
        "du 20 au 27 décembre",
        "from December 20 to 27",
    ):
        window = parse_dates(question, THURSDAY, TZ)
        assert window is not None and window.start == at("2026-12-20"), question
        assert window.expression == question


def test_a_bare_weekday_is_what_a_follow_up_narrows() -> None:
    assert is_bare_weekday("dimanche seulement") and is_bare_weekday("only on Sunday")
    assert not is_bare_weekday("ce week-end")


def test_every_language_words_every_label() -> None:
    """rag/resources/dates.toml: a language that has date words names every window in them."""
    languages = set(get_args(Language))
    assert set(_TABLE.words) == languages
    named = [*_TABLE.labels.values(), *_TABLE.seasons.values(), *_TABLE.holidays.values()]
    named += [part.words for part in _TABLE.parts.values()]
    named += [feast.names for feast in _TABLE.feasts.values()]
    assert all(set(names) == languages for names in named)
    assert all(set(patterns) <= languages for patterns in _TABLE.rules.values())


@pytest.mark.parametrize(
    ("question", "weekdays", "hours", "bands"),
    [
        ("un samedi en décembre", (5,), None, 4),
        ("on Saturdays or Sundays in December", (5, 6), None, 8),
        ("le mardi soir en décembre", (1,), (18, 24), 5),
        ("dimanche 6 décembre et en janvier", None, None, 1),  # a date, not a weekday
        ("samedi et dimanche", None, None, 1),
        ("un week-end en décembre", (5, 6), None, 8),
        ("a weekend in December", (5, 6), None, 8),
    ],
)
def test_weekdays_inside_a_longer_window(
    question: str, weekdays: tuple[int, ...] | None, hours: tuple[int, int] | None, bands: int
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None
    assert (window.weekdays, window.hours, len(window.bands())) == (weekdays, hours, bands)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("pendant les Journées du patrimoine 2027 ?", "2027-09-18", "2027-09-20"),
        ("backstage during the heritage weekend 2027?", "2027-09-18", "2027-09-20"),
        ("Christmas Day 2027?", "2027-12-25", "2027-12-26"),
        ("Noël 2027", "2027-12-24", "2027-12-26"),  # bare, its year makes it a date
        ("Halloween 2025", "2025-10-31", "2025-11-01"),
        ("pour Pâques 2027", "2027-03-27", "2027-03-30"),
    ],
)
def test_a_feast_followed_by_its_year(question: str, start: str, end: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end))


@pytest.mark.parametrize(
    ("as_of", "question", "start", "end"),
    [
        # a date inside a wider one said next to it narrows it...
        (THURSDAY, "les Journées du patrimoine en septembre 2027", "2027-09-18", "2027-09-20"),
        (THURSDAY, "During the Heritage Days weekend in Sept 2027", "2027-09-18", "2027-09-20"),
        (date(2026, 1, 10), "le week-end de Pâques en avril 2026", "2026-04-04", "2026-04-07"),
        (date(2026, 1, 10), "over the Easter weekend in April 2026", "2026-04-04", "2026-04-07"),
        (THURSDAY, "cet hiver, le 24 décembre", "2026-12-24", "2026-12-25"),
        (THURSDAY, "this winter, on 24 December", "2026-12-24", "2026-12-25"),
        # ...but "ou", "et" join two
        (date(2027, 1, 10), "à la rentrée ou cet automne", "2027-09-01", "2027-12-21"),
        (THURSDAY, "this weekend or on 12 December", "2026-11-28", "2026-12-13"),
    ],
)
def test_a_date_inside_a_wider_one_narrows_it(
    as_of: date, question: str, start: str, end: str
) -> None:
    window = parse_dates(question, as_of, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end)), question


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("dimanche 17 mai", "2026-05-17"),  # the next 17 May (2027) is a Monday
        ("Sunday 17 May", "2026-05-17"),
        ("lundi 17 mai", "2027-05-17"),
        ("le samedi 5 décembre", "2026-12-05"),  # as it is, the weekday agrees
        ("dimanche 17 mai 2027", "2027-05-17"),  # a year said is kept
    ],
)
def test_a_weekday_said_with_a_date_chooses_its_year(question: str, day: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.start == at(day), question


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("in the first half of July", "2027-07-01", "2027-07-16"),
        ("la deuxième quinzaine de juillet", "2027-07-16", "2027-08-01"),
        ("in a fortnight", "2026-12-10", "2026-12-11"),
        ("Saturday in a fortnight", "2026-12-12", "2026-12-13"),  # that week's Saturday
        ("dans quinze jours, le samedi", "2026-12-12", "2026-12-13"),
        ("dimanche 27", "2026-12-27", "2026-12-28"),  # the next 27th that is a Sunday
        ("Saturday the 12th", "2026-12-12", "2026-12-13"),
        ("le soir du 3", "2026-12-03 18:00", "2026-12-04"),
        ("the evening of the 3rd", "2026-12-03 18:00", "2026-12-04"),
        ("le jour de Noël", "2026-12-25", "2026-12-26"),  # the day, not Christmas Eve too
        ("what did I miss earlier this month?", "2026-11-01", "2026-11-26"),
        ("plus tôt cette semaine", "2026-11-23", "2026-11-26"),
    ],
)
def test_days_said_as_people_say_them(question: str, start: str, end: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end)), question


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("le lendemain", "2026-11-27"),
        ("the next day", "2026-11-27"),
        ("le mercredi suivant", "2026-12-02"),
        ("the following Wednesday", "2026-12-02"),
        ("la semaine d'après", "2026-11-30"),
        ("the week after", "2026-11-30"),
        ("on the Saturday right after", "2026-11-28"),
    ],
)
def test_days_that_follow_are_marked_to_follow_an_earlier_question(
    question: str, start: str
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.following and window.start == at(start)


@pytest.mark.parametrize(
    ("question", "weekdays", "start", "end"),
    [
        ("jouer aux échecs le dimanche", (6,), "2026-11-26", "2027-02-25"),  # a habit
        ("les samedis", (5,), "2026-11-26", "2027-02-25"),
        ("on Sundays", (6,), "2026-11-26", "2027-02-25"),
        ("every Saturday", (5,), "2026-11-26", "2027-02-25"),
        ("dimanche", None, "2026-11-29", "2026-11-30"),  # the next one
        ("ce dimanche", None, "2026-11-29", "2026-11-30"),
        ("on Sunday", None, "2026-11-29", "2026-11-30"),
        ("le dimanche 6 décembre", None, "2026-12-06", "2026-12-07"),
        # habits joined: every one of their days, not the last one only
        ("le samedi et le dimanche", (5, 6), "2026-11-26", "2027-02-25"),
        ("le mardi ou le jeudi", (1, 3), "2026-11-26", "2027-02-25"),
        ("on Saturdays and Sundays", (5, 6), "2026-11-26", "2027-02-25"),
        # an indefinite article asks for any of them
        ("un vendredi ou un samedi", (4, 5), "2026-11-26", "2027-02-25"),
        ("on a Friday or a Saturday", (4, 5), "2026-11-26", "2027-02-25"),
        ("any Sunday", (6,), "2026-11-26", "2027-02-25"),
    ],
)
def test_a_weekday_with_an_article_is_a_habit(
    question: str, weekdays: tuple[int, ...] | None, start: str, end: str
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.weekdays == weekdays
    assert (window.start, window.end) == (at(start), at(end))
    if weekdays is not None and len(weekdays) > 1:
        assert window.label.count("(") == 1  # "le samedi et le dimanche (du … au …)"


def test_the_evening_of_a_feast_is_its_evening() -> None:
    window = parse_dates("Quelque chose à faire le soir d'Halloween ?", THURSDAY, TZ)
    assert window is not None and window.hours == (18, 24)
    assert parse_dates("une soirée d'Halloween", THURSDAY, TZ) is None  # a theme, not a date


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # English months shortened, and the year said after both ends of a range
        ("I'll be in Paris Feb 10-16 2025 (Valentine's week!)", "2025-02-10", "2025-02-17"),
        ("February 10-16, 2025", "2025-02-10", "2025-02-17"),
        ("between March 3 and 5, 2025", "2025-03-03", "2025-03-06"),
        ("anything on Jul 4?", "2027-07-04", "2027-07-05"),
        # a feast's own day, not its long weekend
        ("Easter Monday afternoon", "2027-03-29", "2027-03-30"),
        ("le lundi de Pâques", "2027-03-29", "2027-03-30"),
        ("on Easter Sunday", "2027-03-28", "2027-03-29"),
        ("le week-end de Pâques", "2027-03-27", "2027-03-30"),
        # public holidays by name
        ("on the evening of Armistice Day", "2027-11-11", "2027-11-12"),
        ("un concert pour l'Armistice", "2027-11-11", "2027-11-12"),
        ("pour l'Assomption", "2027-08-15", "2027-08-16"),
        ("fête du Travail", "2027-05-01", "2027-05-02"),
        ("on VE Day", "2027-05-08", "2027-05-09"),
        # the day the asker says it is asks for no day: the date after it does
        (
            "On est le 26 novembre, qu'est-ce qu'on peut faire d'ici le 30 ?",
            "2026-11-26",
            "2026-12-01",
        ),
    ],
)
def test_months_shortened_feast_days_and_holidays_by_name(
    question: str, start: str, end: str
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end)), question


def test_a_feast_said_as_a_topic_is_no_date() -> None:
    assert parse_dates("une expo sur l'armistice de 1918", THURSDAY, TZ) is None


@pytest.mark.parametrize(
    ("question", "day", "hours"),
    [
        ("Et le dimanche 29 au soir ?", "2026-11-29", (18, 24)),  # a weekday and its number
        ("Et le dimanche 29 en fin d'après-midi ?", "2026-11-29", (12, 18)),
        ("samedi en début de soirée", "2026-11-28", (18, 24)),
        ("Sunday the 29th in the late afternoon", "2026-11-29", (12, 18)),
        ("Saturday early evening", "2026-11-28", (18, 24)),
        ("le dimanche 29", "2026-11-29", None),
        # ...or away from it
        ("Le 8 décembre c'est férié ? une sortie en soirée à proposer", "2026-12-08", (18, 24)),
        ("Saturday, something in the evening?", "2026-11-28", (18, 24)),
        ("samedi, quelque chose le matin ?", "2026-11-28", (6, 12)),
        ("une soirée jazz samedi", "2026-11-28", None),  # a kind of outing, no part
    ],
)
def test_a_part_of_the_day_said_with_its_day(
    question: str, day: str, hours: tuple[int, int] | None
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.start.date().isoformat() == day
    assert window.hours == hours


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # the rank of a weekday in its month
        ("le premier samedi de juillet ?", "2027-07-03", "2027-07-03"),
        ("le deuxième mardi de décembre", "2026-12-08", "2026-12-08"),
        ("the last Sunday of January?", "2027-01-31", "2027-01-31"),
        # "d'ici" a number of days or weeks, without "les": from today to then
        ("des événements d'ici deux semaines ?", "2026-11-26", "2026-12-10"),
        ("d'ici 10 jours, un concert ?", "2026-11-26", "2026-12-06"),
    ],
)
def test_ranks_of_weekdays_and_spans_from_today(question: str, start: str, end: str) -> None:
    assert first_and_last_day(question) == (start, end)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # the start, middle or end of the coming week or month
        ("début de la semaine prochaine", "2026-11-30", "2026-12-02"),
        ("at the beginning of next week", "2026-11-30", "2026-12-02"),
        ("mi-semaine prochaine", "2026-12-02", "2026-12-03"),
        ("late next week", "2026-12-04", "2026-12-06"),
        ("early next month", "2026-12-01", "2026-12-15"),
        ("fin du mois prochain", "2026-12-16", "2026-12-31"),
        # ...and a limit at it: from today
        ("d'ici la fin de la semaine prochaine", "2026-11-26", "2026-12-06"),
        ("jusqu'à la fin du mois prochain", "2026-11-26", "2026-12-31"),
        ("until the end of next month", "2026-11-26", "2026-12-31"),
        # "the day after" joined to a day follows that day
        ("tomorrow or the day after", "2026-11-27", "2026-11-28"),
        ("next week or the week after", "2026-11-30", "2026-12-13"),
    ],
)
def test_parts_of_the_coming_week_or_month(question: str, start: str, end: str) -> None:
    assert first_and_last_day(question) == (start, end)


WORKING_DAYS = (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("question", "hours", "first", "last"),
    [
        # the working days as a habit over the season to come, as "le dimanche" is
        ("en semaine, un concert ?", None, "2026-11-26", "2027-02-24"),
        ("les soirs de semaine", (18, 24), "2026-11-26", "2027-02-24"),
        ("a concert on weekday evenings?", (18, 24), "2026-11-26", "2027-02-24"),
        ("during the week, any show?", None, "2026-11-26", "2027-02-24"),
        # ...or inside the window said with them
        ("weeknights in December", (18, 24), "2026-12-01", "2026-12-31"),
        ("un soir de semaine en décembre", (18, 24), "2026-12-01", "2026-12-31"),
        ("en semaine la semaine prochaine", None, "2026-11-30", "2026-12-06"),
    ],
)
def test_working_days_are_monday_to_friday(
    question: str, hours: tuple[int, int] | None, first: str, last: str
) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.weekdays, window.hours) == (WORKING_DAYS, hours)
    end = (window.end - timedelta(microseconds=1)).date().isoformat()
    assert (window.start.date().isoformat(), end) == (first, last)
    assert all(start.weekday() < 5 for start, _ in window.bands())


def test_the_week_of_a_date_is_no_working_days() -> None:
    window = parse_dates("during the week of 7 December", THURSDAY, TZ)
    assert window is not None and window.weekdays is None


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # a day said to be included joins the window, a sentence apart or not
        ("ce week-end ? vendredi soir compris", "2026-11-27 18:00", "2026-11-30"),
        ("ce week-end, y compris vendredi soir", "2026-11-27 18:00", "2026-11-30"),
        ("this weekend including Friday night", "2026-11-27 18:00", "2026-11-30"),
        ("samedi ? dimanche aussi", "2026-11-28", "2026-11-30"),
        # ...a weekday joined to a weekend is that weekend's
        ("the first weekend of December? Friday night counts.", "2026-12-04 18:00", "2026-12-07"),
    ],
)
def test_a_day_said_included_joins_the_window(question: str, start: str, end: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and (window.start, window.end) == (at(start), at(end))


@pytest.mark.parametrize(
    "question", ["les week-ends", "tous les week-ends", "on weekends", "every weekend"]
)
def test_weekends_as_a_habit(question: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.weekdays == (5, 6)
    assert (window.start, window.end) == (at("2026-11-26"), at("2027-02-25"))


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # the weekend of a weekday is the long weekend it makes with the nearest one
        ("le week-end du 14 juillet", "2027-07-10", "2027-07-14"),  # a Wednesday: before
        ("pendant le pont du 11 décembre", "2026-12-11", "2026-12-13"),  # a Friday: after
        ("the long weekend of 7 December", "2026-12-05", "2026-12-07"),  # a Monday
        ("le week-end du 5 décembre", "2026-12-05", "2026-12-06"),  # a Saturday: its own
        # the week after next, and limits said as a deadline
        ("the week after next", "2026-12-07", "2026-12-13"),
        ("la semaine d'après la prochaine", "2026-12-07", "2026-12-13"),
        ("first week of December", "2026-12-01", "2026-12-07"),
        ("au plus tard le 15 décembre", "2026-11-26", "2026-12-15"),
        ("no later than December 15", "2026-11-26", "2026-12-15"),
    ],
)
def test_bridges_and_deadlines(question: str, start: str, end: str) -> None:
    assert first_and_last_day(question) == (start, end)


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("over the next couple of days", "2026-11-26"),
        ("the next couple of weeks", "2026-11-26"),
        ("tmrw evening, anything fun?", "2026-11-27"),
        ("tommorow night?", "2026-11-27"),  # typed fast
    ],
)
def test_dates_typed_casually(question: str, start: str) -> None:
    window = parse_dates(question, THURSDAY, TZ)
    assert window is not None and window.start.date().isoformat() == start
