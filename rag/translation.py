"""The French words of an English question's kinds of outings ("a hike" is "randonnée").

Events are French; the English words a tourist uses for what to do ("hike", "gig", "book
signing") are not in them, and a sentence encoder matches single words across languages
poorly. `rag/resources/kinds-en-fr.tsv` says how French events name each kind; the
retriever searches an English topic with those words added, each English expression and
its French words filling one share of the topic (a choice, like "jazz or blues").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rag.query import topic_terms
from rag.text import fold

_FILE = Path(__file__).parent / "resources" / "kinds-en-fr.tsv"
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class InFrench:
    """An English topic with the French words of its kinds, and the choices they make."""

    topic: str
    choices: list[frozenset[str]]


@cache
def _table() -> dict[tuple[str, ...], str]:
    """English words (folded, as a tuple) -> the French words, from the resource file."""
    table: dict[tuple[str, ...], str] = {}
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, french = line.split("\t")
        table[tuple(fold(english).split())] = french.strip()
    return table


def in_french(topic: str) -> InFrench:
    """`topic` with the French words of the kinds it names, longest expression first."""
    table = _table()
    longest = max(map(len, table))
    words = _WORD.findall(fold(topic))
    added: list[str] = []
    choices: list[frozenset[str]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            french = table.get(tuple(words[i : i + n]))
            if french is not None:
                added.append(french)
                english = " ".join(words[i : i + n])
                choices.append(frozenset(topic_terms(english) + topic_terms(french)))
                i += n
                break
        else:
            i += 1
    return InFrench(" ".join([topic, *added]), choices)
