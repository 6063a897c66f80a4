"""Dates in words, French by default and English on request, for passages, answers, the UI.

Both languages share one structure: French "le samedi 28 novembre 2026 à 20 h", "du 3 au
5 mai 2026"; English "on Saturday 28 November 2026 at 8 pm", "from 3 to 5 May 2026" (the
day-month order of British English, so a date reads the same way in both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rag.language import Language
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
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PARIS = ZoneInfo("Europe/Paris")
# A run of showings that started before the reference time and lasts longer than this
# reads as "until …" (an exhibition under way), not as its full span.
RUN_DAYS = 7


@dataclass(frozen=True, slots=True)
class _Words:
    weekdays: list[str]
    months: list[str]
    first: str  # the first day of a month: "1er" / "1"
    on: str  # before a single day: "le" / "on"
    at: str  # before a time: "à" / "at"
    range_from: str  # "du" / "from"
    range_to: str  # "au" / "to"
    until: str  # "jusqu'au" / "until"
    and_: str
    repeat_on: bool  # French repeats "le" before each listed day, English does not
    unknown: str


WORDS = {
    "fr": _Words(
        WEEKDAYS, MONTHS, "1er", "le", "à", "du", "au", "jusqu'au", "et", True,
        "dates non précisées",
    ),
    "en": _Words(
        EN_WEEKDAYS, EN_MONTHS, "1", "on", "at", "from", "to", "until", "and", False,
        "dates not given",
    ),
}  # fmt: skip


def _day_number(value: date, language: Language) -> str:
    return WORDS[language].first if value.day == 1 else str(value.day)


def day_name(value: date, language: Language = "fr") -> str:
    """'samedi 29 novembre 2026' ('1er' for the first of the month); 'Sunday 29 November 2026'."""
    w = WORDS[language]
    number = _day_number(value, language)
    return f"{w.weekdays[value.weekday()]} {number} {w.months[value.month - 1]} {value.year}"


def month_name(month: int, language: Language = "fr") -> str:
    return WORDS[language].months[month - 1]


def weekday_name(value: date, language: Language = "fr") -> str:
    return WORDS[language].weekdays[value.weekday()]


def time_name(value: datetime, language: Language = "fr") -> str:
    """'20 h', '20 h 30'; in English '8 pm', '8:30 pm', '12 pm' (noon)."""
    if language == "en":
        hour = value.hour % 12 or 12
        suffix = "am" if value.hour < 12 else "pm"
        return f"{hour} {suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d} {suffix}"
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def on_day(value: date, language: Language = "fr") -> str:
    """'le samedi 29 novembre 2026', 'on Sunday 29 November 2026'."""
    return f"{WORDS[language].on} {day_name(value, language)}"


def until_day(value: date, language: Language = "fr") -> str:
    """'jusqu'au dimanche 4 mars 2027', 'until Sunday 4 March 2027'."""
    return f"{WORDS[language].until} {day_name(value, language)}"


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.astimezone(tz)


def describe_occurrences(
    occurrences: Sequence[Occurrence],
    tz: ZoneInfo = PARIS,
    after: datetime | None = None,
    max_listed: int = 3,
    language: Language = "fr",
) -> str:
    """A short phrase for when an event happens.

    With `after`, past occurrences are left out so that an answer speaks of the next
    showings; an all-day or multi-day run reads as a range ("du 3 au 5 mai 2026"), and a
    long run already under way at `after` as its end ("jusqu'au 4 mars 2027").
    """
    w = WORDS[language]
    shown = [o for o in occurrences if after is None or o.end >= after] or list(occurrences)
    if not shown:
        return w.unknown
    first, last = _local(shown[0].start, tz), _local(max(o.end for o in shown), tz)
    last_day = _last_day(last)
    began = min(o.start for o in occurrences)
    if after is not None and began < after and (last - first).days > RUN_DAYS:
        return until_day(last_day, language)
    if len(shown) == 1:
        occ = shown[0]
        start, end = _local(occ.start, tz), _local(occ.end, tz)
        if end - start < timedelta(hours=24) and (end.date() == start.date() or end.hour < 6):
            if start.hour == 0 and start.minute == 0:
                return on_day(start.date(), language)
            return f"{on_day(start.date(), language)} {w.at} {time_name(start, language)}"
        return date_range(start.date(), _last_day(end), language)
    if len(shown) <= max_listed:
        days = sorted({_local(o.start, tz).date() for o in shown})
        if len(days) == 1:
            times = ", ".join(time_name(_local(o.start, tz), language) for o in shown)
            return f"{on_day(days[0], language)} ({times})"
        return day_list(days, language)
    return f"{date_range(first.date(), last_day, language)} ({len(shown)} dates)"


def _last_day(end: datetime) -> date:
    """The last day an occurrence covers: one ending at midnight ends the day before."""
    if end.hour == 0 and end.minute == 0 and end.second == 0:
        return end.date() - timedelta(days=1)
    return end.date()


def day_list(days: Sequence[date], language: Language = "fr") -> str:
    """'le samedi 28 et le dimanche 29 novembre 2026': month and year said once."""
    w = WORDS[language]
    names = []
    for i, day in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else None
        name = f"{w.weekdays[day.weekday()]} {_day_number(day, language)}"
        if i == 0 or w.repeat_on:
            name = f"{w.on} {name}"
        if following is None or (following.month, following.year) != (day.month, day.year):
            name += f" {w.months[day.month - 1]}"
        if following is None or following.year != day.year:
            name += f" {day.year}"
        names.append(name)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {w.and_} {names[-1]}"


def date_range(start: date, end: date, language: Language = "fr") -> str:
    """'du 3 au 5 mai 2026', 'du 28 avril au 2 mai 2026', 'le samedi 2 mai 2026'."""
    w = WORDS[language]
    if start >= end:
        return on_day(start, language)
    first = _day_number(start, language)
    if start.year != end.year:
        first += f" {w.months[start.month - 1]} {start.year}"
    elif start.month != end.month:
        first += f" {w.months[start.month - 1]}"
    return f"{w.range_from} {first} {w.range_to} {_short(end, language)}"


def _short(value: date, language: Language) -> str:
    return f"{_day_number(value, language)} {WORDS[language].months[value.month - 1]} {value.year}"
