"""Which language a question is written in: French or English, from function words.

Each language's stop words live in `rag/resources/stopwords-*.txt`. A question scores one
point per word found only in one list (shared words such as "a", "on" or "me" say
nothing), and French letters with accents add French evidence. A tie ("a cooking class",
"atelier poterie") is broken by how common the other words are in each language
(`rag.common_words`); French wins what is left, since the assistant speaks French unless
asked otherwise. Capitalized words inside the question are names ("La Comédie de
Valence", "Théâtre Garonne"): they are no evidence either way.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from rag.text import fold

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

_RESOURCES = Path(__file__).parent / "resources"
_WORD = re.compile(r"[^\W\d_]+")
_FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôœùûüÿ]")


@cache
def stop_words(language: Language) -> frozenset[str]:
    """The folded stop words of one language, read once from its resource file."""
    text = (_RESOURCES / f"stopwords-{language}.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in line.split())


@cache
def _exclusive() -> dict[Language, frozenset[str]]:
    fr, en = stop_words("fr"), stop_words("en")
    return {"fr": fr - en, "en": en - fr}


ENGLISH_MARGIN = 3.0  # Zipf points the other words must lean to English to break a tie


def _words(text: str) -> list[str]:
    """The words of `text` that are no names (a capitalized word not leading it)."""
    return [
        word
        for i, word in enumerate(_WORD.findall(text))
        if i == 0 or not word[0].isupper() or word.isupper()
    ]


def language_scores(text: str) -> dict[Language, int]:
    """Evidence per language: exclusive stop words, plus accented French letters."""
    words = _words(text)
    folded = [fold(word) for word in words]
    exclusive = _exclusive()
    scores: dict[Language, int] = {
        language: sum(word in exclusive[language] for word in folded) for language in LANGUAGES
    }
    scores["fr"] += min(2, sum(bool(_FRENCH_LETTERS.search(word)) for word in words))
    return scores


def detect_language(text: str) -> Language:
    """'en' when English evidence outweighs French, else 'fr'."""
    scores = language_scores(text)
    if scores["en"] != scores["fr"]:
        return "en" if scores["en"] > scores["fr"] else "fr"
    from rag.common_words import zipf  # which imports this module's Language

    words = [fold(w) for w in _words(text)]
    counted = stop_words("en") | stop_words("fr")  # already evidence above: not twice
    lean = sum(zipf(w, "en") - zipf(w, "fr") for w in words if w not in counted)
    return "en" if lean > ENGLISH_MARGIN else "fr"
