"""Source cards under an answer, in rank order at every width, and their map.

Cards go in rows of `PER_ROW`: on a narrow screen Streamlit stacks each row's columns, so
they read [1], [2], [3], [4]… on a phone as on a desktop (stacking three long columns
would give [1], [4], [2], [5], [3]).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from rag.french import day_name, describe_occurrences
from rag.models import Event, Occurrence
from ui.map import Point, deck

PER_ROW = 3
SUMMARY_CHARS = 220
Details = Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class CardDates:
    lines: list[str]
    over: bool  # every showing ended before the reference time


def reference_time(as_of: str | date | None, tz: ZoneInfo) -> datetime:
    """The moment the answer speaks from: now for today, else the start of `as_of`."""
    now = datetime.now(tz)
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    if day is None or day == now.date():
        return now
    return datetime.combine(day, clock.min, tzinfo=tz)


def card_dates(
    source: dict[str, Any], event: Event | None, reference: datetime, tz: ZoneInfo
) -> CardDates:
    """The showing the answer is about, and the whole run when it is longer than that:
    "à l'affiche jusqu'au jeudi 4 mars 2027" once it has started, the next dates otherwise."""
    shown = (
        Occurrence(datetime.fromisoformat(source["start"]), datetime.fromisoformat(source["end"]))
        if source.get("start") and source.get("end")
        else None
    )
    occurrences = (event.occurrences if event else None) or ([shown] if shown else [])
    if not occurrences:
        return CardDates(["dates non précisées"], over=False)
    last = max(o.end for o in occurrences)
    if last < reference:
        return CardDates([describe_occurrences(occurrences, tz)], over=True)
    started = occurrences[0].start < reference
    one_run = len(occurrences) == 1 and last - occurrences[0].start > timedelta(days=1)
    until = f"à l'affiche jusqu'au {day_name(last.astimezone(tz).date())}"
    if one_run and started:
        return CardDates([until], over=False)
    if shown is None or len(occurrences) == 1:
        return CardDates([describe_occurrences([shown or occurrences[0]], tz)], over=False)
    run = until if started else describe_occurrences(occurrences, tz, after=reference)
    day = shown.start.astimezone(tz).date()
    if all(o.start.astimezone(tz).date() == day for o in occurrences):
        return CardDates([run], over=False)  # "le samedi 5 décembre 2026 (10 h 30, 14 h 30)"
    return CardDates([describe_occurrences([shown], tz), run], over=False)


def render_sources(
    sources: list[dict[str, Any]],
    details: Details,
    reference: datetime,
    tz: ZoneInfo,
    turn: int,
    map_style: str | None,
) -> None:
    """Cards (numbered like the citations) and a map of those located.

    Each card has the key `source-<turn>-<number>` (CSS class `st-key-source-...`)."""
    if not sources:
        return
    points = []
    for row in range(0, len(sources), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, (number, source) in zip(
            columns, enumerate(sources[row : row + PER_ROW], row + 1), strict=False
        ):
            found = details(source["uid"]) or {}
            event = Event.from_dict(found) if found else None
            with column, column.container(border=True, key=f"source-{turn}-{number}"):
                _card(number, source, event, reference, tz)
            if event and event.latitude is not None and event.longitude is not None:
                points.append(Point(number, source["title"], event.latitude, event.longitude))
    if points:
        st.caption(":material/map: Où ont lieu ces événements")
        st.pydeck_chart(deck(points, map_style), height=300, key=f"map-{turn}")


def _card(
    number: int, source: dict[str, Any], event: Event | None, reference: datetime, tz: ZoneInfo
) -> None:
    url = source.get("url")
    title = f"[{source['title']}]({url})" if url else source["title"]
    dates = card_dates(source, event, reference, tz)
    badge = " :gray-badge[terminé]" if dates.over else ""
    st.markdown(f"**[{number}] {title}**{badge}")
    place = ", ".join(p for p in (source.get("venue"), source.get("city")) if p)
    lines = [f":material/event: {line}" for line in dates.lines]
    if place:
        lines.append(f":material/place: {place}")
    st.caption("  \n".join(lines))
    # the event's own summary reads better than the matched passage, when there is one
    summary = (event.description if event else "") or source["snippet"]
    st.markdown(f"<small>{_escape(_shorten(summary))}</small>", unsafe_allow_html=True)


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
