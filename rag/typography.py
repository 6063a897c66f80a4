"""The typography of every answer text, in one place.

French: "de le" → "du", "de les" → "des", "à le" → "au", "à les" → "aux" (articles, not
the pronoun of "de le voir"); "de" elided before a vowel or a mute h ("d'Anaïs",
"d'Hugo", never "de'"); no space before a comma or a period; a narrow no-break space
(U+202F) before « ; ! ? » and inside « », a no-break space (U+00A0) before ":".
English: no space before punctuation. Links are left as they are. Every rule is
idempotent, so text can be typeset twice (sentence by sentence, then whole).
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.language import Language

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable

_URL = re.compile(r"(?:https?://|www\.)\S+")
_LINK, _LINK_BASE = "\ue000", 0xE100  # private-use characters stand for links meanwhile
_HIDDEN = re.compile("\ue000[\ue100-\uf8ff]")
_VOWEL = "aeiouàâäéèêëîïôöùûüœæ"
_ASPIRATED_H = frozenset(
    word
    for line in (Path(__file__).parent / "resources" / "aspirated-h-fr.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if not line.startswith("#")
    for word in line.split()
)
_CONTRACTIONS = {
    ("de", "le"): "du",
    ("de", "les"): "des",
    ("à", "le"): "au",
    ("à", "les"): "aux",
}
_ARTICLE = re.compile(r"\b([dD]e|[àÀ]) (le|Le|LE|les|Les|LES) (\S+)")
_ELISION = re.compile(r"\b([dD]|[qQ]u)e(?:'|’| )(?=([^\W\d_][\w’'-]*))")
_SPACE_BEFORE_COMMA = re.compile(r"[ \u00a0\u202f]+([,.)])")
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
_HIGH_PUNCTUATION = re.compile(r"(?<=[^\s\u00a0\u202f(\[«?!;:])[ \u00a0]*([;!?]+)")
_COLON = re.compile(r"(?<=[^\s\u00a0\u202f(\[«\d])[ \u202f]*:(?=\s|$)")
_COLON_AFTER_DIGIT = re.compile(r"(?<=\d) :(?=\s|$)")
_OPENING_QUOTE = re.compile(r"«[ \u00a0]*(?=\S)")
_CLOSING_QUOTE = re.compile(r"(?<=\S)[ \u00a0]*»")


def french_grammar(text: str) -> str:
    """Contractions and elisions only, for generated French text that is not an answer."""
    return _ELISION.sub(_elide, _ARTICLE.sub(_contract, text))


def typeset(text: str, language: Language = "fr") -> str:
    """The answer with the typography of its language; links untouched."""
    rules = _french if language == "fr" else _english
    links: list[str] = []

    def hide(m: re.Match[str]) -> str:
        links.append(m.group(0))
        return _LINK + chr(_LINK_BASE + len(links) - 1)

    text = rules(_URL.sub(hide, text))
    return _HIDDEN.sub(lambda m: links[ord(m.group(0)[1]) - _LINK_BASE], text)


def _english(text: str) -> str:
    text = _SPACE_BEFORE_COMMA.sub(r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]+([;!?:])", r"\1", text)
    return _DOUBLE_SPACE.sub(" ", text)


def _french(text: str) -> str:
    text = french_grammar(text)
    text = _SPACE_BEFORE_COMMA.sub(r"\1", text)
    text = _DOUBLE_SPACE.sub(" ", text)
    text = _HIGH_PUNCTUATION.sub(NNBSP + r"\1", text)
    text = _COLON_AFTER_DIGIT.sub(NBSP + ":", text)
    text = _COLON.sub(NBSP + ":", text)
    text = _OPENING_QUOTE.sub("«" + NNBSP, text)
    return _CLOSING_QUOTE.sub(NNBSP + "»", text)


def _contract(m: re.Match[str]) -> str:
    """'de Le Bruit des vagues' → 'du Bruit des vagues', unless 'le' is a pronoun."""
    preposition, article, following = m.group(1), m.group(2), m.group(3)
    if article.islower() and _infinitive(following):
        return m.group(0)  # "afin de le voir": a pronoun before a verb
    merged = _CONTRACTIONS[(preposition.lower(), article.lower())]
    if preposition[0].isupper():
        merged = merged.capitalize()
    return f"{merged} {following}"


def _infinitive(word: str) -> bool:
    return word.islower() and word.endswith(("er", "ir", "oir", "re"))


def _elide(m: re.Match[str]) -> str:
    """'de Anaïs' → "d'Anaïs", "de'Hugo" → "d'Hugo"; "de Hollande", "de yoga" stay."""
    lower = re.split(r"[-’']", m.group(2).lower())[0]
    first = lower[0]
    vowel = first in _VOWEL
    if first == "h":
        vowel = lower not in _ASPIRATED_H and len(lower) > 1 and lower[1] in _VOWEL
    elif first == "y":
        vowel = len(lower) > 1 and lower[1] not in _VOWEL  # "Yves", not "yoga"
    if not vowel:
        return m.group(1) + "e "
    return m.group(1) + "'"
