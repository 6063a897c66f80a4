"""What a question asks: when, where, for whom, whether free, and about what.

Dates and places are read in Python (`rag.dates`, `rag.places`) so that the retriever can
filter exactly; audience and price cues become ranking hints; what is left once those words
and the filler ("que faire", "y a-t-il") are gone is the topic to search for. A short
follow-up ("et dimanche ?", "et à Lyon ?") keeps what the conversation already said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from rag.dates import DateWindow, explicit_window, fold_aligned, is_bare_weekday, parse_dates
from rag.holidays import zone_of
from rag.language import Language, detect_language, stop_words
from rag.places import Gazetteer, PlaceMatch, place_phrase, unknown_place
from rag.text import normalize_space


@dataclass
class Understanding:
    question: str
    as_of: date
    window: DateWindow | None
    place: PlaceMatch | None
    audience: list[str]  # among "enfants", "famille", "ados", "adultes", "seniors"
    free: bool  # "gratuit", "sans payer", "entrée libre"
    topic: str  # what to search for; "" for "Que faire ce week-end à Paris ?"
    language: Language = "fr"  # the question's language, which the answer speaks


_AUDIENCES = [
    (
        "enfants",
        r"\b(?:enfants?|gamins?|gamines?|(?:tout[-\s]?)?petits|bambins?|bebes?|kids|marmots?"
        r"|jeune\s+public|mon\s+fils|ma\s+fille|mes\s+(?:fils|filles)|mes\s+petits[-\s]enfants)\b",
    ),
    ("famille", r"\b(?:en\s+famille|familles?|familia(?:l|le|les|ux))\b"),
    ("ados", r"\b(?:ados?|adolescent(?:e|s|es)?)\b"),
    ("adultes", r"\b(?:adultes?|majeurs?)\b"),
    (
        "seniors",
        r"\b(?:seniors?|personnes\s+agees|retraite(?:e|s|es)?|aines|troisieme\s+age)\b",
    ),
]
_AUDIENCE_RES = [(name, re.compile(pattern)) for name, pattern in _AUDIENCES]
_AGES = re.compile(
    r"\b(?:pour\s+(?:les\s+|des\s+|un\s+|une\s+)?|de\s+|des\s+)"
    r"(?P<age>\d{1,2})(?:\s*(?:-|a|/)\s*\d{1,2})?\s*ans\b"
)
_FREE = re.compile(
    r"\b(?:gratuite?s?|gratuitement|sans\s+payer|entree\s+libre|acces\s+libre"
    r"|pas\s+payante?s?|free)\b|\b0\s?(?:€|eur(?:os?)?\b)"
)
_FILLER = re.compile(
    r"\b(?:qu'?est[-\s]ce\s+qu'?(?:il\s+y\s+a|on\s+(?:peut|pourrait)\s+(?:faire|voir)"
    r"|je\s+(?:peux|pourrais)\s+(?:faire|voir))"
    r"|(?:que|quoi)\s+(?:faire|voir)"
    r"|que\s+(?:puis|peut|peux|pourrait|pourrais)[-\s](?:je|on)\s+(?:faire|voir)"
    r"|(?:ou|quand)\s+(?:sortir|aller)"
    r"|y\s+a[-\s]t[-\s]il|il\s+y\s+a|est[-\s]ce\s+qu'?"
    r"|(?:que\s+|qu'est-ce\s+qui\s+)?se\s+passe(?:[-\s]t[-\s]il)?"
    r"|(?:quand\s+|ou\s+)?(?:a[-\s]t[-\s](?:il|elle)\s+lieu|a\s+lieu|ont\s+lieu)"
    r"|(?:quel\s+est\s+le\s+|au\s+)programme|(?:qu'?)?(?:organise|propose)nt?"
    r"|peut[-\s]on|peux[-\s]je"
    r"|(?:quels?|quelles?)(?:\s+sont)?"
    r"|(?:je|on)\s+(?:cherche|voudrai[st]?|veux|veut|souhaite|aimerai[st]?)"
    r"|(?:trouve|propose|conseille|recommande|suggere|donne|montre|indique)[-\s]?(?:moi|nous)"
    r"|(?:des\s+)?(?:idees?|suggestions?|propositions?)\s+(?:de\s+|d')?"
    r"|ev[e]nements?|manifestations?|sorties?|quelque\s+chose|(?:choses?|trucs?)\s+a\s+faire"
    r"|s'il\s+(?:te|vous)\s+plait|svp|stp|merci|bonjour|salut)\b"
)
# Words that say nothing about the topic when they open or close what is left.
_EDGE_WORDS = {
    "a", "au", "aux", "aussi", "avec", "ce", "ces", "cet", "cette", "chez", "comme", "d", "dans",
    "de", "des", "du", "en", "est", "et", "faire", "il", "je", "l", "la", "le", "les", "mais",
    "me", "moi", "nous", "on", "ou", "par", "pas", "peut", "plutot", "pour", "prevu", "prevus",
    "quand", "qu", "que", "qui", "quoi", "se", "sinon", "sont", "sortir", "aller", "sur", "t",
    "tout", "tous", "toutes", "un", "une", "voir", "vous", "y", "est-il", "est-elle",
    "sont-ils", "sont-elles", "ouvert", "ouverte", "ouverts", "ouvertes",
}  # fmt: skip
_FOLLOW_UP = re.compile(
    r"^\W*(?:et|plutot|sinon|mais|ou\s+bien|aussi|pareil|meme\s+chose"
    r"|and|or|what\s+about|how\s+about)\b"
)
_AUDIENCE_WORDS = {
    "enfants": "pour les enfants",
    "famille": "en famille",
    "ados": "pour les ados",
    "adultes": "pour les adultes",
    "seniors": "pour les seniors",
}

_EN_AUDIENCE_WORDS = {
    "enfants": "for children",
    "famille": "for families",
    "ados": "for teenagers",
    "adultes": "for adults",
    "seniors": "for seniors",
}


@dataclass(frozen=True)
class _Parsed:
    """One question read on its own, before the conversation fills its gaps."""

    window: DateWindow | None
    place: PlaceMatch | None
    audience: list[str]
    free: bool
    topic: str
    follow_up: bool


def _parse(question: str, as_of: date, gazetteer: Gazetteer, tz: ZoneInfo) -> _Parsed:
    folded = fold_aligned(question)
    keep = [True] * len(question)

    def drop(start: int, end: int) -> None:
        keep[start:end] = [False] * (end - start)

    place = gazetteer.find(question) or unknown_place(question)
    window = parse_dates(
        question, as_of, tz, language=detect_language(question), zone=_school_zone(place, gazetteer)
    )
    if window is not None:
        start = question.find(window.expression)
        drop(start, start + len(window.expression))
    if place is not None:
        start = question.find(place.expression)
        drop(start, start + len(place.expression))
    audience = []
    for name, pattern in _AUDIENCE_RES:
        for m in pattern.finditer(folded):
            drop(*m.span())
            if name not in audience:
                audience.append(name)
    for m in _AGES.finditer(folded):
        drop(m.start("age"), m.end())
        name = "enfants" if int(m["age"]) < 13 else "ados" if int(m["age"]) < 18 else "adultes"
        if name not in audience:
            audience.append(name)
    free = False
    for m in _FREE.finditer(folded):
        drop(*m.span())
        free = True
    filler = False
    for m in _FILLER.finditer(folded):
        drop(*m.span())
        filler = True
    topic = _trim("".join(c if k else " " for c, k in zip(question, keep, strict=True)))
    if window is not None and window.occasion:
        topic = f"{topic} {window.occasion}".strip()
    short = len(folded.split()) <= 4 and not topic and not filler
    follow_up = bool(_FOLLOW_UP.match(folded)) or short
    return _Parsed(window, place, audience, free, topic, follow_up)


def _school_zone(place: PlaceMatch | None, gazetteer: Gazetteer) -> str | None:
    """The school holiday zone of the place asked about, when it implies one."""
    if place is None:
        return None
    if place.kind == "region":
        return zone_of(region=place.name)
    if place.kind == "department":
        return zone_of(department=place.name)
    return zone_of(department=gazetteer.city_department(place.name))


def _trim(text: str) -> str:
    """Drop punctuation and the function words left hanging at either end."""
    words = re.sub(r"[?!.;:,«»\"()\[\]]+", " ", text).split()
    while words and _edge(words[0]):
        words.pop(0)
    while words and _edge(words[-1]):
        words.pop()
    if words:
        words[0] = re.sub(r"^(?:[lLdDjJsScC]|[qQ]u)['’]", "", words[0])
    return normalize_space(" ".join(words))


def _edge(word: str) -> bool:
    folded = fold_aligned(word).strip("'-")
    english = folded in stop_words("en")
    return folded in _EDGE_WORDS or english or not any(c.isalnum() for c in folded)


def understand(
    question: str,
    as_of: date,
    gazetteer: Gazetteer,
    tz: ZoneInfo,
    *,
    city: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    previous_questions: Sequence[str] = (),
) -> Understanding:
    """Read a question; a follow-up inherits what it leaves out from the earlier turns.

    `previous_questions` are the user's earlier questions, oldest first; the chain of
    follow-ups is read back to the last question that stood on its own. Explicit `city`,
    `date_from` and `date_to` from the caller override what was read.
    """
    language = detect_language(question)
    own = _parse(question, as_of, gazetteer, tz)
    window, place, audience, free, topic = own.window, own.place, own.audience, own.free, own.topic
    if own.follow_up and previous_questions:
        chain: list[_Parsed] = []
        for earlier in reversed(previous_questions):
            chain.append(_parse(earlier, as_of, gazetteer, tz))
            if not chain[-1].follow_up:
                break
        inherited = next((p.window for p in chain if p.window), None)
        window = _narrow(window, inherited, tz, language) if window else inherited
        place = place or next((p.place for p in chain if p.place), None)
        topic = topic or next((p.topic for p in chain if p.topic), "")
        audience = audience or next((p.audience for p in chain if p.audience), [])
        free = free or any(p.free for p in chain)
    if city and city.strip():
        name = gazetteer.canonical_city(city) or normalize_space(city)
        place = PlaceMatch("city", name, normalize_space(city))
    if date_from is not None or date_to is not None:
        window = explicit_window(date_from, date_to, as_of, tz, language)
    return Understanding(question, as_of, window, place, list(audience), free, topic, language)


def _narrow(
    own: DateWindow, inherited: DateWindow | None, tz: ZoneInfo, language: Language
) -> DateWindow:
    """'et dimanche ?' after 'le week-end prochain' is the Sunday of that week-end."""
    if inherited is None or not is_bare_weekday(own.expression):
        return own
    within = parse_dates(own.expression, inherited.start.date(), tz, language=language)
    if within is not None and inherited.start <= within.start < inherited.end:
        return within
    return own


def understood_summary(u: Understanding) -> str:
    """'concerts de jazz, ce week-end (du samedi 28 au dimanche 29 novembre 2026), à Paris'.

    Empty when the question set no topic, date, place or cue.
    """
    english = u.language == "en"
    parts = []
    occasion = u.window.occasion if u.window else None
    if u.topic and u.topic != occasion:
        parts.append(u.topic)
    if u.free:
        parts.append("free" if english else "gratuit")
    words = _EN_AUDIENCE_WORDS if english else _AUDIENCE_WORDS
    parts += [words.get(a, a) for a in u.audience]
    if u.window:
        parts.append(u.window.label)
    if u.place:
        parts.append(f"in {u.place.name}" if english else place_phrase(u.place))
    return ", ".join(parts)
