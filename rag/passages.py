"""Events cut into passages: what gets embedded and searched.

Each event gives one header passage that holds everything a question may filter or ask on
(title, dates in words, place, keywords, audience, price, short description), and a short
summary passage (title, short description, keywords) whose vector is about the event's
subject alone. Long descriptions add passages of a few hundred characters,
each prefixed with the title so that it still says which event it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.french import describe_occurrences
from rag.models import Event, Passage
from rag.text import normalize_space, truncate

CHUNK_TARGET = 700
"""A description piece is closed once it passes this many characters..."""
CHUNK_MAX = 800
"""...and never grows past this one (a longer sentence is cut at a word boundary)."""
OVERLAP_MAX = 160
"""The last sentence of a piece is repeated at the start of the next if it is this short."""
LONG_TEXT = 300
"""Long descriptions up to this size go into the header instead of their own passage."""
MAX_DESCRIPTION_PASSAGES = 5
"""Bounds the cost of very long texts (catalogues, programmes): 95% of events fit."""
HEADER_DESCRIPTION = 400
SUMMARY_DESCRIPTION = 300

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(A-ZÀ-Ý0-9-])")


def event_passages(event: Event) -> list[Passage]:
    """The header and summary passages, then the description passages of one event."""
    passages = [
        Passage(event.uid, "header", header_text(event)),
        Passage(event.uid, "summary", summary_text(event)),
    ]
    long_text = normalize_space(event.long_description)
    if len(long_text) > LONG_TEXT:
        pieces = split_text(long_text)[:MAX_DESCRIPTION_PASSAGES]
        passages.extend(Passage(event.uid, "description", f"{event.title}. {p}") for p in pieces)
    return passages


def corpus_passages(events: Iterable[Event]) -> list[Passage]:
    """All passages of a corpus, in event order (the index relies on that order)."""
    return [passage for event in events for passage in event_passages(event)]


def header_text(event: Event) -> str:
    """One line per known fact, in French, so a reader and an embedder both get it."""
    lines = [event.title]
    when = describe_occurrences(event.occurrences) if event.occurrences else event.date_label
    if when:
        lines.append(f"Quand : {when}")
    where = _join([event.venue, event.address, event.city])
    if where:
        lines.append(f"Où : {where}")
    if event.keywords:
        lines.append("Mots-clés : " + ", ".join(event.keywords))
    audience = audience_text(event.age_min, event.age_max)
    if audience:
        lines.append(f"Public : {audience}")
    if event.conditions:
        lines.append(f"Tarif et conditions : {normalize_space(event.conditions)}")
    description = normalize_space(event.description)
    long_text = normalize_space(event.long_description)
    if long_text and len(long_text) <= LONG_TEXT and long_text not in description:
        description = f"{description} {long_text}".strip()
    if description:
        lines.append(truncate(description, HEADER_DESCRIPTION))
    return "\n".join(lines)


def summary_text(event: Event) -> str:
    """What the event is, and nothing else: dates, places and prices dilute an embedding
    (measured on eval/devset.jsonl: paraphrased questions find their event more often)."""
    parts = [event.title, truncate(normalize_space(event.description), SUMMARY_DESCRIPTION)]
    if event.keywords:
        parts.append(", ".join(event.keywords))
    return ". ".join(part.rstrip(". ") for part in parts if part)


def audience_text(age_min: int | None, age_max: int | None) -> str | None:
    """'dès 6 ans', 'de 3 à 10 ans', "jusqu'à 12 ans" (None when nobody set an age)."""
    if age_min and age_max and age_max < 99:
        return f"de {age_min} à {age_max} ans"
    if age_min:
        return f"dès {age_min} ans"
    if age_max and age_max < 99:
        return f"jusqu'à {age_max} ans"
    return None


def split_text(text: str) -> list[str]:
    """Pieces of ~500–800 characters cut at paragraph or sentence ends, with a small overlap."""
    sentences = [s for paragraph in text.split("\n") for s in _sentences(paragraph)]
    pieces: list[str] = []
    current: list[str] = []
    fresh = 0  # sentences in `current` that are not the overlap from the previous piece
    for sentence in sentences:
        size = sum(len(s) + 1 for s in current)
        if fresh and size + len(sentence) > CHUNK_MAX:
            pieces.append(" ".join(current))
            current, fresh = _overlap(current), 0
        elif not fresh and current and size + len(sentence) > CHUNK_MAX:
            current = []
        current.append(sentence)
        fresh += 1
        if sum(len(s) + 1 for s in current) >= CHUNK_TARGET:
            pieces.append(" ".join(current))
            current, fresh = _overlap(current), 0
    if fresh:
        pieces.append(" ".join(current))
    return pieces


def _overlap(piece: list[str]) -> list[str]:
    return [piece[-1]] if len(piece[-1]) <= OVERLAP_MAX else []


def _sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, a sentence longer than CHUNK_MAX cut at word boundaries."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph.strip()):
        while len(sentence) > CHUNK_MAX:
            cut = sentence.rfind(" ", 0, CHUNK_MAX - OVERLAP_MAX)
            cut = cut if cut > 0 else CHUNK_MAX - OVERLAP_MAX
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def _join(parts: list[str | None]) -> str:
    """Comma-join the parts that add something (an address often repeats the city)."""
    kept: list[str] = []
    for part in parts:
        part = normalize_space(part or "")
        if part and not any(part.casefold() in k.casefold() for k in kept):
            kept.append(part)
    return ", ".join(kept)
