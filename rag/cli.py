"""The `rag` command line: ingest, build, ask, demo, serve, up.

Each command builds its objects from one `Settings` and hands them over; the real work
lives in the modules named after each concept, so this file stays thin.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="rag",
    help="rag-events: ask questions about cultural events from OpenAgenda data.",
    no_args_is_help=True,
    add_completion=False,
)


# --- ingest (rag.ingest) ---------------------------------------------------------------


# --- build / info (rag.index) ----------------------------------------------------------


# --- ask / eval (rag.engine, rag.evaluation) -------------------------------------------


# --- demo (rag.demo) -------------------------------------------------------------------


# --- serve / ui / up (rag.api, ui/app.py, supervisord.conf) ----------------------------


if __name__ == "__main__":
    app()
