"""Typing slips in a question: a word no everyday French or English knows, one keystroke
from one they use ("ocobre", "Touloouse", "cocnerts", "pndant"), is that word.

Read before anything else, so that the dates, places and cues readers see the word the
asker meant: one slip in "Que faire en ocobre ?" would otherwise drop the month and make
"ocobre" a required topic. The dictionary is wordfreq's (`rag.common_words`), not a list
of the words the readers know, so a slip in any word is fixed the same way. Words the
corpus uses are left as written (names, titles: "Lamert"); the corpus's own spelling of
a topic word is fixed later, against its vocabulary (`Retriever._spelled`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.common_words import rare_word, spelling, zipf
from rag.language import Language
from rag.lexical import analyze
from rag.text import fold

SLIP_MIN_LENGTH = 5  # any one edit; shorter words are too often another word at one edit
SWAP_MIN_LENGTH = 4  # only two letters swapped or one doubled: "estt", "ennd", "wiht"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # with its parts: "week-end"


def fix_slips(question: str, language: Language, known: Callable[[str], bool]) -> str:
    """The question with each slipped word replaced by the most common word one edit away,
    in the question's language first; `known(folded)` says the corpus uses a word."""

    def fixed(written: str) -> str:
        folded = fold(written)
        if len(folded) < SWAP_MIN_LENGTH or (written.isupper() and len(written) > 1):
            return written  # acronyms are no slips: "JASS"
        if _word(written):
            return written
        meant = _meant(folded, language)
        if meant is None or (known(folded) and analyze(folded) != analyze(meant)):
            return written  # unless the corpus reads it as the word meant: "weekk", "week"
        return _cased(meant, written)

    def compound(match: re.Match[str]) -> str:
        """A slip in a short part ("waek-end", "week-nd") is one in the whole word."""
        written = match.group(0)
        parts = written.split("-")
        joined = fold("".join(parts))
        slipped = [
            fold(p) for p in parts if not (_common(p) if len(p) < SWAP_MIN_LENGTH else _word(p))
        ]
        if slipped and not _word(joined) and not any(map(known, slipped)):
            meant = _meant(joined, language)
            if meant is not None:
                return _cased(meant, written)
        return "-".join(map(fixed, parts))

    return _WORD.sub(compound, question)


def _common(written: str) -> bool:
    """A word of everyday French or English (wordfreq's small lists)."""
    folded = fold(written)
    return bool(zipf(folded, "fr") or zipf(folded, "en"))


def _word(written: str) -> bool:
    """A word at all: rare ones too (a short one is too often junk in the large lists)."""
    return _common(written) or rare_word(written)


def _cased(meant: str, written: str) -> str:
    return meant[0].upper() + meant[1:] if written[0].isupper() else meant


def _meant(word: str, language: Language) -> str | None:
    """The most common word of `language` (else of the other one) one edit from `word`."""
    other: Language = "en" if language == "fr" else "fr"
    candidates = _edits(word)
    for lang in (language, other):
        found = [(zipf(c, lang), c) for c in candidates if zipf(c, lang)]
        if found:
            return spelling(max(found)[1], lang)
    return None


def _edits(word: str) -> set[str]:
    """Words one edit from `word`: any edit for long words, a swap or a doubled letter
    dropped for four-letter ones."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    undoubled = {a + b[1:] for a, b in splits if b and a and a[-1] == b[0]}
    if len(word) < SLIP_MIN_LENGTH:
        return swaps | undoubled
    deletes = {a + b[1:] for a, b in splits if b}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (swaps | deletes | replaces | inserts) - {word}
