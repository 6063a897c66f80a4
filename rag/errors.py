"""One family for every error a user can meet, so the CLI prints each as one line.

Each concept keeps its own error class in its own module (`rag.index.IndexUnavailable`,
`rag.sources.SourceError`, ...) but all of them derive from `RagError`, whose message says
what went wrong and what to run, and whose `exit_code` is what `rag` exits with.
`rag.cli.main` is the only place that turns them into output.
"""

from __future__ import annotations


class RagError(Exception):
    """A failure the user can act on; the message says what to do."""

    exit_code = 1
    prefix = ""
    """Prepended by the CLI when the message alone would not say which step failed."""


class ConfigError(RagError):
    """A setting is missing, unknown or inconsistent (raised when settings load)."""

    exit_code = 2
    prefix = "Configuration error: "


class NoEvents(RagError):
    """There is no corpus to index yet; the message says which command makes one."""
