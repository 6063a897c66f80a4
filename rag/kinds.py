"""The words events use for the kinds of outings a question names.

A question names a kind in its own words: English ones a French corpus lacks ("a hike" is
a "randonnée", "a book signing" a "dédicace"), or a broad French one the events rarely
write ("un spectacle" is a play, a dance piece, a circus act). A sentence encoder matches
such single words poorly. `rag/resources/kinds-en-fr.tsv` and `kinds-fr.tsv` say which
words the events use instead (`fields-fr.tsv` the same for fields and needs: "culinaire"
is "cuisine", "du taf" a job); the retriever searches the topic's words with those the
corpus has, the question's word and its event words filling one share of the topic (a
choice, like "jazz or blues"); the meaning searched stays the question's own.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rag.language import Language
from rag.query import topic_terms
from rag.text import fold

_RESOURCES = Path(__file__).parent / "resources"
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@cache
def _table(name: str) -> dict[tuple[str, ...], str]:
    """Words of a question (folded, as a tuple) -> the words events use, from a file."""
    table: dict[tuple[str, ...], str] = {}
    for line in (_RESOURCES / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        said, used = line.split("\t")
        table[tuple(fold(said).split())] = used.strip()
    return table


def _found(
    words: list[str], table: dict[tuple[str, ...], str], whole: bool = True
) -> list[tuple[str, str]]:
    """(what was said, the words events use) for each entry, longest expression first;
    without `whole`, the words no entry holds too, as themselves."""
    longest = max(map(len, table))
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            used = table.get(tuple(words[i : i + n]))
            if used is not None:
                found.append((" ".join(words[i : i + n]), used))
                i += n
                break
        else:
            if not whole:
                found.append((words[i], words[i]))
            i += 1
    return found


@cache
def _french_expressions() -> dict[tuple[str, ...], str]:
    """The French expressions of several words the tables name, as themselves."""
    tables = (_table("kinds-fr.tsv"), _table("fields-fr.tsv"))
    return {said: " ".join(said) for table in tables for said in table if len(said) > 1}


def kind_choices(topic: str, language: Language, fields: bool = True) -> list[frozenset[str]]:
    """For each kind of outing `topic` names, its analyzed words with those events use
    for it: an English kind's French words, and the narrower kinds of a broad French one
    ("show" is "spectacle", which is "théâtre", "danse"...); with `fields`, also the words
    of fields-fr.tsv ("culinaire" is "cuisine", a concert's "jazz"), which name what is
    searched but not what an event is."""
    words = _WORD.findall(fold(topic))
    if language == "en":
        said = _found(words, _table("kinds-en-fr.tsv"))  # (English, its French words)
    else:  # each word, or an expression of several the tables name ("pièce de théâtre")
        said = _found(words, _french_expressions(), whole=False)
    choices: list[frozenset[str]] = []
    asked = set(topic_terms(topic))
    for expression, french in said:
        used = [french] if language == "en" else []
        named = _WORD.findall(french)
        used += [narrower for _, narrower in _found(named, _table("kinds-fr.tsv"))]
        if fields:
            # "un concert de jazz": when one of the field's words is asked, it is the one
            used += [
                field
                for _, field in _found(named, _table("fields-fr.tsv"))
                if not asked & set(topic_terms(field))
            ]
        if used:
            choices.append(frozenset(topic_terms(expression) + topic_terms(" ".join(used))))
    return choices


@cache
def kind_words() -> frozenset[str]:
    """The analyzed words that name a kind of outing (both columns of kinds-fr.tsv:
    "exposition", "visite", "théâtre"...), for what an event's title says it is."""
    words: set[str] = set()
    for said, used in _table("kinds-fr.tsv").items():
        words.update(topic_terms(" ".join(said)), topic_terms(used))
    return frozenset(words)
