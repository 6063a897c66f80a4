"""HTTP routes. Blocking engine calls are plain `def` routes, so FastAPI runs them in its
threadpool and the event loop keeps serving /health and other requests meanwhile."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from rag.api.deps import (
    AssistantDep,
    ReadyAssistantDep,
    ServicesDep,
    ask_quota,
    client_address,
    json_body,
)
from rag.api.metrics import IndexGauges
from rag.api.schemas import (
    AgendaCount,
    AskBody,
    CorpusInfo,
    ErrorResponse,
    HealthResponse,
    ReadyResponse,
    RebuildAccepted,
    RebuildJobResponse,
)
from rag.corpus import CorpusSummary
from rag.engine import NotReady
from rag.rebuild import RebuildBusy, RebuildUnavailable
from rag.schemas import AskResponse

log = logging.getLogger(__name__)
router = APIRouter()

NOT_READY = {503: {"model": ErrorResponse, "description": "No index loaded yet."}}


def _json_error(description: str) -> dict[str, Any]:
    """A JSON error response, spelled out so that /ask/stream documents it as JSON too."""
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ASK_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _json_error("The body is not UTF-8 text."),
    413: _json_error("Body over API_MAX_BODY_BYTES."),
    415: _json_error("The body is not JSON."),
    429: _json_error("Over ASK_RATE_LIMIT questions per minute; see Retry-After."),
    503: _json_error("No index loaded yet."),
}
ASK_GUARDS = [Depends(ask_quota), Depends(json_body)]
ASK_EXAMPLES: dict[str, Any] = {
    "weekend": {
        "summary": "Une question simple",
        "value": {"question": "Que faire ce week-end à Paris avec des enfants ?"},
    },
    "filters": {
        "summary": "Avec filtres et date de référence",
        "value": {
            "question": "Un concert de jazz ?",
            "city": "Lyon",
            "date_from": "2026-11-28",
            "date_to": "2026-12-06",
            "as_of": "2026-11-26",
            "k": 3,
        },
    },
    "follow_up": {
        "summary": "Une question de suivi",
        "value": {
            "question": "Et le dimanche ?",
            "history": [
                {"role": "user", "content": "Une exposition à Paris samedi ?"},
                {"role": "assistant", "content": "Voici trois expositions… [1] [2] [3]"},
            ],
        },
    },
}
AskJson = Annotated[AskBody, Body(openapi_examples=ASK_EXAMPLES)]


@router.get("/health", tags=["ops"])
async def health() -> HealthResponse:
    """Liveness: answers as long as the process serves requests."""
    return HealthResponse()


@router.get(
    "/ready",
    tags=["ops"],
    responses={503: {"model": ReadyResponse, "description": "No index loaded (see reason)."}},
)
def ready(services: ServicesDep, assistant: AssistantDep, response: Response) -> ReadyResponse:
    """Readiness: 200 once an index is loaded; 503 with the reason otherwise."""
    status = assistant.status()
    job = services.rebuilder.active
    reason = status.reason
    if not status.ready and job is not None:
        reason = f"building the first index (rebuild {job.id}: {job.stage or job.state})"
    if not status.ready:
        response.status_code = 503
    return ReadyResponse(
        ready=status.ready,
        reason=reason,
        version=status.version,
        events=status.events,
        passages=status.passages,
        embedder=status.embedder,
        generator=status.generator,
        created_at=status.created_at,
        rebuilding=job is not None,
        corpus=_corpus_info(status.corpus) if status.corpus else None,
    )


@router.post("/ask", tags=["ask"], responses=ASK_ERRORS, dependencies=ASK_GUARDS)
def ask(request: AskJson, assistant: ReadyAssistantDep) -> AskResponse:
    """Answer a French question about events, citing the events used (same JSON as
    `rag ask --json`). Follow-up questions send the previous turns in `history`."""
    return assistant.ask(request)


@router.post(
    "/ask/stream",
    tags=["ask"],
    response_class=EventSourceResponse,
    responses=ASK_ERRORS,
    dependencies=ASK_GUARDS,
)
def ask_stream(request: AskJson, assistant: ReadyAssistantDep) -> Iterator[ServerSentEvent]:
    """The same answer as Server-Sent Events: `sources` (cited events and what was
    understood), then `delta` text chunks, then `done` with the full AskResponse.
    A failure after the stream started arrives as an `error` event."""
    try:
        for event in assistant.stream(request):
            yield ServerSentEvent(event=event.type, data=event.data)
    except NotReady as exc:
        yield ServerSentEvent(event="error", data={"detail": f"Not ready: {exc}"})
    except Exception:
        log.exception("stream failed for %r", request.question)
        yield ServerSentEvent(event="error", data={"detail": "Internal error; see server log."})


@router.get(
    "/events/{uid}",
    tags=["events"],
    responses={404: {"model": ErrorResponse, "description": "No such event."}},
)
def event(uid: str, assistant: AssistantDep) -> dict[str, Any]:
    """One normalized event from the served index (the format of data/processed/)."""
    found = assistant.event(uid)
    if found is None:
        raise HTTPException(404, detail="No event with this uid in the served index.")
    return found.to_dict()


@router.post(
    "/rebuild",
    tags=["ops"],
    status_code=202,
    responses={
        401: {"model": ErrorResponse, "description": "Missing or wrong X-API-Key."},
        409: {"model": ErrorResponse, "description": "A rebuild is already running."},
        429: {
            "model": ErrorResponse,
            "description": "A wrong key, after too many from this client; see Retry-After.",
        },
        503: {
            "model": ErrorResponse,
            "description": "Rebuild disabled (no REBUILD_API_KEY) or the data is read-only here.",
        },
    },
)
def start_rebuild(
    services: ServicesDep,
    request: Request,
    response: Response,
    x_api_key: Annotated[str | None, Header(description="Must equal REBUILD_API_KEY.")] = None,
) -> RebuildAccepted:
    """Re-ingest the configured sources (or reuse data/processed/), build a new index
    version in the background and swap it in; /ask keeps answering meanwhile."""
    secret = services.settings.rebuild_api_key
    expected = secret.get_secret_value() if secret else ""
    if not expected:
        raise HTTPException(503, detail="Rebuild is disabled: set REBUILD_API_KEY to enable it.")
    if not hmac.compare_digest(_digest(x_api_key or ""), _digest(expected)):
        # the right key always passes (below); wrong ones are slowed down per source
        wait = services.wrong_keys.failed(client_address(request))
        if wait:
            raise HTTPException(
                429,
                detail="Too many wrong X-API-Key attempts from this client; "
                f"retry in {wait} s with the right key.",
                headers={"Retry-After": str(wait)},
            )
        raise HTTPException(401, detail="Missing or wrong X-API-Key header.")
    try:
        job = services.rebuilder.start()
    except RebuildBusy as busy:
        raise HTTPException(
            409, detail=f"Rebuild {busy.job.id} is already running: GET /rebuild/{busy.job.id}."
        ) from busy
    except RebuildUnavailable as unavailable:
        raise HTTPException(503, detail=str(unavailable)) from unavailable
    url = f"/rebuild/{job.id}"
    response.headers["Location"] = url
    return RebuildAccepted(id=job.id, state=job.state, status_url=url)


@router.get(
    "/rebuild/{job_id}",
    tags=["ops"],
    responses={404: {"model": ErrorResponse, "description": "Unknown (or forgotten) job."}},
)
def rebuild_status(job_id: str, services: ServicesDep) -> RebuildJobResponse:
    """State, stage, progress, timings and result (or error) of a rebuild job."""
    job = services.rebuilder.get(job_id)
    if job is None:
        raise HTTPException(404, detail="No rebuild job with this id in this data directory.")
    return RebuildJobResponse.model_validate(job, from_attributes=True)


@router.get("/metrics", tags=["ops"], response_class=PlainTextResponse)
def metrics(services: ServicesDep) -> PlainTextResponse:
    """Prometheus text exposition."""
    status = services.assistant.status()
    text = services.metrics.render(
        IndexGauges(status.events, status.passages, status.ready), services.wrong_keys.total()
    )
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")


def _corpus_info(corpus: CorpusSummary) -> CorpusInfo:
    return CorpusInfo(
        demo_events=corpus.demo_events,
        agendas=corpus.agendas,
        top_agendas=[AgendaCount(title=t, events=n) for t, n in corpus.top_agendas],
    )


def _digest(key: str) -> bytes:
    """Fixed-length digests, so the comparison does not even reveal the key's length."""
    return hashlib.sha256(key.encode()).digest()
