"""Dates in French words."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rag.french import date_range, day_list, day_name, describe_occurrences, time_name
from rag.models import Occurrence

PARIS = ZoneInfo("Europe/Paris")


def _occ(day: int, hour: int, minute: int = 0, hours: int = 2, month: int = 11) -> Occurrence:
    start = datetime(2026, month, day, hour, minute, tzinfo=PARIS)
    return Occurrence(start, start + timedelta(hours=hours))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 28), "samedi 28 novembre 2026"),
        (date(2026, 12, 1), "mardi 1er décembre 2026"),
        (date(2027, 8, 15), "dimanche 15 août 2027"),
    ],
)
def test_day_name(value: date, expected: str) -> None:
    assert day_name(value) == expected


def test_time_name() -> None:
    assert time_name(datetime(2026, 1, 1, 20)) == "20 h"
    assert time_name(datetime(2026, 1, 1, 9, 5)) == "9 h 05"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 5, 3), date(2026, 5, 5), "du 3 au 5 mai 2026"),
        (date(2026, 4, 28), date(2026, 5, 2), "du 28 avril au 2 mai 2026"),
        (date(2026, 12, 30), date(2027, 1, 2), "du 30 décembre 2026 au 2 janvier 2027"),
        (date(2026, 5, 1), date(2026, 5, 1), "le vendredi 1er mai 2026"),
    ],
)
def test_date_range(start: date, end: date, expected: str) -> None:
    assert date_range(start, end) == expected


def test_day_list_says_month_and_year_once() -> None:
    assert day_list([date(2026, 11, 28), date(2026, 11, 29)]) == (
        "le samedi 28 et le dimanche 29 novembre 2026"
    )
    assert day_list([date(2026, 11, 30), date(2026, 12, 1)]) == (
        "le lundi 30 novembre et le mardi 1er décembre 2026"
    )


@pytest.mark.parametrize(
    ("occurrences", "expected"),
    [
        ([_occ(28, 20)], "le samedi 28 novembre 2026 à 20 h"),
        ([_occ(28, 20, 30)], "le samedi 28 novembre 2026 à 20 h 30"),
        ([_occ(28, 15), _occ(28, 18)], "le samedi 28 novembre 2026 (15 h, 18 h)"),
        ([_occ(28, 20), _occ(29, 15)], "le samedi 28 et le dimanche 29 novembre 2026"),
        ([_occ(day, 10) for day in range(1, 20)], "du 1er au 19 novembre 2026 (19 dates)"),
        ([_occ(3, 10, hours=72, month=5)], "du 3 au 6 mai 2026"),
        ([], "dates non précisées"),
    ],
)
def test_describe_occurrences(occurrences: list[Occurrence], expected: str) -> None:
    assert describe_occurrences(occurrences, PARIS) == expected


def test_past_showings_are_left_out_after_a_date() -> None:
    occurrences = [_occ(day, 10) for day in (2, 9, 16, 23, 30)]
    after = datetime(2026, 11, 20, tzinfo=PARIS)
    assert describe_occurrences(occurrences, PARIS, after=after) == (
        "le lundi 23 et le lundi 30 novembre 2026"
    )
