"""What the red-team run of issue 15 found, each checked on the real thing: forwarded
headers that dodged the lockout, links and paths that leaked, big headers, the redirect
that reflected Host, aborted streams counted as 200."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import requests
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.api.server import uvicorn_options
from rag.config import Settings
from rag.embeddings import create_embedder
from rag.index import build_index
from rag.ingest import ingest, load_events
from rag.sources.files import file_sources
from rag.store import STORE
from tests.fakes.llm_server import FakeLLM, sleep

if TYPE_CHECKING:
    from tests.reliability import Demo

pytest_plugins = ["tests.reliability"]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUESTION = {"question": "Que faire ce week-end à Paris ?", "as_of": "2026-11-26"}


def wait_for(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def rag_serve(data_dir: Path, run_dir: Path, key: str, *args: str) -> Iterator[str]:
    """A real `rag serve` process (the command supervisord runs) on a free port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "API_", "LLM_"))}
    env |= {
        "RAG_DATA_DIR": str(data_dir),
        "RAG_RUN_DIR": str(run_dir),
        "REBUILD_API_KEY": key,
        "LLM_PROVIDER": "extractive",
        "EMBEDDING_PROVIDER": "local",
    }
    env.pop("FORWARDED_ALLOW_IPS", None)
    log = run_dir.parent / f"serve-{port}.log"
    command = [str(BIN / "rag"), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for("rag serve", lambda: requests.get(f"{url}/ready", timeout=5).ok, 180)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- 1 and 2: forwarded headers, wrong keys, the right key ------------------------------------


def test_forwarded_headers_are_trusted_only_from_the_configured_proxies(tmp_path: Path) -> None:
    nobody = Settings(_env_file=None, RAG_DATA_DIR=tmp_path)  # type: ignore[call-arg]
    assert uvicorn_options(nobody) | {"h11_max_incomplete_event_size": 0} == {
        "http": "rag.api.server:NoDelayH11Protocol",
        "loop": "rag.api.server:FairAcceptLoop",
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "h11_max_incomplete_event_size": 0,
    }
    proxy = Settings(_env_file=None, FORWARDED_ALLOW_IPS="10.0.0.5")  # type: ignore[call-arg]
    assert uvicorn_options(proxy)["proxy_headers"] is True
    assert uvicorn_options(proxy)["forwarded_allow_ips"] == "10.0.0.5"
    assert uvicorn_options(nobody, "192.0.2.1")["forwarded_allow_ips"] == "192.0.2.1"


@pytest.mark.slow
def test_a_spoofed_header_loop_gets_429_by_the_sixth_wrong_key_and_the_right_key_passes(
    demo: Demo, tmp_path: Path
) -> None:
    """`rag serve` plus a second worker process on the same RAG_RUN_DIR: the wrong keys,
    each with another X-Forwarded-For, alternate between them and still add up."""
    data_dir = demo.copy(tmp_path / "data")
    run_dir = tmp_path / "run"
    settings = demo.settings(data_dir, REBUILD_API_KEY=demo.rebuild_key, RAG_RUN_DIR=run_dir)
    with (
        rag_serve(data_dir, run_dir, demo.rebuild_key) as first,
        demo.serve(create_app(settings), settings) as second,
    ):
        answers = []
        for attempt in range(8):
            spoofed = {"X-Forwarded-For": f"203.0.113.{attempt}", "X-Real-IP": "198.51.100.9"}
            worker = (first, second)[attempt % 2]
            headers = spoofed | {"X-API-Key": f"guess-{attempt}"}
            answers.append(requests.post(f"{worker}/rebuild", headers=headers, timeout=30))
        assert [a.status_code for a in answers] == [401] * 5 + [429] * 3
        assert [a.headers.get("retry-after") for a in answers[5:]] == ["1", "2", "4"]
        assert not [a for a in answers if "203.0.113" in a.text or "198.51.100" in a.text]

        other = {"X-Forwarded-For": "192.0.2.44", "X-API-Key": demo.rebuild_key}
        accepted = requests.post(f"{first}/rebuild", headers=other, timeout=30)
        assert accepted.status_code == 202, accepted.text
        metrics = requests.get(f"{first}/metrics", timeout=30).text
        assert "rag_rebuild_key_failures_total 8" in metrics  # both workers' failures


def test_the_ask_rate_limit_is_one_budget_for_all_workers(demo: Demo, tmp_path: Path) -> None:
    data_dir = demo.copy(tmp_path / "data")
    shared = {"ASK_RATE_LIMIT": 4, "RAG_RUN_DIR": tmp_path / "run"}
    with (
        TestClient(create_app(demo.settings(data_dir, **shared))) as one,
        TestClient(create_app(demo.settings(data_dir, **shared))) as two,
    ):
        statuses = [(one, two)[i % 2].post("/ask", json=QUESTION).status_code for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]


# -- 4: links ---------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def ods_record(uid: str, title: str, url: str, description: str) -> dict[str, Any]:
    start = datetime(2026, 11, 28, 15, tzinfo=PARIS)
    return {
        "uid": uid,
        "title_fr": title,
        "description_fr": description,
        "canonicalurl": url,
        "firstdate_begin": start.isoformat(),
        "lastdate_end": (start + timedelta(hours=2)).isoformat(),
        "location_name": "Atelier du Marais",
        "location_city": "Paris",
        "registration": [{"type": "link", "value": "javascript:alert('booking')"}],
    }


def test_a_javascript_url_never_reaches_a_response(demo: Demo, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    records = [
        ods_record(
            "evil-1",
            "Atelier cyanotype en famille",
            "javascript:alert(document.cookie)",
            "Réservez [ici](javascript:alert(1)) ou [là](JaVaScRiPt:void(0)).",
        ),
        ods_record("safe-1", "Concert de jazz", "https://example.org/jazz", "Un trio."),
    ]
    export.write_text(json.dumps(records))
    settings = demo.settings(tmp_path / "data")
    report = ingest(settings, file_sources([export]))
    assert report.links_dropped == {"url": 1, "registration": 2}
    build_index(settings, load_events(settings), create_embedder(settings))
    question = {"question": "Un atelier cyanotype à Paris ce week-end ?", "as_of": "2026-11-26"}
    with TestClient(create_app(settings)) as client:
        answer = client.post("/ask", json=question)
        stream = client.post("/ask/stream", json=question)
        event = client.get("/events/evil-1")
        bodies = [answer, stream, event, client.get("/events/safe-1")]
        assert [b.status_code for b in bodies] == [200, 200, 200, 200]
    assert "evil-1" in [source["uid"] for source in answer.json()["sources"]]
    assert event.json()["url"] is None and "Réservez ici ou là." in event.json()["description"]
    assert "https://example.org/jazz" in bodies[-1].text  # web links stay
    for body in bodies:
        assert "javascript" not in body.text.lower()


# -- 6: no server path in what unauthenticated callers read -----------------------------------


def damage(kind: str, data_dir: Path) -> None:
    root = data_dir / "indexes"
    version = root / (root / "CURRENT").read_text().strip()
    if kind == "truncated vectors":
        with (version / "vectors.npy").open("r+b") as handle:
            handle.truncate(100)
    elif kind == "garbage store, same size":
        path = version / STORE
        path.write_bytes(b"\xff" * path.stat().st_size)
    elif kind == "garbage manifest":
        (version / "manifest.json").write_bytes(b"\x00{not json")
    elif kind == "missing version":
        shutil.rmtree(version)


@pytest.mark.parametrize(
    "kind",
    ["truncated vectors", "garbage store, same size", "garbage manifest", "missing version"],
)
def test_no_response_body_holds_the_data_directory(demo: Demo, tmp_path: Path, kind: str) -> None:
    data_dir = demo.copy(tmp_path / "data")
    damage(kind, data_dir)
    paths = {str(data_dir), str(data_dir.resolve()), str(tmp_path)}
    with TestClient(create_app(demo.settings(data_dir)), raise_server_exceptions=False) as client:
        ready = client.get("/ready")
        bodies = [
            ready,
            client.post("/ask", json=QUESTION),
            client.post("/ask/stream", json=QUESTION),
            client.get("/events/anything"),
            client.get("/metrics"),
            client.get("/health"),
        ]
    assert [b.status_code for b in bodies[:3]] == [503, 503, 503]
    assert "rag build" in ready.json()["reason"]  # what is wrong and what to run
    for body in bodies:
        assert not [p for p in paths if p in body.text], (body.url, body.text[:300])


# -- 8: headers, redirects, aborted streams on a real server ----------------------------------


def raw_http(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def server(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = demo.copy(tmp_path_factory.mktemp("hardening") / "data")
    settings = demo.settings(data_dir)
    with demo.serve(create_app(settings), settings) as url:
        yield url


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def test_100_kb_of_headers_get_431(server: str) -> None:
    big = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    response = raw_http(server, big)
    assert status_of(response) == 431, response[:300]
    assert b"API_MAX_HEADER_BYTES" in response
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 900) for i in range(100))
    assert (
        status_of(raw_http(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")) == 431
    )
    assert requests.get(f"{server}/health", timeout=10).status_code == 200


def test_a_trailing_slash_is_not_redirected_to_the_callers_host(server: str) -> None:
    for path in (b"/health/", b"/ready/", b"/metrics/"):
        request = b"GET " + path + b" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        response = raw_http(server, request)
        head = response.split(b"\r\n\r\n", 1)[0].lower()
        assert status_of(response) == 404 and b"evil.example" not in head
        assert b"location" not in head


@pytest.mark.slow
def test_an_aborted_stream_is_counted_as_aborted(demo: Demo, tmp_path: Path) -> None:
    data_dir = demo.copy(tmp_path / "data")
    with FakeLLM() as llm:
        llm.script(sleep(3))
        settings = demo.settings(
            data_dir,
            LLM_PROVIDER="mistral",
            MISTRAL_API_KEY="test-key",
            MISTRAL_SERVER_URL=llm.url,
            LLM_TIMEOUT=20,
        )
        with demo.serve(create_app(settings), settings) as url:
            body = json.dumps(QUESTION).encode()
            host, port = url.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port)), timeout=30) as sock:
                sock.sendall(
                    b"POST /ask/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                received = b""
                while b"event: sources" not in received:
                    received += sock.recv(65536)
            # the client is gone while the answer is still being written

            def counted() -> bool:
                metrics = requests.get(f"{url}/metrics", timeout=10).text
                return 'route="/ask/stream",status="aborted"} 1' in metrics

            wait_for("the aborted stream in /metrics", counted, 60)
            metrics = requests.get(f"{url}/metrics", timeout=10).text
            assert 'route="/ask/stream",status="200"' not in metrics


def test_no_error_echoes_what_the_client_sent(demo: Demo, tmp_path: Path) -> None:
    marker = "zq-echo-7731"
    settings = demo.settings(demo.copy(tmp_path / "data"), REBUILD_API_KEY=demo.rebuild_key)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        spoof = {"X-Forwarded-For": marker, "X-API-Key": marker}
        bodies = [
            client.get(f"/events/{marker}"),
            client.get(f"/rebuild/{marker}"),
            client.post("/ask", content=b"{}", headers={"Content-Type": f"text/{marker}"}),
            *[client.post("/rebuild", headers=spoof) for _ in range(7)],
        ]
    assert {b.status_code for b in bodies} == {404, 415, 401, 429}
    assert not [b for b in bodies if marker in b.text or marker in str(b.headers)]
