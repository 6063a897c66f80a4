"""How common a word is in everyday French and English, whatever the corpus says.

The corpus tells which words its events use; it cannot tell whether a word it lacks is a
word of the question's language that the events would have translated ("hiking" for
"randonnée") or a word the events would have used as is ("reggae", "rugby"). wordfreq's
small lists (words used at least once per million, from subtitles, books, the web and
more; shipped inside the PyPI package) can, on the Zipf scale: 3 is once per million
words, 6 once per thousand.
"""

from __future__ import annotations

import math
from functools import cache

from rag.language import Language
from rag.text import fold

FRENCH_ZIPF = 3.0  # a word of everyday French: once per million words
SHARED_MARGIN = 0.5  # ...and about as common in French as in English: "reggae", "rugby"


@cache
def _tables(language: Language) -> tuple[dict[str, float], dict[str, str]]:
    """Folded word -> Zipf frequency (words that fold alike, "été" and "ete", add up), and
    folded word -> its most frequent spelling."""
    from wordfreq import get_frequency_dict  # 0.3 s and ~10 MB per language: when needed

    frequencies: dict[str, float] = {}
    spellings: dict[str, str] = {}
    for word, frequency in get_frequency_dict(language, wordlist="small").items():
        key = fold(word)
        frequencies[key] = frequencies.get(key, 0.0) + frequency
        spellings.setdefault(key, word)  # the dictionary runs from the most frequent
    zipfs = {word: math.log10(frequency) + 9 for word, frequency in frequencies.items()}
    return zipfs, spellings


def zipf(word: str, language: Language) -> float:
    """How common the folded `word` is in `language` (Zipf scale; 0 when rarer than 3)."""
    return _tables(language)[0].get(word, 0.0)


def spelling(word: str, language: Language) -> str:
    """How `language` most often writes the folded `word` ("evenement" -> "événement")."""
    return _tables(language)[1].get(word, word)


def french_too(word: str) -> bool:
    """An everyday French word (folded) at least about as common as in English: an
    English question's "reggae" or "sushi" is a word French events would use as well."""
    french = zipf(word, "fr")
    return french >= FRENCH_ZIPF and french >= zipf(word, "en") - SHARED_MARGIN


def english_only(word: str) -> bool:
    """A word (folded) of everyday English and not of French: spelled right, so never short
    for a French word ("tales" is not "talentueux"; "conf", French too, is "conférence")."""
    return zipf(word, "en") >= FRENCH_ZIPF > zipf(word, "fr")


RARE_ZIPF = 2.0  # once per 100 million words: rarer are mostly slips ("musqiue": 1.0)


@cache
def _rare_words() -> frozenset[str]:
    """The folded words of wordfreq's large French and English lists down to RARE_ZIPF
    (~190,000, ~15 MB). Read from the lists' buckets without wordfreq's own cache, which
    would keep both whole lists (~130 MB) in every API process."""
    from wordfreq import cB_to_zipf, get_frequency_list

    read = getattr(get_frequency_list, "__wrapped__", get_frequency_list)  # uncached
    words: set[str] = set()
    for language in ("fr", "en"):
        for centibels, bucket in enumerate(read(language, "large")):
            if cB_to_zipf(-centibels) < RARE_ZIPF:
                break
            words.update(fold(word) for word in bucket)
    return frozenset(words)


def rare_word(word: str) -> bool:
    """A word too rare for the small lists, inflected forms mostly ("peignent",
    "graffeurs", "composting"), by wordfreq's large lists (folded)."""
    return fold(word) in _rare_words()
