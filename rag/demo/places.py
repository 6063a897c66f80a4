"""Putting a venue in a French sentence: "le Théâtre du Canal", "au Parc Borély"."""

from __future__ import annotations

import re

from rag.demo.vocabulary import PLACES
from rag.text import fold

_GRAMMAR = PLACES.venue_grammar


def _head(name: str) -> str:
    return re.split(r"[ -]", name, maxsplit=1)[0]


def the_venue(name: str) -> str:
    """'le Théâtre du Canal', 'la Place Carnot', "l'Église Saint-Eustache", 'Le Bouchon sonore'."""
    if name.startswith(tuple(_GRAMMAR.articles)):
        return name
    head = _head(name)
    if fold(head[0]) in "aeiouh":
        return f"l'{name}"
    return ("la " if head in _GRAMMAR.feminine_heads else "le ") + name


def at_venue(name: str) -> str:
    """'au Parc Borély', 'à la Médiathèque…', "à l'Église…", 'sur la Place Carnot'."""
    for article, preposition in _GRAMMAR.articles.items():
        if name.startswith(article):
            return preposition + name[len(article) :]
    the = the_venue(name)
    if _head(name) in _GRAMMAR.open_air_heads:
        return _GRAMMAR.open_air_heads[_head(name)] + the
    return "au " + the[3:] if the.startswith("le ") else "à " + the
