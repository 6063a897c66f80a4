"""Which index version is active: the `data/indexes/CURRENT` pointer, read without FAISS.

`rag up`, the engine's reload check and `rag info` only need the name CURRENT holds;
rag/index.py writes it (atomically, once a version is complete) and loads what it names.
"""

from __future__ import annotations

from rag.config import Settings

CURRENT = "CURRENT"


def active_version(settings: Settings) -> str | None:
    """The version CURRENT points at (cheap: one small read), None before the first build."""
    try:
        name = (settings.indexes_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None
