"""API mechanics through FastAPI's TestClient: status codes, auth, SSE framing, metrics.

The assistant here is a small double with fixed answers: these tests are about HTTP, not
retrieval (the end-to-end tests in test_supervisord.py use the real engine).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.config import Settings
from rag.corpus import CorpusSummary
from rag.engine import AssistantStatus, NotReady, StreamEvent
from rag.models import Event, Occurrence, ProgressFn
from rag.schemas import AskRequest, AskResponse, ProviderInfo, Source, Timings, Understood
from ui.client import parse_sse

KEY = "s3cret-rebuild-key"
EVENT = Event(
    uid="evt-1",
    title="Atelier marionnettes",
    city="Paris",
    venue="Théâtre du Rond-Point",
    agenda_title="Sortir à Paris",
    occurrences=[
        Occurrence(datetime(2026, 11, 28, 14, tzinfo=UTC), datetime(2026, 11, 28, 16, tzinfo=UTC))
    ],
)


class StubAssistant:
    """The engine's interface with canned answers; `fail` makes `ask` crash."""

    def __init__(self, ready: bool = True, fail: bool = False) -> None:
        self.ready = ready
        self.fail = fail
        self.reloads = 0
        self.questions: list[AskRequest] = []

    def status(self) -> AssistantStatus:
        return AssistantStatus(
            ready=self.ready,
            reason=None if self.ready else "no index yet: run `rag demo`",
            version="20261126T090000.000Z-abcdef12" if self.ready else None,
            events=1 if self.ready else 0,
            passages=2 if self.ready else 0,
            embedder="use-test",
            generator="extractive",
            created_at="2026-11-26T09:00:00+00:00" if self.ready else None,
            corpus=CorpusSummary.of([EVENT]) if self.ready else None,
        )

    def reload(self) -> bool:
        self.reloads += 1
        return False

    def event(self, uid: str) -> Event | None:
        return EVENT if uid == EVENT.uid else None

    def ask(self, request: AskRequest) -> AskResponse:
        if not self.ready:
            raise NotReady("no index yet: run `rag demo`")
        if self.fail:
            raise RuntimeError("secret internal detail")
        self.questions.append(request)
        return AskResponse(
            answer="Samedi, un atelier de marionnettes [1].",
            no_answer=False,
            sources=[
                Source(
                    uid=EVENT.uid,
                    title=EVENT.title,
                    url=None,
                    venue=EVENT.venue,
                    city=EVENT.city,
                    start=EVENT.start,
                    end=EVENT.end,
                    score=0.9,
                    snippet="Un atelier pour les enfants.",
                )
            ],
            understood=Understood(
                as_of=request.as_of or date(2026, 11, 26),
                date_from=None,
                date_to=None,
                city="Paris",
                region=None,
            ),
            provider=ProviderInfo(embedder="use-test", generator="extractive", fallback=False),
            timings_ms=Timings(retrieve=1.0, generate=1.0, total=2.0),
        )

    def stream(self, request: AskRequest) -> Iterator[StreamEvent]:
        response = self.ask(request)
        sources = [s.model_dump(mode="json") for s in response.sources]
        understood = response.understood.model_dump(mode="json")
        yield StreamEvent("sources", {"sources": sources, "understood": understood})
        for word in ("Samedi, ", "un atelier ", "de marionnettes [1]."):
            yield StreamEvent("delta", {"text": word})
        yield StreamEvent("done", response.model_dump(mode="json"))


def make_client(
    tmp_path: Path,
    assistant: StubAssistant,
    rebuild_work: Any = None,
    **settings: Any,
) -> TestClient:
    values: dict[str, Any] = {
        "RAG_DATA_DIR": tmp_path,
        "RAG_RUN_DIR": tmp_path / "run",
        "INDEX_RELOAD_INTERVAL": 0,
    } | settings
    app = create_app(Settings(**values), assistant=assistant, rebuild_work=rebuild_work)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path, StubAssistant()) as client:
        yield client


@pytest.fixture
def not_ready(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path, StubAssistant(ready=False)) as client:
        yield client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_names_the_index_and_providers(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert body["version"] == "20261126T090000.000Z-abcdef12"
    assert (body["events"], body["passages"]) == (1, 2)
    assert (body["embedder"], body["generator"]) == ("use-test", "extractive")
    assert body["corpus"] == {
        "demo_events": 0,
        "agendas": 1,
        "top_agendas": [{"title": "Sortir à Paris", "events": 1}],
    }


def test_not_ready_is_503_with_the_reason(not_ready: TestClient) -> None:
    response = not_ready.get("/ready")
    assert response.status_code == 503
    assert "rag demo" in response.json()["reason"]
    for path in ("/ask", "/ask/stream"):
        response = not_ready.post(path, json={"question": "Que faire ?"})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        assert response.json()["detail"].startswith("Not ready: no index yet")


def test_ask_returns_the_public_contract(client: TestClient) -> None:
    payload = {
        "question": "Et dimanche ?",
        "city": "Paris",
        "as_of": "2026-11-26",
        "history": [{"role": "user", "content": "Un atelier samedi ?"}],
    }
    response = client.post("/ask", json=payload)
    assert response.status_code == 200
    parsed = AskResponse.model_validate(response.json())
    assert parsed.sources[0].uid == EVENT.uid
    assert set(response.json()) == set(AskResponse.model_fields)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"question": ""},
        {"question": "x" * 1001},
        {"question": "Que faire ?", "k": 0},
        {"question": "Que faire ?", "as_of": "demain"},
        {"question": "Que faire ?", "unknown": 1},
        {"question": "Que faire ?", "history": [{"role": "system", "content": "x"}]},
    ],
)
def test_ask_validation_is_422(client: TestClient, payload: dict[str, Any]) -> None:
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_stream_is_server_sent_events(client: TestClient) -> None:
    with client.stream("POST", "/ask/stream", json={"question": "Que faire ?"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        raw = "".join(response.iter_text())
    assert raw.startswith("event: sources\ndata: {")
    events = list(parse_sse(iter(raw.splitlines())))
    assert [e.event for e in events] == ["sources", "delta", "delta", "delta", "done"]
    assert events[0].data["sources"][0]["uid"] == EVENT.uid
    text = "".join(e.data["text"] for e in events if e.event == "delta")
    assert text == events[-1].data["answer"] == "Samedi, un atelier de marionnettes [1]."
    AskResponse.model_validate(events[-1].data)


def test_unexpected_error_is_json_500_without_details(tmp_path: Path) -> None:
    with make_client(tmp_path, StubAssistant(fail=True)) as client:
        response = client.post("/ask", json={"question": "Que faire ?"})
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/json"
        assert "secret internal detail" not in response.text
        assert "Traceback" not in response.text
        assert "log" in response.json()["detail"]
        # an error after the stream started arrives as an SSE `error` event
        raw = client.post("/ask/stream", json={"question": "Que faire ?"}).text
        assert "event: error" in raw
        assert "secret internal detail" not in raw


def test_events(client: TestClient) -> None:
    response = client.get("/events/evt-1")
    assert response.status_code == 200
    assert response.json() == EVENT.to_dict()
    missing = client.get("/events/nope")
    assert missing.status_code == 404
    assert "nope" not in missing.json()["detail"]  # what the client sent is not echoed


def test_cors_is_closed_by_default(tmp_path: Path) -> None:
    preflight = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
    }
    with make_client(tmp_path, StubAssistant()) as client:
        response = client.options("/ask", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    with make_client(tmp_path, StubAssistant(), CORS_ORIGINS='["https://example.org"]') as client:
        response = client.options("/ask", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://example.org"


def test_requests_look_for_a_newer_index_at_most_every_interval(tmp_path: Path) -> None:
    every_request, throttled = StubAssistant(), StubAssistant()
    with make_client(tmp_path, every_request) as client:
        for _ in range(3):
            client.post("/ask", json={"question": "Que faire ?"})
    with make_client(tmp_path, throttled, INDEX_RELOAD_INTERVAL=3600) as client:
        for _ in range(3):
            client.post("/ask", json={"question": "Que faire ?"})
    assert every_request.reloads == 3
    assert throttled.reloads == 0


class BlockingWork:
    """A rebuild that reports progress then waits for the test to let it finish."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.fail = fail

    def __call__(self, progress: ProgressFn) -> dict[str, Any]:
        progress("embed", 0, 10)
        threading.Event().wait(0.02)
        progress("embed", 3, 10)
        self.started.set()
        assert self.release.wait(10)
        if self.fail:
            raise ValueError("no events to index")
        return {"version": "v2", "events": 1}


def wait_job(client: TestClient, job_id: str) -> dict[str, Any]:
    for _ in range(200):
        job = client.get(f"/rebuild/{job_id}").json()
        if job["state"] in ("succeeded", "failed"):
            return job
        threading.Event().wait(0.05)
    pytest.fail(f"rebuild {job_id} did not finish")


def test_rebuild_is_disabled_without_a_key(tmp_path: Path) -> None:
    with make_client(tmp_path, StubAssistant(), BlockingWork()) as client:
        response = client.post("/rebuild", headers={"X-API-Key": "anything"})
        assert response.status_code == 503
        assert "REBUILD_API_KEY" in response.json()["detail"]


def test_rebuild_auth_and_one_job_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    constant_time = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr("rag.api.routes.hmac.compare_digest", spy)
    work = BlockingWork()
    with make_client(tmp_path, StubAssistant(), work, REBUILD_API_KEY=KEY) as client:
        assert client.post("/rebuild").status_code == 401
        assert client.post("/rebuild", headers={"X-API-Key": "wrong"}).status_code == 401
        digest = hashlib.sha256
        assert compared[-1] == (digest(b"wrong").digest(), digest(KEY.encode()).digest())

        accepted = client.post("/rebuild", headers={"X-API-Key": KEY})
        assert accepted.status_code == 202
        job_id = accepted.json()["id"]
        assert accepted.headers["location"] == f"/rebuild/{job_id}"
        assert work.started.wait(5)
        running = client.get(f"/rebuild/{job_id}").json()
        assert (running["state"], running["stage"], running["done"], running["total"]) == (
            "running",
            "embed",
            3,
            10,
        )
        assert running["rate"] > 0  # rag.progress, measured
        assert running["eta_s"] == pytest.approx(7 / running["rate"], abs=0.01)
        busy = client.post("/rebuild", headers={"X-API-Key": KEY})
        assert busy.status_code == 409
        assert job_id in busy.json()["detail"]
        assert client.get("/ready").json()["rebuilding"] is True

        work.release.set()
        job = wait_job(client, job_id)
        assert job["state"] == "succeeded"
        assert job["result"] == {"version": "v2", "events": 1}
        assert job["duration_s"] >= 0
        assert client.get("/rebuild/unknown").status_code == 404
        metrics = client.get("/metrics").text
        assert 'rag_rebuilds_total{outcome="succeeded"} 1' in metrics
        assert "rag_rebuild_duration_seconds_count 1" in metrics


def test_failed_rebuild_reports_the_error(tmp_path: Path) -> None:
    work = BlockingWork(fail=True)
    work.release.set()
    with make_client(tmp_path, StubAssistant(), work, REBUILD_API_KEY=KEY) as client:
        job_id = client.post("/rebuild", headers={"X-API-Key": KEY}).json()["id"]
        job = wait_job(client, job_id)
        assert job["state"] == "failed"
        assert job["error"] == "ValueError: no events to index"
        assert 'rag_rebuilds_total{outcome="failed"} 1' in client.get("/metrics").text


def test_first_build_in_progress_is_the_not_ready_reason(tmp_path: Path) -> None:
    work = BlockingWork()
    with make_client(tmp_path, StubAssistant(ready=False), work, REBUILD_API_KEY=KEY) as client:
        job_id = client.post("/rebuild", headers={"X-API-Key": KEY}).json()["id"]
        assert work.started.wait(5)
        body = client.get("/ready").json()
        assert body["reason"] == f"building the first index (rebuild {job_id}: embed)"
        work.release.set()
        wait_job(client, job_id)


SAMPLE = re.compile(r"^[a-z_]+(\{[^}]*\})? [-+0-9.eInf]+$")


def test_metrics_exposition(client: TestClient) -> None:
    client.get("/health")
    client.post("/ask", json={"question": "Que faire ?"})
    client.post("/ask", json={})
    client.get("/no/such/page")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'rag_http_requests_total{method="GET",route="/health",status="200"} 1' in text
    assert 'rag_http_requests_total{method="POST",route="/ask",status="200"} 1' in text
    assert 'rag_http_requests_total{method="POST",route="/ask",status="422"} 1' in text
    assert 'rag_http_requests_total{method="GET",route="unmatched",status="404"} 1' in text
    assert (
        'rag_http_request_duration_seconds_bucket{method="POST",route="/ask",le="+Inf"} 2' in text
    )
    assert "rag_index_events 1\n" in text
    assert "rag_index_passages 2\n" in text
    for line in text.splitlines():
        assert line.startswith("# ") or SAMPLE.match(line), line
    buckets = [
        int(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith('rag_http_request_duration_seconds_bucket{method="POST",route="/ask"')
    ]
    assert buckets == sorted(buckets)


def test_openapi_documents_the_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "rag-events"
    ask = schema["paths"]["/ask"]["post"]["requestBody"]["content"]["application/json"]
    assert "weekend" in ask["examples"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_everything_from_the_api(client: TestClient, page: str) -> None:
    """No CDN: every script, stylesheet and icon the page names is served by the API itself."""
    html = client.get(page).text
    assets = re.findall(r'(?:src|href|spec-url)="([^"]+)"', html)
    assets += re.findall(r"url: ?'([^']+)'", html)
    assert assets, html
    assert not re.search(r"(?:https?:)?//", html), "the page names another host"
    assert "default-src 'self'" in client.get(page).headers["content-security-policy"]
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


def test_an_api_worker_does_not_import_the_sources_to_serve() -> None:
    """Rebuild jobs import the event sources and their HTTP stack when they run: a worker's
    start does not pay for them (docs/benchmarks.md, `ready_s`)."""
    code = (
        "import sys, rag.cli, rag.api.app; "
        "print(sorted({'requests', 'rag.ingest', 'rag.http'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
