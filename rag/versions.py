"""Which index version is active: the `data/indexes/CURRENT` pointer, read without FAISS.

`rag up`, the engine's reload check and `rag info` only need the name CURRENT holds (and
`rag up` the format its manifest records); rag/index.py writes it (atomically, once a
version is complete) and loads what it names.
"""

from __future__ import annotations

import json

from rag.config import Settings

CURRENT = "CURRENT"
FORMAT = 6
"""The index files this rag-events reads and writes. 4: no vectors.npy above IVF_THRESHOLD,
the IVF codes are scored in place; 5: rag.lexical stems "-ie" nouns ("francophonie" is
"francophone"); 6: the lowest price each event states (`event_price`, for "moins de 10 €").
Older versions ask for a rebuild, which `rag up` runs itself."""


def active_version(settings: Settings) -> str | None:
    """The version CURRENT points at (cheap: one small read), None before the first build."""
    try:
        name = (settings.indexes_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def outdated(settings: Settings) -> bool:
    """Whether the active version was written in another format than FORMAT (an upgrade),
    from its manifest alone; False with no version or an unreadable one (not a matter of
    format: rag.index says what is wrong)."""
    version = active_version(settings)
    if version is None:
        return False
    try:
        manifest = json.loads((settings.indexes_dir / version / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") != FORMAT
