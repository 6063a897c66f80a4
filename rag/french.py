"""Dates in French words, for passages, answers and the UI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rag.models import Occurrence

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
PARIS = ZoneInfo("Europe/Paris")


def day_name(value: date) -> str:
    """'samedi 29 novembre 2026' ('1er' for the first of the month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{WEEKDAYS[value.weekday()]} {day} {MONTHS[value.month - 1]} {value.year}"


def time_name(value: datetime) -> str:
    """'20 h', '20 h 30'."""
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.astimezone(tz)


def describe_occurrences(
    occurrences: Sequence[Occurrence],
    tz: ZoneInfo = PARIS,
    after: datetime | None = None,
    max_listed: int = 3,
) -> str:
    """A short French phrase for when an event happens.

    With `after`, past occurrences are left out so that an answer speaks of the next
    showings; an all-day or multi-day run reads as a range ("du 3 au 5 mai 2026").
    """
    shown = [o for o in occurrences if after is None or o.end >= after] or list(occurrences)
    if not shown:
        return "dates non précisées"
    first, last = _local(shown[0].start, tz), _local(max(o.end for o in shown), tz)
    if len(shown) == 1:
        occ = shown[0]
        start, end = _local(occ.start, tz), _local(occ.end, tz)
        if end - start < timedelta(hours=24) and (end.date() == start.date() or end.hour < 6):
            if start.hour == 0 and start.minute == 0:
                return f"le {day_name(start.date())}"
            return f"le {day_name(start.date())} à {time_name(start)}"
        return date_range(start.date(), end.date())
    if len(shown) <= max_listed:
        days = sorted({_local(o.start, tz).date() for o in shown})
        if len(days) == 1:
            times = ", ".join(time_name(_local(o.start, tz)) for o in shown)
            return f"le {day_name(days[0])} ({times})"
        return day_list(days)
    return f"{date_range(first.date(), last.date())} ({len(shown)} dates)"


def day_list(days: Sequence[date]) -> str:
    """'le samedi 28 et le dimanche 29 novembre 2026': month and year said once."""
    names = []
    for i, day in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else None
        number = "1er" if day.day == 1 else str(day.day)
        name = f"le {WEEKDAYS[day.weekday()]} {number}"
        if following is None or (following.month, following.year) != (day.month, day.year):
            name += f" {MONTHS[day.month - 1]}"
        if following is None or following.year != day.year:
            name += f" {day.year}"
        names.append(name)
    return ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else names[0]


def date_range(start: date, end: date) -> str:
    """'du 3 au 5 mai 2026', 'du 28 avril au 2 mai 2026', 'le samedi 2 mai 2026'."""
    if start == end:
        return f"le {day_name(start)}"
    first = "1er" if start.day == 1 else str(start.day)
    if start.year != end.year:
        return f"du {first} {MONTHS[start.month - 1]} {start.year} au {_short(end)}"
    if start.month != end.month:
        return f"du {first} {MONTHS[start.month - 1]} au {_short(end)}"
    return f"du {first} au {_short(end)}"


def _short(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"
