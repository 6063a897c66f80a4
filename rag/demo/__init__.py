"""The generated demo corpus (see `generate`); its prose and places are data files here."""

from rag.demo.generate import (
    CITIES,
    DEFAULT_EVENTS,
    DEFAULT_SEED,
    UID_PREFIX,
    DemoSource,
    build_demo,
    date_label,
    generate_demo_events,
    is_free,
    slugify,
)
from rag.demo.places import at_venue, the_venue
from rag.demo.vocabulary import City, Venue

__all__ = [
    "CITIES",
    "DEFAULT_EVENTS",
    "DEFAULT_SEED",
    "UID_PREFIX",
    "City",
    "DemoSource",
    "Venue",
    "at_venue",
    "build_demo",
    "date_label",
    "generate_demo_events",
    "is_free",
    "slugify",
    "the_venue",
]
