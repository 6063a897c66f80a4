"""Provider tables: a name in a setting → the class that implements it, imported lazily.

A table maps every valid name to `"module:Class"`, so adding a provider is one new file and
one table line, an unknown name is refused with the list of valid ones, and a provider's
heavy dependencies load only when it is chosen (like txtai's `ann/dense/factory.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from rag.errors import ConfigError


def check_name(table: Mapping[str, str], name: str, variable: str) -> str:
    """`name` if the table knows it; else a `ConfigError` naming the valid values."""
    if name not in table:
        valid = ", ".join(table)
        raise ConfigError(f"unknown {variable}={name!r}: use one of {valid}")
    return name


def load(table: Mapping[str, str], name: str, variable: str) -> Any:
    """The class registered under `name` (imported now, not at start-up)."""
    module, _, attribute = table[check_name(table, name, variable)].partition(":")
    return getattr(import_module(module), attribute)
