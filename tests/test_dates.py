"""French date expressions → windows, for every supported form, on three reference days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rag.dates import explicit_window, parse_dates

TZ = ZoneInfo("Europe/Paris")
THURSDAY = date(2026, 11, 26)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
JULY = date(2026, 7, 15)  # a Wednesday, in the summer holidays


def at(text: str) -> datetime:
    """'2026-11-28' or '2026-11-28 18:00' in Paris time."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=TZ)


# (as_of, question, start, end (exclusive), expression matched)
CASES = [
    (THURSDAY, "Que faire aujourd'hui ?", "2026-11-26", "2026-11-27", "aujourd'hui"),
    (THURSDAY, "Que faire AUJOURD’HUI ?", "2026-11-26", "2026-11-27", "AUJOURD’HUI"),
    (THURSDAY, "un concert ce soir", "2026-11-26 18:00", "2026-11-27 05:00", "ce soir"),
    (THURSDAY, "où danser cette nuit", "2026-11-26 21:00", "2026-11-27 06:00", "cette nuit"),
    (THURSDAY, "ce matin", "2026-11-26 06:00", "2026-11-26 12:00", "ce matin"),
    (THURSDAY, "cet après-midi", "2026-11-26 12:00", "2026-11-26 18:00", "cet après-midi"),
    (THURSDAY, "demain", "2026-11-27", "2026-11-28", "demain"),
    (THURSDAY, "demain soir", "2026-11-27 18:00", "2026-11-28 05:00", "demain soir"),
    (THURSDAY, "après-demain", "2026-11-28", "2026-11-29", "après-demain"),
    (THURSDAY, "apres demain", "2026-11-28", "2026-11-29", "apres demain"),
    (THURSDAY, "Que faire ce week-end ?", "2026-11-28", "2026-11-30", "ce week-end"),
    (THURSDAY, "ce weekend", "2026-11-28", "2026-11-30", "ce weekend"),
    (THURSDAY, "ce WE à Paris", "2026-11-28", "2026-11-30", "ce WE"),
    (THURSDAY, "le prochain week-end", "2026-11-28", "2026-11-30", "le prochain week-end"),
    (THURSDAY, "le week-end prochain", "2026-12-05", "2026-12-07", "le week-end prochain"),
    (SATURDAY, "ce week-end", "2026-11-28", "2026-11-30", "ce week-end"),
    (SUNDAY, "ce week-end", "2026-11-29", "2026-11-30", "ce week-end"),
    (SATURDAY, "le week-end prochain", "2026-12-05", "2026-12-07", "le week-end prochain"),
    (THURSDAY, "samedi", "2026-11-28", "2026-11-29", "samedi"),
    (THURSDAY, "ce samedi", "2026-11-28", "2026-11-29", "ce samedi"),
    (THURSDAY, "samedi prochain", "2026-11-28", "2026-11-29", "samedi prochain"),
    (SATURDAY, "samedi", "2026-11-28", "2026-11-29", "samedi"),
    (SATURDAY, "samedi prochain", "2026-12-05", "2026-12-06", "samedi prochain"),
    (THURSDAY, "jeudi", "2026-11-26", "2026-11-27", "jeudi"),
    (THURSDAY, "samedi soir", "2026-11-28 18:00", "2026-11-29 05:00", "samedi soir"),
    (THURSDAY, "dimanche", "2026-11-29", "2026-11-30", "dimanche"),
    (THURSDAY, "dimanche après-midi", "2026-11-29 12:00", "2026-11-29 18:00", None),
    (THURSDAY, "samedi et dimanche", "2026-11-28", "2026-11-30", "samedi et dimanche"),
    (THURSDAY, "cette semaine", "2026-11-26", "2026-11-30", "cette semaine"),
    (THURSDAY, "la semaine prochaine", "2026-11-30", "2026-12-07", "la semaine prochaine"),
    (THURSDAY, "ce mois-ci", "2026-11-26", "2026-12-01", "ce mois-ci"),
    (THURSDAY, "ce mois", "2026-11-26", "2026-12-01", "ce mois"),
    (THURSDAY, "le mois prochain", "2026-12-01", "2027-01-01", "le mois prochain"),
    (THURSDAY, "en juillet", "2027-07-01", "2027-08-01", "en juillet"),
    (THURSDAY, "au mois de juillet", "2027-07-01", "2027-08-01", "au mois de juillet"),
    (JULY, "en juillet", "2026-07-15", "2026-08-01", "en juillet"),
    (THURSDAY, "en juillet 2026", "2026-07-01", "2026-08-01", "en juillet 2026"),
    (THURSDAY, "fin décembre", "2026-12-21", "2027-01-01", "fin décembre"),
    (THURSDAY, "mi-janvier", "2027-01-11", "2027-01-21", "mi-janvier"),
    (THURSDAY, "le 14 juillet", "2027-07-14", "2027-07-15", "le 14 juillet"),
    (JULY, "le 14 juillet", "2027-07-14", "2027-07-15", "le 14 juillet"),
    (THURSDAY, "le 14/07", "2027-07-14", "2027-07-15", "le 14/07"),
    (THURSDAY, "le 14/07/2026", "2026-07-14", "2026-07-15", "le 14/07/2026"),
    (THURSDAY, "14/07/2026", "2026-07-14", "2026-07-15", "14/07/2026"),
    (THURSDAY, "le 1er mai", "2027-05-01", "2027-05-02", "le 1er mai"),
    (THURSDAY, "le samedi 28 novembre", "2026-11-28", "2026-11-29", "le samedi 28 novembre"),
    (THURSDAY, "le 31 décembre", "2026-12-31", "2027-01-01", "le 31 décembre"),
    (THURSDAY, "le 14 juillet au soir", "2027-07-14 18:00", "2027-07-15 05:00", None),
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
    (THURSDAY, "cet été", "2027-06-01", "2027-09-01", "cet été"),
    (JULY, "cet été", "2026-07-15", "2026-09-01", "cet été"),
    (JULY, "l'été prochain", "2027-06-01", "2027-09-01", "l'été prochain"),
    (THURSDAY, "cet hiver", "2026-12-01", "2027-03-01", "cet hiver"),
    (THURSDAY, "ce printemps", "2027-03-01", "2027-06-01", "ce printemps"),
    (THURSDAY, "cet automne", "2026-11-26", "2026-12-01", "cet automne"),
    (THURSDAY, "pendant les vacances de Noël", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "les vacances de la Toussaint", "2027-10-23", "2027-11-08", None),  # estimated
    (THURSDAY, "pendant les vacances d'hiver", "2027-02-06", "2027-02-22", None),
    (THURSDAY, "les vacances de février", "2027-02-06", "2027-02-22", None),
    (THURSDAY, "les vacances de printemps", "2027-04-03", "2027-04-19", None),
    (THURSDAY, "les vacances de Pâques", "2027-04-03", "2027-04-19", None),
    (THURSDAY, "les vacances d'été", "2027-07-03", "2027-09-01", None),
    (JULY, "pendant les grandes vacances", "2026-07-15", "2026-09-01", None),
    (THURSDAY, "pendant les vacances", "2026-12-19", "2027-01-04", None),
    (THURSDAY, "à Noël", "2026-12-24", "2026-12-26", "à Noël"),
    (THURSDAY, "le jour de l'an", "2027-01-01", "2027-01-02", "le jour de l'an"),
    (THURSDAY, "pour le nouvel an", "2026-12-31", "2027-01-02", None),
    (THURSDAY, "la Saint-Valentin", "2027-02-14", "2027-02-15", "la Saint-Valentin"),
    (THURSDAY, "la Fête de la musique", "2027-06-21", "2027-06-22", "la Fête de la musique"),
    (THURSDAY, "pour Pâques", "2027-03-27", "2027-03-30", "pour Pâques"),
    (THURSDAY, "pour Halloween", "2027-10-31", "2027-11-01", "pour Halloween"),
    (THURSDAY, "dans 3 jours", "2026-11-29", "2026-11-30", "dans 3 jours"),
    (THURSDAY, "dans 2 semaines", "2026-12-07", "2026-12-14", "dans 2 semaines"),
    (THURSDAY, "dans les 15 prochains jours", "2026-11-26", "2026-12-12", None),
    (THURSDAY, "les quinze prochains jours", "2026-11-26", "2026-12-12", None),
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
        "Concerts de jazz",
        "ça a été annulé ?",
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


def test_the_longest_expression_wins_when_they_are_not_joined() -> None:
    window = parse_dates("ce week-end, de préférence samedi", THURSDAY, TZ)
    assert window is not None and window.expression == "ce week-end"


def test_windows_follow_daylight_saving_time() -> None:
    window = parse_dates("le 24 octobre 2026 au soir", THURSDAY, TZ)  # clocks go back that night
    assert window is not None
    assert window.start.utcoffset() != window.end.utcoffset()
    assert window.end.timestamp() - window.start.timestamp() == 12 * 3600  # 18 h → 5 h, +1 h


def test_explicit_window_from_caller_filters() -> None:
    both = explicit_window(date(2026, 12, 1), date(2026, 12, 3), THURSDAY, TZ)
    assert (both.start, both.end) == (at("2026-12-01"), at("2026-12-04"))
    since = explicit_window(date(2026, 12, 1), None, THURSDAY, TZ)
    assert (since.start, since.end) == (at("2026-12-01"), at("2027-12-01"))
    until = explicit_window(None, date(2026, 12, 3), THURSDAY, TZ)
    assert (until.start, until.end) == (at("2026-11-26"), at("2026-12-04"))
    with pytest.raises(ValueError, match="swap them"):
        explicit_window(date(2026, 12, 3), date(2026, 12, 1), THURSDAY, TZ)
