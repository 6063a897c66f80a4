"""Date expressions in a question (French or English), resolved to a time window in Python.

Relative words ("ce week-end", "samedi soir", "next week", "pendant les vacances de
février") depend on the day the question is asked, so they are resolved here,
deterministically and testably, and never left to a language model. Conventions:

- a window is [start, end) in the given time zone; whole days run from 00:00 to 00:00;
- "ce week-end" / "this weekend" is Saturday 00:00 → Monday 00:00; on a Saturday or a
  Sunday it is the current one, from today. "le prochain week-end", "le week-end
  prochain" and "next weekend" are the coming one on a weekday, the following one when
  asked on a Saturday or a Sunday; "le week-end du 6 juin" is the weekend of that day;
- a bare weekday ("samedi", "on Saturday") is the next such day, today included;
  "samedi prochain" / "next Saturday" is the next one strictly after today;
- parts of the day: matin / morning 6 h–12 h, après-midi / afternoon 12 h–18 h,
  soir / evening / night 18 h–24 h, nuit 21 h–6 h. On one day they shape the window; over
  several days ("ce week-end en soirée") they are a daily filter (`DateWindow.hours`);
- seasons are astronomical (printemps 20 March–20 June, été 21 June–22 September,
  automne 23 September–20 December, hiver 21 December–19 March);
- "début", "mi-", "fin" of a month are its first half (1–15), its middle (10–20) and its
  second half (16 to the end): the widest common reading;
- a day, month, season or feast without a year is its next occurrence that has not ended
  on `as_of` (a month includes the current one); a period that contains `as_of` starts at
  `as_of`; "dernier" / "last" and "hier" / "yesterday" name a past window, flagged `past`;
- a range ("entre Pâques et la fin avril", "du 20 au 27", "from May 3 to 5") runs from
  the start of its first end to the end of its last one, never its last day only;
- school holidays come from the data table of `rag.holidays`, in the zone the question's
  place implies, else zone C (Paris); the label states the other zones' dates when they
  differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np

from rag.french import (
    EN_MONTHS,
    WEEKDAYS,
    date_range,
    day_name,
    month_name,
    on_day,
    until_day,
    weekday_name,
)
from rag.holidays import Holiday, default_zone, next_holiday, same_holiday, zone_cities
from rag.language import Language, detect_language
from rag.text import fold


@dataclass(frozen=True)
class DateWindow:
    """When the question asks about: the retriever keeps events that overlap it."""

    start: datetime  # tz-aware, inclusive
    end: datetime  # tz-aware, exclusive
    expression: str  # the words matched in the question, e.g. "ce week-end"
    label: str  # words for the user: "ce week-end (du samedi 28 au dimanche 29 …)"
    occasion: str | None = None  # a feast named in the question ("Saint-Valentin"): worth searching
    past: bool = False  # the window is over on the day asked ("hier soir", "last week")
    hours: tuple[int, int] | None = None  # a daily band: (18, 24) for "ce week-end en soirée"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) meets the window (its daily band, when it has one)."""
        return any(start < band_end and end > band_start for band_start, band_end in self.bands())

    def bands(self) -> list[tuple[datetime, datetime]]:
        """The window as disjoint intervals: itself, or its daily `hours` band each day."""
        if self.hours is None:
            return [(self.start, self.end)]
        tz = self.start.tzinfo
        assert isinstance(tz, ZoneInfo)
        bands = []
        day = self.start.date() - timedelta(days=1)  # a night band may start the day before
        while _at(day, 0, tz) < self.end:
            first = max(self.start, _at(day, self.hours[0], tz))
            end = min(self.end, _at(day, self.hours[1], tz))
            if first < end:
                bands.append((first, end))
            day += timedelta(days=1)
        return bands


def occurrence_overlap(window: DateWindow, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which occurrences ([start, end) as POSIX seconds) overlap the window's bands."""
    bands = window.bands()
    band_start = np.asarray([b[0].timestamp() for b in bands], dtype=np.float64)
    band_end = np.asarray([b[1].timestamp() for b in bands], dtype=np.float64)
    if not len(bands):
        return np.zeros(len(starts), dtype=bool)
    first = np.searchsorted(band_end, starts, side="right")  # first band ending after start
    inside = first < len(bands)
    return inside & (band_start[np.minimum(first, len(bands) - 1)] < ends)


def fold_aligned(text: str) -> str:
    """`rag.text.fold`, one character for one, so that a match maps back onto the question."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded[0] if folded else " ")
    return "".join(out)


# --- vocabulary (folded) ------------------------------------------------------------------

_MONTH_NUMBERS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_EN_MONTH_NUMBERS = {fold(name): i for i, name in enumerate(EN_MONTHS, start=1)} | {"sept": 9}
_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "trente": 30,
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30,
}  # fmt: skip
_FOLDED_WEEKDAYS = [fold(d) for d in WEEKDAYS]
_EN_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

WD_NAMES = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
EN_WD_NAMES = "|".join(_EN_WEEKDAYS)
WD = rf"(?:{WD_NAMES})\b"
MONTH = "(?:" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\b"
EN_MONTH = "(?:" + "|".join(sorted(_EN_MONTH_NUMBERS, key=len, reverse=True)) + r")\b"
DAY = r"(?:1er|premier|\d{1,2})"
YEAR = r"20\d\d\b"
NUM = r"(?:\d{1,3}|" + "|".join(n for n in _NUMBERS if n != "a") + r")\b"
EN_NUM = (
    r"(?:\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty)\b"
)
WE = r"(?:week-?\s?end|w-?e)\b"
PART = (
    r"(?:\s+(?:au\s+|en\s+|dans\s+l'|dans\s+la\s+|l')?"
    r"(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|aprem|nuit)\b)?"
)
EN_PART = r"(?:\s+(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night)\b)?"
ORDINAL = r"(?:st|nd|rd|th)?"


@dataclass(frozen=True, slots=True)
class _Part:
    first: int  # first hour
    end: int  # end hour, from that day's midnight (30 = 6 h the next morning)
    fr_name: str  # after a name: "demain soir"
    fr_date: str  # after a date: "le samedi 28 novembre au soir"
    en_name: str  # "tomorrow evening"
    en_date: str  # "on Saturday 28 November in the evening"


_PARTS = {
    "matin": _Part(6, 12, "matin", "au matin", "morning", "in the morning"),
    "apres-midi": _Part(12, 18, "après-midi", "après-midi", "afternoon", "in the afternoon"),
    "soir": _Part(18, 24, "soir", "au soir", "evening", "in the evening"),
    "nuit": _Part(21, 30, "dans la nuit", "dans la nuit", "night", "at night"),
}
_PART_ALIASES = {
    "soiree": "soir", "matinee": "matin", "aprem": "apres-midi", "morning": "matin",
    "afternoon": "apres-midi", "evening": "soir", "night": "soir", "evenings": "soir",
    "mornings": "matin", "afternoons": "apres-midi", "nights": "soir",
}  # fmt: skip
_THIS_PART = {
    "fr": {
        "matin": "ce matin", "apres-midi": "cet après-midi", "soir": "ce soir",
        "nuit": "cette nuit",
    },
    "en": {
        "matin": "this morning", "apres-midi": "this afternoon", "soir": "tonight",
        "nuit": "tonight",
    },
}  # fmt: skip


def _part_key(part: str) -> str:
    part = part.replace(" ", "")
    return _PART_ALIASES.get(part, "apres-midi" if part.startswith("apres") else part)


def _date_re(tag: str, month_optional: bool = False) -> str:
    """One calendar day: '14 juillet [2027]', 'samedi 28 novembre', '14/07[/2026]'."""
    month = rf"(?:\s+(?P<{tag}m>{MONTH})(?:\s+(?P<{tag}y>{YEAR}))?)"
    return (
        rf"(?:{WD}\s+)?(?:(?P<{tag}d>{DAY})\b{month}{'?' if month_optional else ''}"
        rf"|(?P<{tag}nd>\d{{1,2}})/(?P<{tag}nm>\d{{1,2}})(?:/(?P<{tag}ny>\d{{4}}|\d{{2}}))?"
        rf"(?![/\d])(?!\s*ans\b))"
    )


# 'July 14', 'July 14th, 2027', 'the 14th of July', '14 July 2027', 'Saturday, July 14'.
EN_DATE = (
    rf"(?:(?:{EN_WD_NAMES})\b,?\s+)?(?:the\s+)?(?:(?P<d>\d{{1,2}}){ORDINAL}\s+(?:of\s+)?"
    rf"(?P<m>{EN_MONTH})|(?P<m2>{EN_MONTH})\s+(?:the\s+)?(?P<d2>\d{{1,2}}){ORDINAL}\b)"
    rf"(?:,?\s+(?P<y>{YEAR}))?"
)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    n = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * n) // 451
    month, day = divmod(h + n - 7 * m + 114, 31)
    return date(year, month, day + 1)


# --- resolution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    as_of: date
    tz: ZoneInfo
    language: Language = "fr"
    zone: str | None = None  # school holiday zone the question's place implies

    def words(self, fr: str, en: str) -> str:
        return en if self.language == "en" else fr


@dataclass(frozen=True)
class _Span:
    start: datetime
    end: datetime
    label: str
    occasion: str | None = None
    hours: tuple[int, int] | None = None
    loose: bool = False  # only a date as one end of a range ("Pâques", "le 20", "avril")
    day_only: int | None = None  # a day number without its month ("le 20")
    articled: bool = True  # a day number said as a date ("le 20", "the 20th"), not "20"
    awaited: bool = False  # "d'ici l'été" means until it starts (seasons, holidays)


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=tz)


def _short_day(value: date, month: bool, language: Language) -> str:
    number = ("1er" if language == "fr" else "1") if value.day == 1 else str(value.day)
    words = f"{weekday_name(value, language)} {number}"
    return f"{words} {month_name(value.month, language)}" if month else words


def describe_days(first: date, last: date, language: Language = "fr") -> str:
    """'le samedi 28 novembre 2026', 'du samedi 28 au dimanche 29 novembre 2026'."""
    if first == last:
        return on_day(first, language)
    if (last - first).days > 14:
        return date_range(first, last, language)
    start, to = ("from", "to") if language == "en" else ("du", "au")
    if first.year != last.year:
        return f"{start} {day_name(first, language)} {to} {day_name(last, language)}"
    month = first.month != last.month
    return f"{start} {_short_day(first, month, language)} {to} {day_name(last, language)}"


def _days(
    c: _Ctx, first: date, last: date, name: str | None = None, occasion: str | None = None
) -> _Span:
    """Whole days from `first` to `last` included; a period under way starts today."""
    first = max(first, c.as_of) if last >= c.as_of else first
    words = describe_days(first, last, c.language)
    label = f"{name} ({words})" if name else words
    return _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), label, occasion)


def _day_part(c: _Ctx, day: date, part: str | None, name: str | None = None) -> _Span:
    """One day, or a part of it ('samedi soir', 'Saturday night')."""
    if not part:
        return _days(c, day, day, name)
    key = _part_key(part)
    p = _PARTS[key]
    on = on_day(day, c.language)
    if not name:
        label = f"{on} {c.words(p.fr_date, p.en_date)}"
    elif name in _THIS_PART[c.language].values():
        label = f"{name} ({on})"
    else:
        label = f"{name} {c.words(p.fr_name, p.en_name)} ({on})"
    return _Span(_at(day, p.first, c.tz), _at(day, p.end, c.tz), label, hours=(p.first, p.end))


def _next_date(c: _Ctx, month: int, day: int, year: int | None = None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        found = date(c.as_of.year, month, day)
        return found if found >= c.as_of else date(c.as_of.year + 1, month, day)
    except ValueError:
        return None


def _next_period(c: _Ctx, period: Callable[[int], tuple[date, date]]) -> tuple[date, date]:
    """The first yearly period (first, last day) that has not ended on `as_of`."""
    for year in (c.as_of.year - 1, c.as_of.year, c.as_of.year + 1):
        first, last = period(year)
        if last >= c.as_of:
            return first, last
    raise AssertionError("a yearly period always recurs within two years")


def _last_period(c: _Ctx, period: Callable[[int], tuple[date, date]]) -> tuple[date, date]:
    """The last yearly period (first, last day) that ended before `as_of`."""
    for year in (c.as_of.year, c.as_of.year - 1, c.as_of.year - 2):
        first, last = period(year)
        if last < c.as_of:
            return first, last
    raise AssertionError("a yearly period always recurs within two years")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _day_of(m: re.Match[str], tag: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as written; None where the question leaves them out."""
    if m.group(f"{tag}nd"):
        year = m.group(f"{tag}ny")
        full = None if not year else int(year) if len(year) == 4 else 2000 + int(year)
        return full, int(m.group(f"{tag}nm")), int(m.group(f"{tag}nd"))
    day = m.group(f"{tag}d")
    month, year = m.group(f"{tag}m"), m.group(f"{tag}y")
    return (
        int(year) if year else None,
        _MONTH_NUMBERS[month] if month else None,
        1 if day in ("1er", "premier") else int(day),
    )


def _single_date(m: re.Match[str], c: _Ctx, tag: str = "p") -> date | None:
    year, month, day = _day_of(m, tag)
    if month is None or day is None or not 1 <= month <= 12:
        return None
    return _next_date(c, month, day, year)


def _range_dates(m: re.Match[str], c: _Ctx) -> tuple[date, date] | None:
    """'du 28 avril au 2 mai': the end decides the year, the start borrows what it lacks."""
    last = _single_date(m, c, "q")
    if last is None:
        return None
    year, month, day = _day_of(m, "p")
    month = month or last.month
    if day is None:
        return None
    if year is None:
        year = last.year if (month, day) <= (last.month, last.day) else last.year - 1
    try:
        first = date(year, month, day)
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _weekday_date(c: _Ctx, target: int, step: str | None = None) -> date:
    """The next such weekday (today included); 'next': strictly after; 'last': before."""
    if step == "last":
        return c.as_of - timedelta(days=(c.as_of.weekday() - target - 1) % 7 + 1)
    ahead = (target - c.as_of.weekday()) % 7
    if step == "next" and ahead == 0:
        ahead = 7
    return c.as_of + timedelta(days=ahead)


def _weekday(m: re.Match[str], c: _Ctx, step: str | None = None) -> date:
    word = m.group("wd")
    days = _EN_WEEKDAYS if word in _EN_WEEKDAYS else _FOLDED_WEEKDAYS
    return _weekday_date(c, days.index(word), step)


def _weekend(c: _Ctx, weeks_later: int = 0) -> tuple[date, date]:
    saturday = c.as_of + timedelta(days=(5 - c.as_of.weekday()) % 7)
    if c.as_of.weekday() == 6:
        saturday = c.as_of - timedelta(days=1)
    saturday += timedelta(weeks=weeks_later)
    return saturday, saturday + timedelta(days=1)


def _following_weekend(c: _Ctx) -> tuple[date, date]:
    """'le week-end prochain': the coming one on a weekday, the one after on a weekend."""
    return _weekend(c, 1 if c.as_of.weekday() >= 5 else 0)


def _weekend_of(day: date | None) -> tuple[date, date] | None:
    """'le week-end du 6 juin': the weekend that day starts, is in, or comes before."""
    if day is None:
        return None
    saturday = day - timedelta(days=1) if day.weekday() == 6 else day
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    return saturday, saturday + timedelta(days=1)


def _last_weekend(c: _Ctx) -> tuple[date, date]:
    """The weekend before the current one (on a Saturday or Sunday, a week earlier)."""
    saturday = c.as_of - timedelta(days=c.as_of.weekday() + 2)
    return saturday, saturday + timedelta(days=1)


def _week(c: _Ctx, weeks_later: int, name: str) -> _Span:
    monday = c.as_of - timedelta(days=c.as_of.weekday()) + timedelta(weeks=weeks_later)
    return _days(c, monday, monday + timedelta(days=6), name)


def _month_span(c: _Ctx, month: int, year: int | None, position: str | None) -> _Span | None:
    if year is None:
        year = c.as_of.year if month >= c.as_of.month else c.as_of.year + 1
    first = date(year, month, 1)
    last = add_months(first, 1) - timedelta(days=1)
    name = f"{month_name(month, c.language)} {year}"
    if position == "debut":
        first, last, name = first, first.replace(day=15), c.words(f"début {name}", f"early {name}")
    elif position == "mi":
        first, last = first.replace(day=10), first.replace(day=20)
        name = c.words(f"mi-{name}", f"mid-{name}")
    elif position == "fin":
        first, name = first.replace(day=16), c.words(f"fin {name}", f"late {name}")
    return _days(c, first, last, name)


def _relative_month(c: _Ctx, months: int) -> _Span | None:
    moved = add_months(c.as_of.replace(day=1), months)
    return _month_span(c, moved.month, moved.year, None)


def add_months(value: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


_SEASONS = {  # folded name -> (first (month, day), last (month, day)), astronomical
    "printemps": ((3, 20), (6, 20)),
    "ete": ((6, 21), (9, 22)),
    "automne": ((9, 23), (12, 20)),
    "hiver": ((12, 21), (3, 19)),
}
_SEASON_ALIASES = {"spring": "printemps", "summer": "ete", "autumn": "automne", "fall": "automne"}
_SEASON_ALIASES |= {"winter": "hiver"}
_SEASON_WORDS = {
    "printemps": ("printemps", "spring"),
    "ete": ("été", "summer"),
    "automne": ("automne", "autumn"),
    "hiver": ("hiver", "winter"),
}


def _season_period(name: str) -> Callable[[int], tuple[date, date]]:
    (m1, d1), (m2, d2) = _SEASONS[name]

    def period(year: int) -> tuple[date, date]:
        return date(year, m1, d1), date(year + (m2 < m1), m2, d2)

    return period


def _season(c: _Ctx, word: str, step: str | None, year: int | None) -> _Span:
    """'cet été', 'l'été prochain', 'l'été 2027', 'l'été dernier' and English alike."""
    name = _SEASON_ALIASES.get(word, word)
    fr, en = _SEASON_WORDS[name]
    the = "le " if name == "printemps" else "l'"
    period = _season_period(name)
    if year is not None:
        label = c.words(f"{the}{fr} {year}", f"{en} {year}")
        first, last = period(year)
    elif step == "last":
        first, last = _last_period(c, period)
        label = c.words(f"{the}{fr} dernier", f"last {en}")
    else:
        first, last = _next_period(c, period)
        if step == "next" and first <= c.as_of:
            first, last = period(first.year + 1)
        this = "ce" if name == "printemps" else "cet"
        label = (
            c.words(f"{the}{fr} prochain", f"next {en}")
            if step == "next"
            else c.words(f"{this} {fr}", f"this {en}")
        )
    return replace(_days(c, first, last, label), awaited=True)


def _feast(
    c: _Ctx, name: str, period: Callable[[int], tuple[date, date]], occasion: str | None
) -> _Span:
    first, last = _next_period(c, period)
    return _days(c, first, last, name, occasion)


def _paques(year: int) -> tuple[date, date]:
    return _easter(year) - timedelta(days=1), _easter(year) + timedelta(days=1)


# (FR name, EN name, occasion searched in the French corpus, yearly period). A feast whose
# events are themed has an occasion ("Saint-Valentin"); Pâques and the Toussaint name a
# long weekend or a day off, not a theme ("le week-end de Pâques à Nice": anything on).
_FEASTS: dict[str, tuple[str, str, str | None, Callable[[int], tuple[date, date]]]] = {
    "noel": ("Noël", "Christmas", "Noël", lambda y: (date(y, 12, 24), date(y, 12, 25))),
    "jour_an": (
        "le jour de l'an", "New Year's Day", "jour de l'an",
        lambda y: (date(y, 1, 1), date(y, 1, 1)),
    ),
    "nouvel_an": (
        "le Nouvel An", "New Year's Eve", "Nouvel An",
        lambda y: (date(y - 1, 12, 31), date(y, 1, 1)),
    ),
    "valentin": (
        "la Saint-Valentin", "Valentine's Day", "Saint-Valentin",
        lambda y: (date(y, 2, 14), date(y, 2, 14)),
    ),
    "musique": (
        "la Fête de la musique", "the Fête de la Musique", "Fête de la musique",
        lambda y: (date(y, 6, 21), date(y, 6, 21)),
    ),
    "nationale": (
        "la fête nationale", "Bastille Day", "fête nationale",
        lambda y: (date(y, 7, 14), date(y, 7, 14)),
    ),
    "halloween": (
        "Halloween", "Halloween", "Halloween", lambda y: (date(y, 10, 31), date(y, 10, 31)),
    ),
    "paques": ("Pâques", "Easter", None, _paques),
    "paques_jour": (
        "Pâques", "Easter", None, lambda y: (_easter(y), _easter(y) + timedelta(days=1)),
    ),
    "toussaint": (
        "la Toussaint", "All Saints' Day", None, lambda y: (date(y, 11, 1), date(y, 11, 1)),
    ),
}  # fmt: skip


def _named_feast(c: _Ctx, key: str, loose: bool = False) -> _Span:
    fr, en, occasion, period = _FEASTS[key]
    return replace(_feast(c, c.words(fr, en), period, occasion), loose=loose)


_HOLIDAY_NAMES = {
    "toussaint": ("les vacances de la Toussaint", "the All Saints' school holidays"),
    "noel": ("les vacances de Noël", "the Christmas school holidays"),
    "hiver": ("les vacances d'hiver", "the winter school holidays"),
    "printemps": ("les vacances de printemps", "the spring school holidays"),
    "ete": ("les grandes vacances", "the summer holidays"),
    None: ("les vacances scolaires", "the school holidays"),
}
_HOLIDAY_ALIASES = {
    "fevrier": "hiver", "paques": "printemps", "avril": "printemps", "automne": "toussaint",
    "christmas": "noel", "winter": "hiver", "february": "hiver", "ski": "hiver",
    "spring": "printemps", "easter": "printemps", "april": "printemps", "summer": "ete",
    "autumn": "toussaint", "fall": "toussaint", "all saints": "toussaint",
    "half-term": "toussaint", "half term": "toussaint",
}  # fmt: skip


def _holiday_span(c: _Ctx, word: str | None, zone: str | None = None) -> _Span | None:
    kind = _HOLIDAY_ALIASES.get(word, word) if word else None
    zone = zone or c.zone
    used = zone or default_zone()
    found = next_holiday(kind, used, c.as_of)
    if found is None:
        return None
    last = found.resume - timedelta(days=1)
    first = max(found.first, c.as_of)
    fr, en = _HOLIDAY_NAMES[kind]
    name = c.words(f"pendant {fr}", f"during {en}")
    if found.estimated:
        name += c.words(", dates estimées", ", estimated dates")
    words = describe_days(first, last, c.language)
    others = [h for h in same_holiday(found) if h.zone != used]
    if all((h.first, h.resume) == (found.first, found.resume) for h in others):
        label = f"{name} ({words})"
    elif zone:
        label = f"{name} (zone {used}{c.words(' :', ':')} {words})"
    else:
        label = _zones_label(c, name, used, words, others)
    span = _Span(_at(first, 0, c.tz), _at(last, 24, c.tz), label)
    return replace(span, awaited=True)


def _zones_label(c: _Ctx, name: str, used: str, words: str, others: list[Holiday]) -> str:
    """The default zone's dates, then the other zones': the user knows which is theirs."""
    colon, semicolon = (":", ";") if c.language == "en" else (" :", " ;")
    parts = [f"zone {used}, {zone_cities(used)}{colon} {words}"]
    parts += [
        f"zone {h.zone}{colon} {date_range(h.first, h.resume - timedelta(days=1), c.language)}"
        for h in others
    ]
    parts.append(c.words("précisez votre ville pour sa zone", "name your city for its zone"))
    return f"{name} ({f'{semicolon} '.join(parts)})"


def _upcoming(c: _Ctx, count: int | None, unit: str) -> _Span:
    """'les 15 prochains jours': today and the 15 days after it."""
    unit = {"days": "jours", "weeks": "semaines", "months": "mois"}.get(unit, unit)
    count = count or {"jours": 7, "semaines": 4, "mois": 3}[unit]
    if unit == "mois":
        end = add_months(c.as_of, count)
    else:
        end = c.as_of + timedelta(days=count * (7 if unit == "semaines" else 1))
    plural = "prochaines" if unit == "semaines" else "prochains"
    en_unit = {"jours": "days", "semaines": "weeks", "mois": "months"}[unit]
    name = c.words(f"les {count} {plural} {unit}", f"the next {count} {en_unit}")
    return _days(c, c.as_of, end, name)


def _in(c: _Ctx, count: int, unit: str, name: str) -> _Span:
    """'dans 3 jours' is that day; 'dans 2 semaines' is that week, Monday to Sunday."""
    if unit.startswith(("semaine", "week")):
        day = c.as_of + timedelta(weeks=count)
        monday = day - timedelta(days=day.weekday())
        return _days(c, monday, monday + timedelta(days=6), name)
    day = c.as_of + timedelta(days=count)
    return _days(c, day, day, name)


def _ago(c: _Ctx, count: int, unit: str, name: str) -> _Span:
    """'il y a 3 jours' is that day; 'il y a 2 semaines' is that week."""
    return _in(c, -count, unit, name)


def _from_day(c: _Ctx, first: date | None) -> _Span | None:
    if first is None:
        return None
    first = max(first, c.as_of)
    return _Span(
        _at(first, 0, c.tz),
        _at(add_months(first, 12), 0, c.tz),
        c.words(f"à partir du {day_name(first)}", f"from {day_name(first, 'en')}"),
    )


def _until_day(c: _Ctx, last: date | None) -> _Span | None:
    if last is None or last < c.as_of:
        return None
    return _Span(_at(c.as_of, 0, c.tz), _at(last, 24, c.tz), until_day(last, c.language))


def _loose_day(m: re.Match[str], c: _Ctx) -> _Span | None:
    """A day number alone ('le 20', 'the 20th'): only one end of a range or a limit."""
    day = 1 if m["d"] in ("1er", "premier") else int(m["d"])
    if not 1 <= day <= 31:
        return None
    articled = bool(m["art"] or m.groupdict().get("ord"))
    today = _at(c.as_of, 0, c.tz)
    return _Span(today, today, "", loose=True, day_only=day, articled=articled)


def _next_day_numbered(c: _Ctx, day: int) -> date | None:
    """The next date with that day number, today included."""
    for months in range(3):
        base = add_months(c.as_of.replace(day=1), months)
        try:
            found = base.replace(day=day)
        except ValueError:
            continue
        if found >= c.as_of:
            return found
    return None


def _en_date(m: re.Match[str], c: _Ctx) -> _Span | None:
    found = _en_single(m, c)
    return _day_part(c, found, m["part"]) if found else None


def _en_single(m: re.Match[str], c: _Ctx) -> date | None:
    month = _EN_MONTH_NUMBERS[m["m"] or m["m2"]]
    return _next_date(c, month, int(m["d"] or m["d2"]), int(m["y"]) if m["y"] else None)


def _part_of(m: re.Match[str], c: _Ctx, day: date | None) -> _Span | None:
    """'le soir du 14 juillet', 'the evening of July 14'."""
    return _day_part(c, day, m["part"]) if day else None


def _end_of(c: _Ctx, unit: str) -> _Span:
    """'la fin du mois' / 'the end of the month': its second half; of a week, Friday on."""
    if unit in ("mois", "month"):
        last = add_months(c.as_of.replace(day=1), 1) - timedelta(days=1)
        return _days(
            c, last.replace(day=16), last, c.words("la fin du mois", "the end of the month")
        )
    if unit in ("annee", "year"):
        year = c.as_of.year
        name = c.words("la fin de l'année", "the end of the year")
        return _days(c, date(year, 12, 16), date(year, 12, 31), name)
    sunday = c.as_of + timedelta(days=6 - c.as_of.weekday())
    name = c.words("la fin de la semaine", "the end of the week")
    return _days(c, sunday - timedelta(days=2), sunday, name)


# --- rules: (pattern on the folded question, resolver) ------------------------------------

_Resolver = Callable[[re.Match[str], _Ctx], "_Span | None"]
_FR_RULES: list[tuple[str, _Resolver]] = [
    (
        rf"\baujourd'?\s?hui{PART}",
        lambda m, c: _day_part(c, c.as_of, m["part"], "aujourd'hui"),
    ),
    (
        r"\b(?:ce|cet|cette)\s+(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|nuit)\b",
        lambda m, c: _day_part(c, c.as_of, m["part"], _THIS_PART["fr"][_part_key(m["part"])]),
    ),
    (
        rf"\bapres[-\s]demain{PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=2), m["part"], "après-demain"),
    ),
    (
        rf"\bdemain{PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=1), m["part"], "demain"),
    ),
    (
        rf"\bavant[-\s]hier{PART}",
        lambda m, c: _day_part(c, c.as_of - timedelta(days=2), m["part"], "avant-hier"),
    ),
    (
        rf"\bhier{PART}",
        lambda m, c: _day_part(c, c.as_of - timedelta(days=1), m["part"], "hier"),
    ),
    (
        rf"\b(?:(?:le|ce)\s+)?(?P<wd>{WD_NAMES})\b(?:\s+(?P<step>prochain|dernier))?{PART}",
        lambda m, c: _day_part(
            c,
            _weekday(m, c, {"prochain": "next", "dernier": "last"}.get(m["step"] or "")),
            m["part"],
        ),
    ),
    (
        rf"\b(?P<le>(?:le|ce)\s+)?{_date_re('p')}{PART}",
        lambda m, c: _dated(m, c),
    ),
    (
        r"\b(?:le|la|en)\s+(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|nuit)\s+"
        rf"(?:du|de\s+ce|de)\s+{_date_re('p')}",
        lambda m, c: _part_of(m, c, _single_date(m, c)),
    ),
    (
        rf"\b(?:le|la|en)\s+(?P<part>soir|soiree|matin|matinee|apres-?\s?midi|nuit)\s+"
        rf"(?:du|de)\s+(?P<wd>{WD_NAMES})\b",
        lambda m, c: _part_of(m, c, _weekday(m, c)),
    ),
    (
        rf"\b(?:(?:ce|le|du|au|pour\s+le|pendant\s+le)\s+{WE}(?!\s+(?:prochain|dernier))"
        rf"|week-?\s?end\b(?!\s+(?:prochain|dernier))"
        rf"|cette\s+fin\s+de\s+semaine\b|(?:le\s+|du\s+|au\s+)?prochain\s+{WE})",
        lambda m, c: _days(c, *_weekend(c), c.words("ce week-end", "this weekend")),
    ),
    (
        rf"\b(?:(?:le|du|au|ce)\s+)?{WE}\s+prochain\b",
        lambda m, c: _days(c, *_following_weekend(c), "le week-end prochain"),
    ),
    (
        rf"\b(?:(?:le|du|au)\s+)?{WE}\s+dernier\b|\b(?:le|du|au)\s+dernier\s+{WE}",
        lambda m, c: _days(c, *_last_weekend(c), "le week-end dernier"),
    ),
    (
        rf"\b(?:(?:le|ce|du|au|pour\s+le|pendant\s+le)\s+)?{WE}\s+(?:du|des)\s+{_date_re('p')}",
        lambda m, c: _weekend_span(c, _weekend_of(_single_date(m, c))),
    ),
    (
        r"\bcette\s+semaine\b",
        lambda m, c: _days(
            c, c.as_of, c.as_of + timedelta(days=6 - c.as_of.weekday()), "cette semaine"
        ),
    ),
    (
        r"\b(?:la\s+)?semaine\s+(?:prochaine|d'apres)\b",
        lambda m, c: _week(c, 1, "la semaine prochaine"),
    ),
    (
        r"\b(?:la\s+)?semaine\s+derniere\b|\bla\s+derniere\s+semaine\b",
        lambda m, c: _week(c, -1, "la semaine dernière"),
    ),
    (
        r"\bce\s+mois(?:[-\s]ci)?\b",
        lambda m, c: _month_span(c, c.as_of.month, c.as_of.year, None),
    ),
    (
        r"\b(?:le\s+)?mois\s+prochain\b",
        lambda m, c: _relative_month(c, 1),
    ),
    (
        r"\b(?:le\s+)?mois\s+dernier\b|\ble\s+dernier\s+mois\b",
        lambda m, c: _relative_month(c, -1),
    ),
    (
        r"\b(?:la\s+)?fin\s+(?:du\s+mois|de\s+ce\s+mois|de\s+la\s+semaine|de\s+l'annee)\b",
        lambda m, c: _end_of(c, m[0].split()[-1].removeprefix("l'")),
    ),
    (
        rf"\b(?:(?:en|courant|pour|durant|pendant)\s+|(?:au\s+|le\s+)?mois\s+d(?:e\s+|')"
        rf"|(?P<pos>debut|fin|mi)(?:-|\s+)(?:de\s+|d'|du\s+mois\s+d(?:e\s+|'))?)?(?P<m>{MONTH})"
        rf"(?:\s+(?P<y>{YEAR})|\s+(?P<last>dernier))?",
        lambda m, c: _month(m, c, _MONTH_NUMBERS),
    ),
    (
        rf"\b(?:en|pour|courant|durant|pendant)\s+(?:l'annee\s+)?(?P<y>{YEAR})",
        lambda m, c: _days(c, date(int(m["y"]), 1, 1), date(int(m["y"]), 12, 31), f"en {m['y']}"),
    ),
    (
        r"\bcette\s+annee\b",
        lambda m, c: _days(c, c.as_of, date(c.as_of.year, 12, 31), "cette année"),
    ),
    (
        r"\bl'annee\s+(?:derniere|passee)\b",
        lambda m, c: _days(
            c, date(c.as_of.year - 1, 1, 1), date(c.as_of.year - 1, 12, 31), "l'année dernière"
        ),
    ),
    (
        r"\b(?:(?:l'|le\s+)?(?P<s2>ete|hiver|printemps|automne)\s+(?P<step>prochain|dernier)\b"
        rf"|(?:cet|ce|en|au|l'|le)\s*(?P<s>ete|hiver|printemps|automne)\b(?:\s+(?P<y>{YEAR}))?)",
        lambda m, c: _season(
            c,
            m["s"] or m["s2"],
            {"prochain": "next", "dernier": "last"}.get(m["step"] or ""),
            int(m["y"]) if m["y"] else None,
        ),
    ),
    (
        r"\b(?:(?:pendant|durant|pour)\s+)?(?:les\s+)?(?:(?P<big>grandes\s+)vacances\b"
        r"|vacances(?:\s+scolaires)?\s+(?:de\s+la\s+|de\s+|d')"
        r"(?P<k>toussaint|noel|hiver|fevrier|printemps|paques|avril|ete|automne)\b)"
        r"(?:\s+(?:en\s+|de\s+la\s+)?zone\s+(?P<z>[abc])\b)?"
        r"|\b(?:(?:pendant|durant|pour)\s+les\s+vacances|les\s+vacances\s+scolaires)\b"
        r"(?:\s+(?:en\s+|de\s+la\s+)?zone\s+(?P<z2>[abc])\b)?",
        lambda m, c: _holiday_span(
            c, "ete" if m["big"] else m["k"], (m["z"] or m["z2"] or "").upper() or None
        ),
    ),
    (
        rf"\bdans\s+(?P<n>{NUM})\s+(?P<u>jours?|semaines?)\b",
        lambda m, c: _in(c, _number(m["n"]), m["u"], f"dans {m['n']} {m['u']}"),
    ),
    (
        rf"\bil\s+y\s+a\s+(?P<n>{NUM})\s+(?P<u>jours?|semaines?)\b",
        lambda m, c: _ago(c, _number(m["n"]), m["u"], f"il y a {m['n']} {m['u']}"),
    ),
    (
        rf"\b(?:(?:dans|pendant|durant|sur|pour)\s+)?les\s+(?:(?P<n>{NUM})\s+)?"
        r"prochain(?:e)?s\s+(?P<u>jours|semaines|mois)\b"
        rf"|\b(?:dans|d'?ici|sous)\s+les\s+(?P<n2>{NUM})\s+(?P<u2>jours|semaines|mois)\b"
        r"(?:\s+(?:a\s+venir|qui\s+viennent))?",
        lambda m, c: _upcoming(
            c, _number(m["n"] or m["n2"]) if m["n"] or m["n2"] else None, m["u"] or m["u2"]
        ),
    ),
    (
        rf"\b(?:du|depuis\s+le)\s+{_date_re('p', month_optional=True)}\s+(?:au|jusqu'?au)\s+"
        rf"(?:{_date_re('q')})",
        lambda m, c: _range(m, c),
    ),
    (
        rf"\bentre\s+(?:le\s+)?{_date_re('p', month_optional=True)}\s+et\s+(?:le\s+)?"
        rf"(?:{_date_re('q')})",
        lambda m, c: _range(m, c),
    ),
    (
        r"\b(?:a|pour|pendant|durant|le\s+jour\s+de|le\s+soir\s+de|la\s+veille\s+de|"
        r"au\s+moment\s+de)\s+noel\b",
        lambda m, c: _named_feast(c, "noel"),
    ),
    (
        r"\b(?:(?:le|au|pour\s+le)\s+)?jour\s+de\s+l'?\s?an\b",
        lambda m, c: _named_feast(c, "jour_an"),
    ),
    (
        r"\b(?:(?:le|au|pour\s+le)\s+)?(?:reveillon\s+du\s+)?nouvel\s+an\b"
        r"(?!\s+(?:chinois|iranien|persan|juif|lunaire|vietnamien|tamoul|berbere|amazigh))"
        r"|\b(?:(?:la|pour\s+la|a\s+la)\s+)?saint[-\s]sylvestre\b",
        lambda m, c: _named_feast(c, "nouvel_an"),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la)\s+)?(?:st|saint)[-\s]valentin\b",
        lambda m, c: _named_feast(c, "valentin"),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la|pendant\s+la)\s+)?fete\s+de\s+la\s+musique\b",
        lambda m, c: _named_feast(c, "musique"),
    ),
    (
        r"\b(?:(?:la|pour\s+la|a\s+la|pendant\s+la)\s+)?fete\s+nationale\b",
        lambda m, c: _named_feast(c, "nationale"),
    ),
    (
        r"\b(?:a|pour|pendant|le\s+soir\s+d')\s*halloween\b",
        lambda m, c: _named_feast(c, "halloween"),
    ),
    (
        rf"\b(?:a|pour|pendant|(?:le\s+)?(?:{WE}|lundi|dimanche)\s+de)\s+paques\b",
        lambda m, c: _named_feast(c, "paques"),
    ),
    # Loose ends: only dates as one end of a range or a limit ("entre Pâques et…").
    (
        r"\b(?P<f>paques|noel|halloween|(?:la\s+)?toussaint)\b",
        lambda m, c: _named_feast(c, _fold_feast(m["f"]), loose=True),
    ),
    (
        r"\b(?P<art>le\s+)?(?P<d>1er|premier|\d{1,2})\b"
        r"(?!\s*(?:h\b|heures?|ans?\b|euros?|€|%|e\b|eme|er\b|km|mn|min|/|:|[.,]\d|personnes))",
        _loose_day,
    ),
]

_EN_RULES: list[tuple[str, _Resolver]] = [
    (
        rf"\btoday{EN_PART}",
        lambda m, c: _day_part(c, c.as_of, m["part"], "today"),
    ),
    (
        r"\btonight\b",
        lambda m, c: _day_part(c, c.as_of, "soir", "tonight"),
    ),
    (
        r"\bthis\s+(?P<part>morning|afternoon|evening)\b",
        lambda m, c: _day_part(c, c.as_of, m["part"], _THIS_PART["en"][_part_key(m["part"])]),
    ),
    (
        rf"\b(?:the\s+)?day\s+after\s+tomorrow{EN_PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=2), m["part"], "the day after tomorrow"),
    ),
    (
        rf"\btomorrow{EN_PART}",
        lambda m, c: _day_part(c, c.as_of + timedelta(days=1), m["part"], "tomorrow"),
    ),
    (
        rf"\b(?:the\s+)?day\s+before\s+yesterday{EN_PART}",
        lambda m, c: _day_part(
            c, c.as_of - timedelta(days=2), m["part"], "the day before yesterday"
        ),
    ),
    (
        rf"\byesterday{EN_PART}",
        lambda m, c: _day_part(c, c.as_of - timedelta(days=1), m["part"], "yesterday"),
    ),
    (
        r"\blast\s+night\b",
        lambda m, c: _day_part(c, c.as_of - timedelta(days=1), "soir", "yesterday"),
    ),
    (
        rf"\b(?:(?:on|this|(?P<step>next|last|coming))\s+)?(?P<wd>{EN_WD_NAMES})s?\b{EN_PART}",
        lambda m, c: _day_part(
            c, _weekday(m, c, "next" if m["step"] == "next" else m["step"]), m["part"]
        ),
    ),
    (
        rf"\b(?:on\s+)?{EN_DATE}{EN_PART}",
        _en_date,
    ),
    (
        rf"\b(?:on\s+)?the\s+(?P<part>morning|afternoon|evening|night)\s+of\s+(?:the\s+)?{EN_DATE}",
        lambda m, c: _part_of(m, c, _en_single(m, c)),
    ),
    (
        rf"\b(?:on\s+)?(?P<wd>{EN_WD_NAMES})\s+in\s+the\s+(?P<part>morning|afternoon|evening)\b",
        lambda m, c: _part_of(m, c, _weekday(m, c)),
    ),
    (
        r"\b(?:(?:this|the|over\s+the|during\s+the|for\s+the|on\s+the)\s+)?week-?\s?end\b"
        r"(?<!next\sweekend)(?<!last\sweekend)",
        lambda m, c: _days(c, *_weekend(c), "this weekend"),
    ),
    (
        r"\bnext\s+week-?\s?end\b",
        lambda m, c: _days(c, *_following_weekend(c), "next weekend"),
    ),
    (
        r"\blast\s+week-?\s?end\b",
        lambda m, c: _days(c, *_last_weekend(c), "last weekend"),
    ),
    (
        rf"\b(?:(?:on|over|for|during)\s+)?the\s+week-?\s?end\s+of\s+{EN_DATE}",
        lambda m, c: _weekend_span(c, _weekend_of(_en_single(m, c))),
    ),
    (
        r"\bthis\s+week\b",
        lambda m, c: _days(
            c, c.as_of, c.as_of + timedelta(days=6 - c.as_of.weekday()), "this week"
        ),
    ),
    (
        r"\bnext\s+week\b",
        lambda m, c: _week(c, 1, "next week"),
    ),
    (
        r"\blast\s+week\b",
        lambda m, c: _week(c, -1, "last week"),
    ),
    (
        r"\bthis\s+month\b",
        lambda m, c: _month_span(c, c.as_of.month, c.as_of.year, None),
    ),
    (
        r"\bnext\s+month\b",
        lambda m, c: _relative_month(c, 1),
    ),
    (
        r"\blast\s+month\b",
        lambda m, c: _relative_month(c, -1),
    ),
    (
        r"\b(?:the\s+)?end\s+of\s+(?:the|this)\s+(?P<u>month|week|year)\b",
        lambda m, c: _end_of(c, m["u"]),
    ),
    (
        rf"\b(?:(?:in|during|for|throughout)\s+|(?P<last>last)\s+"
        rf"|(?:(?:in\s+)?(?:the\s+)?(?P<pos>early|mid|late|beginning\s+of|middle\s+of|end\s+of)"
        rf"[-\s]+))?(?P<m>{EN_MONTH})(?:\s+(?P<y>{YEAR}))?",
        lambda m, c: _month(m, c, _EN_MONTH_NUMBERS),
    ),
    (
        rf"\b(?:in|during|for)\s+(?P<y>{YEAR})",
        lambda m, c: _days(c, date(int(m["y"]), 1, 1), date(int(m["y"]), 12, 31), f"in {m['y']}"),
    ),
    (
        r"\bthis\s+year\b",
        lambda m, c: _days(c, c.as_of, date(c.as_of.year, 12, 31), "this year"),
    ),
    (
        r"\blast\s+year\b",
        lambda m, c: _days(
            c, date(c.as_of.year - 1, 1, 1), date(c.as_of.year - 1, 12, 31), "last year"
        ),
    ),
    (
        r"\b(?:(?P<step>this|next|last|in\s+the|in|during\s+the|over\s+the|the)\s+)"
        rf"(?P<s>summer|spring|autumn|fall|winter)\b(?:\s+(?P<y>{YEAR}))?"
        rf"|\b(?P<s2>summer|spring|autumn|winter)\s+(?P<y2>{YEAR})",
        lambda m, c: _season(
            c,
            m["s"] or m["s2"],
            m["step"] if m["step"] in ("next", "last") else None,
            int(m["y"] or m["y2"]) if m["y"] or m["y2"] else None,
        ),
    ),
    (
        r"\b(?:(?:during|over|for|in)\s+)?(?:the\s+)?"
        r"(?P<k>christmas|easter|winter|february|ski|spring|april|summer|autumn|fall"
        r"|half[-\s]term|all\s+saints'?)\s+(?:school\s+)?(?:holidays?|break|vacations?)\b"
        r"(?:\s+(?:in\s+)?zone\s+(?P<z>[abc])\b)?"
        r"|\b(?:(?:during|over|for|in)\s+)?(?:the\s+)?school\s+(?:holidays?|vacations?)\b"
        r"(?:\s+(?:in\s+)?zone\s+(?P<z2>[abc])\b)?",
        lambda m, c: _holiday_span(
            c, m["k"].rstrip("'") if m["k"] else None, (m["z"] or m["z2"] or "").upper() or None
        ),
    ),
    (
        rf"\bin\s+(?P<n>{EN_NUM})\s+(?P<u>days?|weeks?)\b(?!\s+ago)",
        lambda m, c: _in(c, _number(m["n"]), m["u"], f"in {m['n']} {m['u']}"),
    ),
    (
        rf"\b(?P<n>{EN_NUM})\s+(?P<u>days?|weeks?)\s+ago\b",
        lambda m, c: _ago(c, _number(m["n"]), m["u"], f"{m['n']} {m['u']} ago"),
    ),
    (
        rf"\b(?:(?:in|over|during|for|within)\s+)?the\s+(?:(?P<n>next|coming)\s+)"
        rf"(?:(?P<c>{EN_NUM})\s+)?(?P<u>days|weeks|months)\b",
        lambda m, c: _upcoming(c, _number(m["c"]) if m["c"] else None, m["u"]),
    ),
    (
        r"\b(?:on\s+)?christmas(?:\s+day)?\b(?!\s+(?:market|tree|holidays?|break))"
        r"|\bchristmas\s+eve\b",
        lambda m, c: _named_feast(c, "noel"),
    ),
    (
        r"\b(?:on\s+)?new\s+year'?s?\s+day\b",
        lambda m, c: _named_feast(c, "jour_an"),
    ),
    (
        r"\b(?:on\s+|for\s+)?new\s+year'?s?\s+eve\b|\b(?:for|at|on)\s+new\s+year'?s?\b",
        lambda m, c: _named_feast(c, "nouvel_an"),
    ),
    (
        r"\b(?:on\s+|for\s+)?(?:saint\s+|st\s+)?valentine'?s?(?:\s+day)?\b",
        lambda m, c: _named_feast(c, "valentin"),
    ),
    (
        r"\b(?:on\s+|for\s+)?bastille\s+day\b",
        lambda m, c: _named_feast(c, "nationale"),
    ),
    (
        r"\b(?:on|for|at|during)\s+halloween\b",
        lambda m, c: _named_feast(c, "halloween"),
    ),
    (
        r"\b(?:on|for|at|during|over)\s+easter(?:\s+(?:week-?end|sunday|monday))?\b",
        lambda m, c: _named_feast(c, "paques"),
    ),
    (
        r"\b(?P<f>easter|christmas|halloween)\b",
        lambda m, c: _named_feast(
            c, {"easter": "paques_jour", "christmas": "noel"}.get(m["f"], m["f"]), loose=True
        ),
    ),
    (
        r"\b(?P<art>the\s+)?(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?\b"
        r"(?!\s*(?:h\b|hours?|years?|euros?|€|%|km|min|pm|am|:|[.,]\d|people|o'clock))",
        _loose_day,
    ),
]


def _fold_feast(word: str) -> str:
    """The feast a bare name means as one end of a range: Pâques is Easter Sunday then."""
    word = word.removeprefix("la ").strip()
    return "paques_jour" if word == "paques" else word


def _weekend_span(c: _Ctx, days: tuple[date, date] | None) -> _Span | None:
    return _days(c, *days, c.words("le week-end", "the weekend")) if days else None


def _dated(m: re.Match[str], c: _Ctx) -> _Span | None:
    # A bare '14/07' needs two digits on each side: '3/5' is more often a fraction.
    if m["pnd"] and not m["le"] and not m["pny"] and (len(m["pnd"]) < 2 or len(m["pnm"]) < 2):
        return None
    day = _single_date(m, c)
    return _day_part(c, day, m["part"]) if day else None


def _month(m: re.Match[str], c: _Ctx, numbers: dict[str, int]) -> _Span | None:
    month = numbers[m["m"]]
    position = m["pos"]
    if position:
        position = {"early": "debut", "beginning of": "debut", "middle of": "mi", "mid": "mi"}.get(
            " ".join(position.split()), position
        )
        position = {"late": "fin", "end of": "fin"}.get(position, position)
    if m["last"]:
        year = c.as_of.year if month < c.as_of.month else c.as_of.year - 1
        return _month_span(c, month, year, position)
    span = _month_span(c, month, int(m["y"]) if m["y"] else None, position)
    # A month needs a preposition or a year: "mai 68", "Mars" the planet, "may I" are not
    # dates on their own, only as one end of a range ("de mars à mai").
    if span is not None and m.group(0).strip() == m["m"]:
        return replace(span, loose=True)
    return span


def _range(m: re.Match[str], c: _Ctx) -> _Span | None:
    found = _range_dates(m, c)
    return _days(c, *found) if found else None


# --- combining expressions: ranges, limits, joined days, daily bands ------------------------

_RANGE_LEAD = re.compile(
    r"(?:\b(?:entre|du|de|des|depuis|from|between)\s+|\bd')(?:(?:le|la|les|the)\s+|l')?$"
)
_RANGE_MID = re.compile(
    r"^\s*(?:(?:et|au|a|aux|jusqu'?\s?au|jusqu'?\s?a|to|and|until|till|through|thru)\s+"
    r"(?:(?:le|la|les|the)\s+|l')?|[-–]\s*)$"
)
_UNTIL_LEAD = re.compile(
    r"\b(?:jusqu'?\s?(?:au|aux|a)|d'?ici(?:\s+(?:au|a))?|avant|until|till|by|before)\s+"
    r"(?:(?:le|la|les|the)\s+|l')?$"
)
_FROM_LEAD = re.compile(
    r"\b(?:a\s+partir\s+(?:du|de|des)|des|apres|depuis|starting(?:\s+from|\s+on)?|after|"
    r"from)\s+(?:(?:le|la|les|the)\s+|l')?$"
)
_DAYS_JOINED = re.compile(r"^(?:\s|,|&|-|/|et|ou|puis|voire|a|au|jusqu'au|jusqu'a|and|or)*$")
_DAILY_PART = re.compile(
    r"^[\s,]*(?:le|en|l'|the|in\s+the|at)?\s*(?P<part>soir|soiree|soirs|matin|matinee|matins"
    r"|apres-?\s?midi|evenings?|mornings?|afternoons?|nights?|night)\b"
)
_DAILY_PART_BEFORE = re.compile(
    r"\b(?:le|en|l'|the|in\s+the)?\s*(?P<part>soir|soiree|soirs|matin|matinee|apres-?\s?midi"
    r"|evenings?|mornings?|afternoons?)[\s,]*(?:de\s+|du\s+|this\s+)?$"
)
_ONLY_AFTER = re.compile(r"^\s+(?:seulement|uniquement|only)\b")
_ONLY_BEFORE = re.compile(r"\b(?:seulement|uniquement|only|just)\s+$")

_COMPILED = [(re.compile(pattern), resolve) for pattern, resolve in (*_FR_RULES, *_EN_RULES)]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    span: _Span


def _whole_days(c: _Ctx, first: datetime, end: datetime) -> _Span:
    """From `first` to `end`, starting today if under way, labelled by its days."""
    today = _at(c.as_of, 0, c.tz)
    if first < today < end:
        first = today
    label = describe_days(first.date(), (end - timedelta(microseconds=1)).date(), c.language)
    return _Span(first, end, label)


def _range_of(c: _Ctx, a: _Span, b: _Span) -> _Span | None:
    """From the start of `a` to the end of `b`; a bare day number borrows the other's month."""
    try:
        if a.day_only and b.day_only:
            last = _next_day_numbered(c, b.day_only)
            if last is None:
                return None
            first = last.replace(day=a.day_only) if a.day_only <= last.day else None
            if first is None:
                first = add_months(last.replace(day=1), -1).replace(day=a.day_only)
            return _whole_days(c, _at(first, 0, c.tz), _at(last, 24, c.tz))
        if a.day_only:
            anchor = b.start.date()
            first = anchor.replace(day=a.day_only)
            if first > anchor:
                first = add_months(anchor.replace(day=1), -1).replace(day=a.day_only)
            return _whole_days(c, _at(first, 0, c.tz), b.end)
        if b.day_only:
            anchor = a.start.date()
            last = anchor.replace(day=b.day_only)
            if last < anchor:
                last = add_months(anchor.replace(day=1), 1).replace(day=b.day_only)
            return _whole_days(c, a.start, _at(last, 24, c.tz))
    except ValueError:
        return None
    start = a.start
    if b.end <= start:  # "entre Noël et le jour de l'an" once this Noël is over
        try:
            start = start.replace(year=start.year - 1)
        except ValueError:
            return None
        if b.end <= start:
            return None
    return _whole_days(c, start, b.end)


def _until(c: _Ctx, a: _Span) -> _Span | None:
    """From today to the end of `a` ('jusqu'au 10 décembre'), or to its start for an
    awaited period ('d'ici l'été' ends when summer begins)."""
    if a.day_only:
        if not a.articled:
            return None
        return _until_day(c, _next_day_numbered(c, a.day_only))
    end = a.start if a.awaited else a.end
    today = _at(c.as_of, 0, c.tz)
    if end <= today:
        return None
    return _Span(today, end, until_day((end - timedelta(microseconds=1)).date(), c.language))


def _since(c: _Ctx, a: _Span) -> _Span | None:
    """From the start of `a` for a year ('à partir du 5 décembre', 'dès samedi')."""
    if a.day_only:
        return _from_day(c, _next_day_numbered(c, a.day_only)) if a.articled else None
    return _from_day(c, a.start.date())


def _combinations(folded: str, c: _Ctx, found: list[_Found]) -> list[_Found]:
    """Ranges ("entre A et B"), limits ("d'ici A", "à partir de A") built from what was found."""
    combined: list[_Found] = []
    for a in found:
        before = folded[: a.start]
        for lead, make in ((_UNTIL_LEAD, _until), (_FROM_LEAD, _since)):
            m = lead.search(before)
            if m is not None:
                said = a.span.articled or bool(re.search(r"\b(?:du|au)\s+$", m[0]))
                span = make(c, replace(a.span, articled=said))
                if span is not None:
                    combined.append(_Found(m.start(), a.end, span))
        lead_match = _RANGE_LEAD.search(before)
        for b in found:
            if b.start < a.end or b is a:
                continue
            mid = _RANGE_MID.match(folded[a.end : b.start])
            if mid is None or (lead_match is None and "-" not in mid[0] and "–" not in mid[0]):
                continue
            if not _dated_ends(a.span, b.span, before, folded[a.end : b.start]):
                continue
            span = _range_of(c, a.span, b.span)
            if span is not None:
                start = lead_match.start() if lead_match else a.start
                combined.append(_Found(start, b.end, span))
    return combined


def _dated_ends(a: _Span, b: _Span, before: str, mid: str) -> bool:
    """A bare number is a day only when said as one ("le 20", "du 3", "the 5th") or when
    the other end is a full date ("du 3 au 5 mai"): "entre 20 et 30 personnes" is not."""
    full_a, full_b = not a.day_only, not b.day_only
    said_a = a.articled or bool(re.search(r"\b(?:du|au|le|the)\s+$", before))
    said_b = b.articled or bool(re.search(r"\b(?:au|le|the)\s+$", mid))
    return (said_a or full_b) and (said_b or full_a) and (full_a or full_b or (said_a and said_b))


def parse_dates(
    text: str,
    as_of: date,
    tz: ZoneInfo,
    *,
    language: Language | None = None,
    zone: str | None = None,
) -> DateWindow | None:
    """The time window a question asks about, or None when it names no date.

    Ranges and limits combine what they join ("entre Pâques et la fin avril", "d'ici
    l'été"); several expressions joined by "et", "ou", "à" ("samedi et dimanche") make
    one window that covers them all; otherwise the longest expression wins. `language`
    chooses the words of the label (detected from the text when None); `zone` is the
    school holiday zone the question's place implies.
    """
    folded = fold_aligned(text)
    ctx = _Ctx(as_of, tz, language or detect_language(text), zone)
    found: list[_Found] = []
    for pattern, resolve in _COMPILED:
        for m in pattern.finditer(folded):
            span = resolve(m, ctx)
            if span is not None:
                found.append(_Found(m.start(), m.end(), span))
    found = [f for f in found + _combinations(folded, ctx, found) if not f.span.loose]
    chosen: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start - f.end, f.start)):
        if all(f.end <= o.start or f.start >= o.end for o in chosen):
            chosen.append(f)
    if not chosen:
        return None
    longest = chosen[0]
    chosen.sort(key=lambda f: f.start)
    joined = all(_DAYS_JOINED.match(folded[a.end : b.start]) for a, b in pairwise(chosen))
    if len(chosen) == 1 or not joined:
        start, end, span = longest.start, longest.end, longest.span
    else:
        start, end = chosen[0].start, chosen[-1].end
        span = _whole_days(ctx, min(f.span.start for f in chosen), max(f.span.end for f in chosen))
        hours = {f.span.hours for f in chosen}
        if len(hours) == 1:  # "samedi soir et dimanche soir"
            span = replace(span, hours=hours.pop())
    span, start, end = _daily_part(ctx, folded, span, start, end)
    start, end = _with_only(folded, start, end)
    today = _at(as_of, 0, tz)
    return DateWindow(
        span.start,
        span.end,
        text[start:end],
        span.label,
        span.occasion,
        past=span.end <= today,
        hours=span.hours,
    )


def _daily_part(c: _Ctx, folded: str, span: _Span, start: int, end: int) -> tuple[_Span, int, int]:
    """'ce week-end en soirée', 'les soirs de la semaine prochaine': a daily band."""
    if span.hours is not None:
        return span, start, end
    after = _DAILY_PART.match(folded[end:])
    before = _DAILY_PART_BEFORE.search(folded[:start])
    m = after or before
    if m is None:
        return span, start, end
    p = _PARTS[_part_key(m["part"].removesuffix("s"))]
    label = f"{span.label}, {c.words(_DAILY_WORDS[p.first][0], _DAILY_WORDS[p.first][1])}"
    banded = replace(span, hours=(p.first, p.end), label=label)
    if after is not None:
        return banded, start, end + after.end()
    return banded, before.start() if before else start, end


_DAILY_WORDS = {  # first hour -> how a daily band reads
    6: ("le matin", "in the morning"),
    12: ("l'après-midi", "in the afternoon"),
    18: ("le soir", "in the evening"),
    21: ("la nuit", "at night"),
}


def _with_only(folded: str, start: int, end: int) -> tuple[int, int]:
    """'dimanche seulement', 'only on Sunday': the restriction belongs to the date."""
    after = _ONLY_AFTER.match(folded[end:])
    if after is not None:
        end += after.end()
    before = _ONLY_BEFORE.search(folded[:start])
    if before is not None:
        start = before.start()
    return start, end


_BARE_WEEKDAY = re.compile(
    rf"^(?:le\s+|ce\s+|on\s+|this\s+|only\s+|just\s+)*(?:{WD_NAMES}|{EN_WD_NAMES})\b[\w\s'-]*$"
)


def is_bare_weekday(expression: str) -> bool:
    """'dimanche', 'Sunday only': a day a follow-up picks inside the window already asked."""
    return bool(_BARE_WEEKDAY.match(fold_aligned(expression)))


def explicit_window(
    date_from: date | None,
    date_to: date | None,
    as_of: date,
    tz: ZoneInfo,
    language: Language = "fr",
) -> DateWindow:
    """The window of a caller's date filters: from alone runs a year, to alone starts today."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(
            f"date_from ({date_from}) is after date_to ({date_to}): swap them or drop one"
        )
    if date_to is None:
        first = date_from or as_of
        span = _from_day(_Ctx(first, tz, language), first)
    elif date_from is None:
        span = _until_day(_Ctx(min(as_of, date_to), tz, language), date_to)
    else:
        span = _days(_Ctx(date_from, tz, language), date_from, date_to)
    assert span is not None  # neither end is before the context date
    return DateWindow(span.start, span.end, "", span.label, past=span.end <= _at(as_of, 0, tz))
