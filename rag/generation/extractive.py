"""The embedded default: a French answer composed from the retrieved events, no network.

It only rearranges facts of the events (title, a sentence of description quoted as such,
dates in words, place, access conditions, age, link), so it cannot invent anything and
nothing inside an event's text is ever followed as an instruction.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import datetime, time

from rag.cues import is_free_for_all
from rag.french import describe_occurrences
from rag.generation import Generated, GenerationInput
from rag.models import Event, Hit
from rag.query import Understanding, understood_summary
from rag.text import clean_html, fold, normalize_space, truncate

SNIPPET_CHARS = 220
CONDITIONS_CHARS = 160
_CITATION = re.compile(r"\[\s*\d+\s*\]")
_SOURCE_CUT = re.compile(r"\s*(?:…|\.\.\.)\s*$")
_TAG_LIKE = re.compile(r"<\s*/?\s*[^\W\d_][^<>]*>")
_SENTENCE_END = re.compile(r"[.!?…](?=\s+[A-ZÀ-ÖØ-Þ«\"“(]|\s*$)")
_NUMBERS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"]
_WHEN_LEADS = ["Rendez-vous", "Ça se passe", "À l'affiche"]


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
    after = u.window.start if u.window else datetime.combine(u.as_of, time(0), inp.tz)
    paragraphs = [[_opening(u, len(inp.hits)), *_cues(u, inp.hits)]]
    paragraphs += [
        _event_sentences(number, hit.event, inp, after)
        for number, hit in enumerate(inp.hits, start=1)
    ]
    paragraphs.append(["Pensez à vérifier horaires et conditions auprès de l'organisateur."])
    pieces = []
    for paragraph in paragraphs:
        pieces += [sentence + " " for sentence in paragraph[:-1]] + [paragraph[-1] + "\n\n"]
    pieces[-1] = pieces[-1].rstrip()
    return pieces


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
        return OUT_OF_SCOPE[u.language]
    summary = understood_summary(u)
    if summary:
        text = f"Je n'ai trouvé aucun événement pour votre recherche : {summary}."
    else:
        text = "Je n'ai trouvé aucun événement correspondant à votre question."
    tips = []
    if u.window:
        tips.append(f"élargir les dates (au-delà de « {u.window.expression} »)")
    if u.place:
        tips.append(f"retirer le lieu ({u.place.name}) ou en choisir un plus large")
    if u.free:
        tips.append("accepter aussi les événements payants")
    if u.audience:
        tips.append(f"retirer la précision sur le public ({', '.join(u.audience)})")
    if u.topic:
        tips.append("décrire le thème avec des mots plus généraux")
    if tips:
        elided = "d'" if tips[0][0] in "aeéiou" else "de "
        return f"{text} Vous pouvez essayer {elided}{_join(tips)}."
    return (
        f"{text} Précisez un thème, une ville ou une période, "
        "par exemple « concerts à Paris ce week-end »."
    )


def _opening(u: Understanding, count: int) -> str:
    summary = understood_summary(u)
    what = "un événement" if count == 1 else f"{_number(count)} événements"
    if not summary:
        return f"J'ai trouvé {what} qui pourrai{'t' if count == 1 else 'ent'} vous intéresser."
    variants = [
        f"J'ai trouvé {what} pour votre recherche : {summary}.",
        f"Voici {what} qui correspond{'' if count == 1 else 'ent'} à votre demande : {summary}.",
        f"{summary[0].upper()}{summary[1:]} : voici {what} à retenir.",
    ]
    return variants[zlib.crc32(u.question.encode()) % len(variants)]


def _cues(u: Understanding, hits: list[Hit]) -> list[str]:
    """Acknowledge the audience and price cues the user gave."""
    cues = []
    if u.audience:
        cues.append(
            f"Pour le public visé ({', '.join(u.audience)}), j'indique l'âge conseillé "
            "quand l'organisateur le précise."
        )
    if u.free:
        cues.append(_free_cue(hits))
    return cues


def _free_cue(hits: list[Hit]) -> str:
    free, total = sum(is_free_for_all(hit.event) for hit in hits), len(hits)
    if total == 1:
        if free:
            return "Il est annoncé gratuit ou en entrée libre."
        return "Sa gratuité n'est pas annoncée : vérifiez les conditions d'accès."
    if free == total:
        return "Tous sont annoncés gratuits ou en entrée libre."
    if not free:
        return "Aucun n'est annoncé explicitement gratuit : vérifiez les conditions d'accès."
    if free == 1:
        some = f"Un sur {_number(total)} est annoncé gratuit"
    else:
        some = f"{_number(free).capitalize()} sur {_number(total)} sont annoncés gratuits"
    return f"{some} ou en entrée libre ; pour les autres, vérifiez le tarif."


def _event_sentences(number: int, event: Event, inp: GenerationInput, after: datetime) -> list[str]:
    title = _sanitize(event.title) or "Événement sans titre"
    snippet = description_snippet(event)
    sentences = [f"[{number}] " + (_end(f"{title} — « {snippet} »") if snippet else _end(title))]
    when = describe_occurrences(event.occurrences, inp.tz, after=after)
    where = _place(event)
    if event.occurrences:
        lead = _WHEN_LEADS[(number - 1) % len(_WHEN_LEADS)]
        sentences.append(f"{lead} {when}" + (f" — {where}." if where else "."))
    elif where:
        sentences.append(f"Lieu : {where}.")
    conditions = _conditions(event)
    if conditions:
        sentences.append(_end(f"Accès : {conditions}"))
    age = age_phrase(event)
    if age:
        sentences.append(f"{age[0].upper()}{age[1:]}.")
    if event.url:
        sentences.append(f"Plus d'infos : {event.url}")
    return sentences


def description_snippet(event: Event, limit: int = SNIPPET_CHARS) -> str:
    """A whole first sentence of the description, as plain data.

    OpenAgenda cuts short descriptions mid-word ("…revient fouler la scène, pou ..."), so
    a cut text gives way to the long description's first sentence; failing that, the
    text is cut again at a word boundary."""
    title = fold(event.title)
    first = ""
    texts = (event.description, event.long_description)
    if _derived(event.description, event.long_description):
        texts = (event.long_description,)  # the same words, with their spaces and tags
    for raw in texts:
        # One at a time: the long description (often kilobytes of HTML) is only cleaned
        # when the short one has no usable sentence, which is the hot path of /ask.
        text = _sanitize(clean_html(raw))
        if len(text.split()) < 3 or fold(text) == title:
            continue
        sentence = _first_sentence(text)
        if sentence and len(sentence) <= limit:
            return sentence
        first = first or text
    if not first:
        return ""
    cut = _SOURCE_CUT.sub("", first)
    if cut != first:
        cut = cut.rsplit(" ", 1)[0].rstrip(",;:-–") + "…"
    return truncate(cut, limit)


def _derived(short: str, long: str) -> bool:
    """True when the short description is the long one flattened by the source.

    Opendatasoft builds `description_fr` from the long HTML with tags dropped and no space
    put back ("21h30Sidney Bechet…"): the long text then reads better.
    """
    head = "".join(short.split())[:60]
    return len(head) >= 20 and "".join(clean_html(long[:1000]).split()).startswith(head)


def _first_sentence(text: str) -> str | None:
    """The first sentence of at least 40 characters, or the whole text unless it was cut."""
    body = _SOURCE_CUT.sub("", text)
    end = next((m.end() for m in _SENTENCE_END.finditer(body) if m.end() >= 40), None)
    if end is not None:
        return body[:end]
    return body if body == text else None


def _sanitize(text: str) -> str:
    """Plain one-line text: no fake citation markers, no tags, no guillemets."""
    text = _TAG_LIKE.sub(" ", _CITATION.sub("", text))
    text = re.sub(r"[«»]", " ", text)
    return " ".join(normalize_space(text).split())


def _place(event: Event) -> str:
    venue = _sanitize(event.venue or "")
    city = _sanitize(event.city or "")
    if venue and city and fold(city) not in fold(venue):
        return f"{venue}, {city}"
    return venue or city


def _conditions(event: Event) -> str:
    """OpenAgenda conditions, de-duplicated ("Plein : 18€ | Réduit : 12€ | Plein : 18€")."""
    parts = [_sanitize(part).rstrip(" .;") for part in (event.conditions or "").split("|")]
    unique = list(dict.fromkeys(part for part in parts if re.search(r"[^\W\d_]{2}", part)))
    return truncate(" ; ".join(unique), CONDITIONS_CHARS)


def age_phrase(event: Event) -> str:
    """'dès 6 ans', 'de 9 à 14 ans', 'jusqu'à 12 ans'; empty when open to all (0–99)."""
    low = event.age_min or 0
    high = event.age_max if event.age_max is not None and event.age_max < 99 else None
    if low and high:
        return f"de {low} à {high} ans"
    if low:
        return f"dès {low} ans"
    if high:
        return f"jusqu'à {high} ans"
    return ""


def _number(count: int) -> str:
    return _NUMBERS[count] if count < len(_NUMBERS) else str(count)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " ou " + items[-1]


def _end(text: str) -> str:
    """End a sentence with a period unless it ends with one (or with a quoted one)."""
    return text if text.removesuffix(" »")[-1] in ".!?…" else text + "."
