"""Dictionary forms of French and English words, so that a lexicon naming a verb once covers
every way it is conjugated: "veut", "voudrions" and "voulait" are all "vouloir", which a
list of forms ("veux", "voudrais") misses one by one, and a stemmer cannot join (it trims
endings: "veut" and "veux" stay apart). simplemma's dictionaries ship inside its PyPI
package and load on first use (~0.5 s per language, once per process).
"""

from __future__ import annotations

from functools import lru_cache

from rag.text import fold

LANGUAGES = ("fr", "en")


@lru_cache(maxsize=65_536)
def lemmas(word: str) -> frozenset[str]:
    """The folded dictionary forms of `word` (as written, accents included) in French and
    in English, with the folded word itself: "veut" -> {"veut", "vouloir"}."""
    import simplemma

    lowered = word.lower()
    forms = {fold(simplemma.lemmatize(lowered, lang=language)) for language in LANGUAGES}
    return frozenset({fold(lowered), *forms})
