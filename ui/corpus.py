"""What the index holds, said in the UI: the generated demo corpus or the sources ingested
(from the `corpus` part of GET /ready)."""

from __future__ import annotations

from typing import Any

LISTED_AGENDAS = 3


def corpus_text(status: dict[str, Any]) -> str:
    """e.g. "corpus de démonstration : 360 événements générés (fictifs)", or
    "1 000 événements ingérés de 82 agendas (Jardins ouverts 2026, …)"."""
    total = status.get("events") or 0
    corpus = status.get("corpus")
    if not corpus:
        return f"{_count(total)} événements"
    demo = corpus["demo_events"]
    if demo == total:
        return f"corpus de démonstration : {_count(total)} événements générés (fictifs)"
    ingested = f"{_count(total - demo)} événements ingérés"
    if corpus["agendas"]:
        plural = "s" if corpus["agendas"] > 1 else ""
        titles = [a["title"] for a in corpus["top_agendas"][:LISTED_AGENDAS]]
        more = ", …" if corpus["agendas"] > len(titles) else ""
        ingested += f" de {_count(corpus['agendas'])} agenda{plural} ({', '.join(titles)}{more})"
    if demo:
        return f"{ingested}, et {_count(demo)} du corpus de démonstration (fictifs)"
    return ingested


def _count(n: int) -> str:
    """French digit grouping with a narrow no-break space: 1 000, 12 345."""
    return f"{n:,}".replace(",", "\u202f")
