"""The embedded default: a short answer composed from the retrieved events, no network.

It only rearranges facts of the events (title, dates in words, place, age when asked for
a public), so it cannot invent anything and nothing inside an event's text is ever
followed as an instruction. One line per event (what, when, where): the source cards
carry the description, conditions and link. It answers in English when the question is
English, in French otherwise, and every piece goes through `rag.typography`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from pydantic import TypeAdapter

from rag.cues import is_free_for_all
from rag.french import describe_occurrences
from rag.generation import Generated, GenerationInput
from rag.language import Language
from rag.models import Event, Hit
from rag.query import Understanding, understood_summary
from rag.text import fold, normalize_space
from rag.typography import typeset

_WORDS_FILE = Path(__file__).parents[1] / "resources" / "answer-words.json"
_CITATION = re.compile(r"\[\s*\d+\s*\]")
_TAG_LIKE = re.compile(r"<\s*/?\s*[^\W\d_][^<>]*>")


@dataclass(frozen=True, slots=True)
class _Words:
    """Everything the answer says in its own words, per language: one entry each in
    `rag/resources/answer-words.json` (a new language is a new entry there)."""

    numbers: tuple[str, ...]
    event: str
    events: str
    found: str  # "{what}" → opening without a summary
    openings: tuple[str, ...]  # "{what}", "{summary}", "{verb}" (agreement) variants
    agree: tuple[str, str]  # verb ending for one / several events
    past: str
    over: str
    free: str
    audience: str
    free_one: str
    paid_one: str
    free_all: str
    free_none: str
    free_some_one: str  # "{total}"
    free_some: str  # "{free}", "{total}"
    free_rest: str
    closing: str
    untitled: str
    nothing: str  # "{summary}"
    nothing_bare: str
    try_: str  # "{tips}"
    widen_dates: str  # "{expression}"
    drop_place: str  # "{place}"
    paid_too: str
    drop_audience: str  # "{audience}"
    general_topic: str
    example: str
    or_: str


WORDS = TypeAdapter(dict[Language, _Words]).validate_json(_WORDS_FILE.read_bytes())


class ExtractiveGenerator:
    """Answers from the hits alone; deterministic, instant, streamable sentence by sentence."""

    name = "extractive"

    def generate(self, inp: GenerationInput) -> Generated:
        return Generated("".join(compose(inp)), self.name)

    def stream(self, inp: GenerationInput) -> Iterator[str | Generated]:
        pieces = compose(inp)
        yield from pieces
        yield Generated("".join(pieces), self.name)


def compose(inp: GenerationInput) -> list[str]:
    """The answer as sentences (each with its trailing space or paragraph break)."""
    u = inp.understanding
    if not inp.hits:
        return [no_answer_text(u)]
    w = WORDS[u.language]
    today = datetime.combine(u.as_of, time(0), inp.tz)
    after = u.window.start if u.window else today
    opening = [_opening(u, len(inp.hits))]
    if u.window is not None and u.window.past:
        opening.append(w.past)
    paragraphs = [opening + _cues(u, inp.hits)]
    paragraphs += [
        [_event_line(number, hit.event, inp, after, today)]
        for number, hit in enumerate(inp.hits, start=1)
    ]
    paragraphs.append([w.closing])
    pieces = []
    for paragraph in paragraphs:
        pieces += [sentence + " " for sentence in paragraph[:-1]] + [paragraph[-1] + "\n\n"]
    pieces[-1] = pieces[-1].rstrip()
    return [typeset(piece, u.language) for piece in pieces]


OUT_OF_SCOPE = {
    "fr": (
        "Cette question sort de ce que je fais : je réponds seulement sur les événements de "
        "l'agenda (concerts, expositions, spectacles, ateliers…), avec leurs dates et leurs lieux."
    ),
    "en": (
        "That question is outside what I do: I only answer about the events in the listings "
        "(concerts, exhibitions, shows, workshops…), with their dates and places."
    ),
}


def no_answer_text(understanding: Understanding) -> str:
    """What to say when retrieval found nothing: what was searched, and what to try next."""
    u = understanding
    if u.factual:
        return typeset(OUT_OF_SCOPE[u.language], u.language)
    w = WORDS[u.language]
    summary = understood_summary(u)
    text = w.nothing.format(summary=summary) if summary else w.nothing_bare
    tips = []
    if u.window:
        tips.append(w.widen_dates.format(expression=u.window.expression))
    if u.place:
        tips.append(w.drop_place.format(place=u.place.name))
    if u.free:
        tips.append(w.paid_too)
    if u.audience:
        tips.append(w.drop_audience.format(audience=", ".join(u.audience)))
    if u.topic:
        tips.append(w.general_topic)
    if tips:
        return typeset(f"{text} {w.try_.format(tips=_join(tips, w.or_))}", u.language)
    return typeset(f"{text} {w.example}", u.language)


def _opening(u: Understanding, count: int) -> str:
    w = WORDS[u.language]
    summary = understood_summary(u)
    what = w.event if count == 1 else w.events.format(n=_number(count, u.language))
    verb = w.agree[0 if count == 1 else 1]
    if u.language == "fr" and not summary:
        return w.found.format(what=what, verb=verb)
    if not summary:
        return w.found.format(what=what)
    variant = w.openings[zlib.crc32(u.question.encode()) % len(w.openings)]
    if u.language == "fr" and variant.startswith("Voici"):
        verb = "" if count == 1 else "ent"
    return variant.format(
        what=what, verb=verb, summary=summary, Summary=summary[0].upper() + summary[1:]
    )


def _cues(u: Understanding, hits: list[Hit]) -> list[str]:
    """Acknowledge the audience and price cues the user gave."""
    w = WORDS[u.language]
    cues = []
    if u.audience:
        cues.append(w.audience.format(audience=", ".join(u.audience)))
    if u.free:
        cues.append(_free_cue(hits, u.language))
    return cues


def _free_cue(hits: list[Hit], language: Language) -> str:
    w = WORDS[language]
    free, total = sum(is_free_for_all(hit.event) for hit in hits), len(hits)
    if total == 1:
        return w.free_one if free else w.paid_one
    if free == total:
        return w.free_all
    if not free:
        return w.free_none
    if free == 1:
        some = w.free_some_one.format(total=_number(total, language))
    else:
        number = _number(free, language)
        some = w.free_some.format(
            free=number[0].upper() + number[1:], total=_number(total, language)
        )
    return some + w.free_rest


def _event_line(
    number: int, event: Event, inp: GenerationInput, after: datetime, today: datetime
) -> str:
    """'[1] Title — when — where.': one line; an event already over says so."""
    u = inp.understanding
    w = WORDS[u.language]
    parts = [_sanitize(event.title) or w.untitled]
    if event.occurrences:
        when = describe_occurrences(event.occurrences, inp.tz, after=after, language=u.language)
        if max(o.end for o in event.occurrences) <= today:
            when = f"{when[:-1]}, {w.over})" if when.endswith(")") else f"{when} ({w.over})"
        parts.append(when)
    where = _place(event)
    if where:
        parts.append(where)
    extras = []
    if u.audience:
        extras.append(age_phrase(event, u.language))
    if u.free and is_free_for_all(event):
        extras.append(w.free)
    line = f"[{number}] " + " — ".join(parts)
    extras = [e for e in extras if e]
    if extras:
        line += f" ({', '.join(extras)})"
    return line if line[-1] in ".!?…" else line + "."


def _sanitize(text: str) -> str:
    """Plain one-line text: no fake citation markers, no tags."""
    text = _TAG_LIKE.sub(" ", _CITATION.sub("", text))
    return " ".join(normalize_space(text).split())


def _place(event: Event) -> str:
    venue = _sanitize(event.venue or "")
    city = _sanitize(event.city or "")
    if venue and city and fold(city) not in fold(venue):
        return f"{venue}, {city}"
    return venue or city


def age_phrase(event: Event, language: Language = "fr") -> str:
    """'dès 6 ans', 'de 9 à 14 ans', 'jusqu'à 12 ans' (or in English); empty when open to all."""
    low = event.age_min or 0
    high = event.age_max if event.age_max is not None and event.age_max < 99 else None
    english = language == "en"
    if low and high:
        return f"ages {low} to {high}" if english else f"de {low} à {high} ans"
    if low:
        return f"from age {low}" if english else f"dès {low} ans"
    if high:
        return f"up to age {high}" if english else f"jusqu'à {high} ans"
    return ""


def _number(count: int, language: Language) -> str:
    numbers = WORDS[language].numbers
    return numbers[count] if count < len(numbers) else str(count)


def _join(items: list[str], or_: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {or_} " + items[-1]
