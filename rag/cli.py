"""The `rag` command line: ingest, build, ask, demo, serve, up.

Each command builds its objects from one `Settings` and hands them over; the real work
lives in the modules named after each concept, so this file stays thin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from rich.progress import TaskID

    from rag.models import ProgressFn


class RagGroup(TyperGroup):
    """The one error handler of the CLI: a `RagError` is one stderr line and its exit code.

    Commands let `RagError`s propagate (their messages already say what to run); anything
    else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: Any) -> Any:  # typer types it with its vendored click Context
        from rag.errors import RagError

        try:
            return super().invoke(ctx)
        except RagError as exc:
            typer.echo(f"{exc.prefix}{exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


DAY = ["%Y-%m-%d"]
"""How every date option is written."""

app = typer.Typer(
    cls=RagGroup,
    name="rag",
    help="rag-events: ask questions about cultural events from OpenAgenda data.",
    no_args_is_help=True,
    add_completion=False,
)


# --- ingest (rag.ingest) ---------------------------------------------------------------


@contextmanager
def progress_bar() -> Iterator[ProgressFn]:
    """A rich progress bar on stderr, one line per stage, fed by a `ProgressFn`: counts,
    elapsed time, and the rate and time remaining that `rag.progress` measures."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from rag.progress import ProgressMeter

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "{task.fields[rate]}",
        "{task.fields[eta]}",
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}
        meter = ProgressMeter()

        def update(stage: str, done: int, total: int) -> None:
            at = meter.update(stage, done, total)
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None, rate="", eta="")
            bar.update(
                tasks[stage],
                completed=done,
                total=total or None,
                rate=at.rate_text(),
                eta=at.eta_text(),
            )

        yield update


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Event files or directories (ODS JSON/CSV, JSON Lines, events.jsonl); "
            "with --openagenda, agenda UIDs.",
            show_default=False,
        ),
    ] = None,
    opendatasoft: Annotated[
        bool, typer.Option("--opendatasoft", help="Fetch from the Opendatasoft Explore API.")
    ] = False,
    where: Annotated[
        str | None, typer.Option(help="ODSQL filter, e.g. 'location_city = \"Paris\"'.")
    ] = None,
    refine: Annotated[
        list[str] | None, typer.Option(help="Facet filter FACET:VALUE (repeatable).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most N records.")] = None,
    export: Annotated[
        bool, typer.Option("--export", help="Use the export endpoint (no 10,000 ceiling).")
    ] = False,
    openagenda: Annotated[
        bool,
        typer.Option(
            "--openagenda",
            help="Fetch the agendas given as arguments (else OPENAGENDA_AGENDAS) from the "
            "OpenAgenda API v2; needs OPENAGENDA_API_KEY.",
        ),
    ] = False,
    since: Annotated[
        datetime | None,
        typer.Option(formats=DAY, help="OpenAgenda: events from this date."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(formats=DAY, help="OpenAgenda: events until this date."),
    ] = None,
    append: Annotated[
        bool, typer.Option("--append", help="Merge with the processed events.")
    ] = False,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Read symlinks in a directory even when they lead out of it."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts as JSON on stdout.")
    ] = False,
) -> None:
    """Fetch events, normalize and deduplicate them into data/processed/events.jsonl.

    Only regular files are read; what is skipped is listed with the reason."""
    import json

    from rag.config import load_settings
    from rag.ingest import SourceOptions, sources_from_options
    from rag.ingest import ingest as run_ingest

    settings = load_settings()
    if not (paths or opendatasoft or openagenda):
        raise typer.BadParameter("give PATH..., --opendatasoft or --openagenda AGENDA_UID...")
    options = SourceOptions(
        paths=list(paths or []),
        follow_symlinks=follow_symlinks,
        opendatasoft=opendatasoft,
        where=where,
        refine=tuple(refine or ()),
        limit=limit,
        export=export,
        openagenda=openagenda,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    sources = sources_from_options(settings, options)
    with progress_bar() as progress:
        report = run_ingest(settings, sources, append=append, progress=progress)
    for note in report.notes:
        typer.echo(f"Note: {note}", err=True)
    if as_json:
        typer.echo(json.dumps(report.summary(), ensure_ascii=False))
        return
    typer.echo(
        f"{report.events} events in {settings.events_file} "
        f"({report.skipped} skipped, {report.duplicates} duplicates, {report.seconds:.1f} s)"
    )
    for reason, count in report.by_reason.items():
        typer.echo(f"  skipped {count}: {reason}")
    for path, reason in report.files_skipped.items():
        typer.echo(f"  skipped file {path}: {reason}")
    for name, count in report.links_dropped.items():
        typer.echo(f"  dropped {count} {name} links that were not http(s)")


# --- build / info (rag.index) ----------------------------------------------------------


@app.command()
def build(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the build report as JSON on stdout.")
    ] = False,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            is_flag=False,
            flag_value="local",
            metavar="[ADDRESS]",
            help="Embed on a Ray cluster (needs `uv sync --extra ray`): its ADDRESS "
            "(ray://host:10001, or auto for the `ray start` one here); alone, a local one.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build a new index version from data/processed/ (unchanged passages are not re-embedded)."""
    import json

    from rag.config import load_settings
    from rag.embeddings import create_embedder
    from rag.embeddings.distributed import ray_cluster
    from rag.index import build_index
    from rag.ingest import iter_events

    settings = load_settings()
    embedder = create_embedder(settings)
    runner = ray_cluster(settings, embedder.id, ray) if ray is not None else None
    with progress_bar() as progress:
        report = build_index(settings, iter_events(settings), embedder, progress, runner=runner)
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    typer.echo(
        f"Index {report.version}: {report.events} events, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused} from cache) in {report.seconds:.1f} s"
    )


@app.command()
def info(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the manifest as JSON on stdout.")
    ] = False,
) -> None:
    """Describe the active index (version, size, embedder) without loading it."""
    import json

    from rag.config import load_settings
    from rag.index import active_manifest

    manifest = active_manifest(load_settings())
    summary = {
        "events": manifest.events,
        "passages": manifest.passages,
        "embedder": manifest.embedder,
        "dimension": manifest.dimension,
        "version": manifest.version,
        "created_at": manifest.created_at,
        "faiss_index": manifest.faiss_index,
    }
    if as_json:
        typer.echo(json.dumps(summary))
        return
    for key, value in summary.items():
        typer.echo(f"{key:>12}: {value}")


# --- ask / eval (rag.engine, rag.evaluation) -------------------------------------------


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in French or English.")],
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=DAY, help="Reference date YYYY-MM-DD.")
    ] = None,
    city: Annotated[str | None, typer.Option("--city", help="Only events in this city.")] = None,
    date_from: Annotated[
        datetime | None, typer.Option("--date-from", formats=DAY, help="From YYYY-MM-DD.")
    ] = None,
    date_to: Annotated[
        datetime | None, typer.Option("--date-to", formats=DAY, help="Until YYYY-MM-DD.")
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("--k", min=1, max=20, help="How many events to cite [default: RAG_TOP_K]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
) -> None:
    """Answer a question from the active index, citing the events used."""
    from pydantic import ValidationError

    from rag.config import load_settings
    from rag.engine import Assistant
    from rag.schemas import AskRequest

    try:
        request = AskRequest(
            question=question,
            k=k,
            as_of=_day(as_of),
            city=city,
            date_from=_day(date_from),
            date_to=_day(date_to),
        )
    except ValidationError as exc:
        raise typer.BadParameter(str(exc)) from exc
    assistant = Assistant.from_settings(load_settings())
    response = assistant.ask(request)
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
        return
    typer.echo(response.answer)
    if response.sources:
        typer.echo("\nSources :")
        for number, source in enumerate(response.sources, 1):
            where = ", ".join(p for p in (source.venue, source.city) if p)
            typer.echo(f"  [{number}] {source.title} — {where} {source.url or ''}".rstrip())


DEFAULT_DEVSET = Path("eval/devset.jsonl")


@app.command("eval")
def eval_command(
    devset: Annotated[Path, typer.Option("--devset", help="JSONL dev set.")] = DEFAULT_DEVSET,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Score the top k sources.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    failures: Annotated[
        bool, typer.Option("--failures", help="Also list failing questions.")
    ] = False,
    split: Annotated[
        str, typer.Option("--split", help="dev, heldout or all (questions of that split).")
    ] = "all",
) -> None:
    """Score the active index of RAG_DATA_DIR on a question file (see eval/README.md).

    The file's questions must be about the indexed corpus; `python -m bench.quality`
    runs every corpus and split, and the baseline."""
    import json

    from rich.console import Console

    from rag.config import load_settings
    from rag.engine import Assistant
    from rag.evaluation import evaluate, load_devset

    if split not in ("dev", "heldout", "all"):
        raise typer.BadParameter("expected dev, heldout or all", param_hint="--split")
    try:
        questions = [q for q in load_devset(devset) if split in ("all", q.split)]
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--devset") from exc
    settings = load_settings()
    assistant = Assistant.from_settings(settings)
    status = assistant.status()
    if not status.ready:
        typer.echo(f"Not ready: {status.reason}", err=True)
        raise typer.Exit(2)
    with progress_bar() as progress:
        report = evaluate(
            assistant.ask,
            questions,
            k=k,
            events=assistant.event,
            timezone=settings.timezone,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(report)
    if failures:
        console.print(report.failures_table())


# --- demo (rag.demo) -------------------------------------------------------------------


@app.command()
def demo(
    events: Annotated[int, typer.Option("--events", min=1, help="How many events.")] = 360,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same corpus.")] = 7,
    today: Annotated[
        datetime | None,
        typer.Option(formats=DAY, help="Build the corpus around this date [default: today]."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the build report as JSON on stdout.")
    ] = False,
    if_stale: Annotated[
        bool,
        typer.Option(
            "--if-stale",
            help="Only when the served corpus is the demo, generated around another day: "
            "regenerate it around today with its size and seed (what `rag up` runs).",
        ),
    ] = False,
) -> None:
    """Generate the demo corpus (no key, no network), ingest it and build its index."""
    import json

    from rag.config import load_settings
    from rag.demo import build_demo
    from rag.demo_record import stale_demo

    settings = load_settings()
    if if_stale:
        stale = stale_demo(settings)
        if stale is None:
            typer.echo("The demo corpus is up to date (or not the served corpus).", err=True)
            return
        events, seed = stale.events, stale.seed
    with progress_bar() as progress:
        report = build_demo(
            settings, today.date() if today else None, events, seed, progress=progress
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    typer.echo(
        f"Demo index {report.version}: {report.events} events, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused} from cache) in {report.seconds:.1f} s "
        f"under {settings.data_dir}"
    )


# --- serve / ui / up (rag.api, ui/app.py, supervisord.conf) ----------------------------


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [default: API_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [default: API_PORT].")] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Proxies whose X-Forwarded-For is believed, comma-separated "
            "[default: FORWARDED_ALLOW_IPS, else none].",
        ),
    ] = None,
) -> None:
    """Run the API alone (uvicorn, API_WORKERS processes; see /docs for the endpoints)."""
    import os

    # Before numpy loads (the workers inherit it): concurrent questions each run a small
    # matrix product, and BLAS threads per call would fight over the cores (measured in
    # docs/benchmarks.md: ~10x the throughput at 8 clients with one thread per call).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")

    import logging

    from rag.config import load_settings
    from rag.supervisor import bind_port

    settings = load_settings()
    host, port = host or settings.api_host, port or settings.api_port
    # A taken port is one line and exit 1 now, not after loading the model and the index
    # (under supervisord, that quick exit is a failed start: FATAL after a few).
    bind_port(host, port, "API").close()

    import uvicorn

    from rag.api.app import LOG_FORMAT
    from rag.api.server import uvicorn_options

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # Each worker is a process that loads the model and maps the same index files; uvicorn
    # restarts one that dies while the others keep serving on the shared socket.
    uvicorn.run(
        "rag.api.app:serve_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.api_workers,
        log_config=None,  # serve_app's logging: one format for uvicorn and rag
        access_log=False,  # rag.api logs one line per request, with the latency
        timeout_graceful_shutdown=10,
        # a worker busy answering can be slow to answer uvicorn's ping on 2 loaded
        # cores; the default 5 s would restart it for nothing
        timeout_worker_healthcheck=30,
        **uvicorn_options(settings, forwarded_allow_ips),
    )


@app.command()
def ui(
    host: Annotated[str | None, typer.Option(help="Listen address [default: UI_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [default: UI_PORT].")] = None,
) -> None:
    """Run the Streamlit chat alone; it talks to the API at API_URL."""
    import os
    import sys

    from rag.config import load_settings
    from rag.supervisor import project_file

    settings = load_settings()
    script = project_file("ui/app.py")
    root = script.parents[1]
    # Streamlit reads .streamlit/config.toml from the working directory; `ui.*` imports
    # need the project root on the path (streamlit only adds the script's own folder).
    os.chdir(root)
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    argv = [sys.executable, "-m", "streamlit", "run", str(script)]
    argv += ["--server.address", host or settings.ui_host]
    argv += ["--server.port", str(port or settings.ui_port)]
    os.execve(sys.executable, argv, {**os.environ, "PYTHONPATH": path})


@app.command()
def up() -> None:
    """Run the API and the UI under supervisord, in the foreground.

    Uses supervisord.conf at the project root. With no index yet, or one an older version
    wrote in another format, it first builds one from the configured sources (or events
    already ingested), else from the demo corpus, so a fresh checkout, an empty volume or
    an upgrade answers at once; on a read-only data directory it builds nothing and serves
    what the builder writes.
    """
    import os

    from rag.config import load_settings

    # light imports first: a start with an index loads no model, no generator, no source
    from rag.demo_record import seed_data_dir, stale_demo
    from rag.supervisor import check_ports, run_supervisord
    from rag.versions import active_version, outdated

    settings = load_settings()
    check_ports(settings)  # before building or starting anything
    if settings.data_dir.is_dir() and not os.access(settings.data_dir, os.W_OK):
        # a Swarm replica mounts the volume read-only: the builder writes the index there
        typer.echo(
            f"{settings.data_dir} is read-only here: serving the index versions the builder "
            "writes there (picked up within INDEX_RELOAD_INTERVAL).",
            err=True,
        )
        raise typer.Exit(run_supervisord(settings))
    if active_version(settings) is None and seed_data_dir(settings):
        typer.echo(
            f"Empty {settings.data_dir}: copied the demo index of {settings.seed_dir}.", err=True
        )
    active, old_format = active_version(settings), outdated(settings)
    stale = stale_demo(settings)
    if stale is not None and active is not None and not old_format:
        import subprocess
        import sys

        typer.echo(
            f"The demo corpus was generated around {stale.today}: regenerating it around "
            "today in the background; the current index answers meanwhile.",
            err=True,
        )
        subprocess.Popen([sys.executable, "-m", "rag.cli", "demo", "--if-stale"])
    elif active is None or old_format:
        from rag.ingest import sources_from_settings

        where = settings.data_dir
        why = (
            f"The index in {where} was written by an older rag-events"  # cannot be served
            if old_format
            else f"No index in {where}"
        )
        if stale is not None:  # the demo, again with its size and seed, around today
            typer.echo(f"{why}: building the demo corpus again first.", err=True)
            demo(events=stale.events, seed=stale.seed)
        elif sources_from_settings(settings) or settings.events_file.exists():
            from rag.embeddings import create_embedder
            from rag.rebuild import refresh_index

            typer.echo(f"{why}: building it from your events first.", err=True)
            with progress_bar() as progress:
                refresh_index(settings, create_embedder(settings), progress)
        else:
            typer.echo(f"{why}: building the demo corpus first.", err=True)
            demo()
    raise typer.Exit(run_supervisord(settings))


if __name__ == "__main__":
    app()
