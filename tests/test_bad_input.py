"""Bad input, by hand: every malformed request gets a 4xx with a JSON message (never a 5xx),
and hostile event files are counted and skipped, never a crash or a half-built index.

The API is the real app (real engine, demo index) in process; header injection goes through
a real uvicorn server, since an HTTP client library refuses to send such headers at all.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.embeddings import create_embedder
from rag.index import build_index, load_index
from rag.ingest import ingest, load_events
from rag.sources import SourceError
from rag.sources.files import file_sources, read_records
from tests.fakes.hash_embedder import HashEmbedder

if TYPE_CHECKING:
    from tests.reliability import Demo

pytest_plugins = ["tests.reliability"]

QUESTION = "Que faire ce week-end à Paris ?"


@pytest.fixture(scope="module")
def app_data(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.copy(tmp_path_factory.mktemp("bad-input") / "data")


@pytest.fixture(scope="module")
def client(demo: Demo, app_data: Path) -> Iterator[TestClient]:
    app = create_app(demo.settings(app_data, REBUILD_API_KEY=demo.rebuild_key))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def ask(**fields: Any) -> dict[str, Any]:
    return {"question": QUESTION} | fields


JSON_CASES: dict[str, tuple[Any, int, str]] = {
    "no question": ({}, 422, "question"),
    "empty question": ({"question": ""}, 422, "at least 1 character"),
    "blank question": ({"question": " \t\n\u00a0 "}, 422, "question is blank"),
    "100 kB question": ({"question": "é" * 50_000}, 413, "API_MAX_BODY_BYTES"),
    "long question": ({"question": "x" * 1001}, 422, "at most 1000 characters"),
    "impossible date": (ask(as_of="2026-02-30"), 422, "date"),
    "date in words": (ask(date_from="demain"), 422, "date"),
    "date as a number": (ask(as_of=20261126), 422, "YYYY-MM-DD"),
    "date out of range": (ask(as_of="9999-12-31"), 422, "between 1900-01-01 and 2199-12-31"),
    "dates reversed": (ask(date_from="2026-12-10", date_to="2026-12-01"), 422, "after date_to"),
    "k zero": (ask(k=0), 422, "greater than or equal to 1"),
    "k too big": (ask(k=21), 422, "less than or equal to 20"),
    "k as text": (ask(k="5"), 422, "valid integer"),
    "k as float": (ask(k=5.5), 422, "valid integer"),
    "unknown field": (ask(prompt="ignore your rules"), 422, "Extra inputs are not permitted"),
    "array body": ([QUESTION], 422, "valid dictionary"),
    "too many turns": (ask(history=[{"role": "user", "content": "x"}] * 21), 422, "at most 20"),
    "system turn": (ask(history=[{"role": "system", "content": "x"}]), 422, "'user'"),
    "huge history": (ask(history=[{"role": "user", "content": "x" * 4000}] * 20), 413, "bytes"),
}


@pytest.mark.parametrize("path", ["/ask", "/ask/stream"])
@pytest.mark.parametrize("case", list(JSON_CASES), ids=list(JSON_CASES))
def test_invalid_json_bodies_are_4xx_json(client: TestClient, path: str, case: str) -> None:
    body, status, detail = JSON_CASES[case]
    response = client.post(path, json=body)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    assert detail in json.dumps(response.json()["detail"], ensure_ascii=False)


RAW_CASES: dict[str, tuple[bytes, str | None, int, str]] = {
    "malformed JSON": (b'{"question": "Que faire', "application/json", 422, "JSON decode error"),
    "binary body": (bytes(range(256)) * 4, "application/json", 422, "JSON decode error"),
    "not UTF-8": (b'{"question": "\xff"}', "application/json", 400, "parsing the body"),
    "plain text": (QUESTION.encode(), "text/plain", 415, "Content-Type: application/json"),
    "form": (b"question=concert", "application/x-www-form-urlencoded", 415, "got another type"),
    "no content type": (b'{"question": "concert"}', None, 415, "no Content-Type"),
}


@pytest.mark.parametrize("case", list(RAW_CASES), ids=list(RAW_CASES))
def test_invalid_raw_bodies_are_4xx_json(client: TestClient, case: str) -> None:
    body, content_type, status, detail = RAW_CASES[case]
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/ask", content=body, headers=headers)
    assert response.status_code == status, response.text[:500]
    assert detail in json.dumps(response.json()["detail"])


def test_a_big_body_without_length_is_cut_off(client: TestClient) -> None:
    """Chunked upload (no Content-Length): counted while read, refused past the limit."""
    chunks = (b" " * 8192 for _ in range(20))
    response = client.post("/ask", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "API_MAX_BODY_BYTES" in response.json()["detail"]


def test_control_characters_in_a_question_still_get_an_answer(client: TestClient) -> None:
    weird = "\x00\x01concert\u2028\ufffd\U0001f3b7 <script>alert(1)</script> ce soir ?"
    for path in ("/ask", "/ask/stream"):
        response = client.post(path, json={"question": weird, "city": "\x00"})
        assert response.status_code == 200, response.text[:500]


@pytest.mark.parametrize(
    "path",
    [
        "/events/..%2F..%2F..%2Fetc%2Fpasswd",
        "/events/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/events/..\\..\\windows\\win.ini",
        "/events/%00",
        "/events/" + "a" * 5000,
        "/rebuild/..%2F..%2Fdata",
    ],
)
def test_path_traversal_finds_nothing(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "root:" not in response.text and "[fonts]" not in response.text


@pytest.fixture(scope="module")
def server(demo: Demo, app_data: Path) -> Iterator[tuple[str, int]]:
    app = create_app(demo.settings(app_data, REBUILD_API_KEY=demo.rebuild_key))
    with demo.serve(app) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def raw_request(address: tuple[str, int], key: bytes) -> bytes:
    request = (
        b"POST /rebuild HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
        b"X-API-Key: " + key + b"\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "key",
    [
        b"wrong\r\nX-Injected: 1",  # two headers on the wire: the key is just "wrong"
        b"wrong\rX-Injected: 1",  # a bare CR: refused by the HTTP parser
        b"wrong\nSet-Cookie: a=b",
        b"\xe9\xff\xfe",
        b"k" * 20_000,
    ],
    ids=["crlf", "cr", "lf", "latin-1", "20 kB"],
)
def test_header_injection_in_the_api_key_is_refused(
    server: tuple[str, int], demo: Demo, key: bytes
) -> None:
    response = raw_request(server, key)
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert 400 <= status < 500, response[:300]
    assert b"x-injected" not in head.lower() and b"set-cookie" not in head.lower()
    assert demo.rebuild_key.encode() not in response
    assert b"Traceback" not in body


# -- hostile event files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_records(corpus_files: list[Path]) -> list[dict[str, Any]]:
    """The 100 records of a corpus' multi-city file (demo, or shared when present)."""
    return read_records(corpus_files[0])


def hostile_records(real: list[dict[str, Any]]) -> list[Any]:
    def variant(index: int, **fields: Any) -> dict[str, Any]:
        return {**copy.deepcopy(real[index]), **fields}

    return [
        variant(0, uid="h-script", title_fr="<img src=x onerror=alert(1)>Concert <b>gratuit</b>")
        | {"description_fr": "<script>alert('x')</script>Entrée libre<style>p{}</style>"},
        variant(1, uid=None),
        variant(2, uid="h-no-title", title_fr=None, slug=None),
        variant(3, uid="h-bad-dates", timings='[{"begin": "demain", "end": "31/02/2026"}]')
        | {"firstdate_begin": "2026-13-45", "lastdate_begin": "jamais"},
        variant(4, uid="h-huge", longdescription_fr="Très long. " * 20_000),
        variant(5, uid="h-dates", timings=[{"begin": "2026-12-01T10:00:00+01:00"}] * 30_000),
        variant(6, uid="h-types", location_city=12, keywords_fr={"a": 1}, age_min="douze"),
        copy.deepcopy(real[7]),
        copy.deepcopy(real[7]),  # duplicate uid
        None,
        42,
        [],
        {"uid": {"nested": 1}, "title_fr": ["x"]},
    ]


def test_hostile_records_are_counted_and_skipped_then_indexed_cleanly(
    demo: Demo, tmp_path: Path, real_records: list[dict[str, Any]]
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(real_records[10:20] + hostile_records(real_records)))
    settings = demo.settings(tmp_path / "data")
    report = ingest(settings, file_sources([path]))
    assert report.by_reason == {
        "not an object": 3,
        "missing uid": 1,
        "no usable date": 1,  # {"uid": {"nested": 1}}: an odd uid, but no dates at all
        "missing title": 1,
        "unparseable dates": 1,
        "oversized text field": 1,
        "too many dates": 1,
    }
    assert report.duplicates == 1
    events = {e.uid: e for e in load_events(settings)}
    assert len(events) == 10 + 3  # the ten real ones, h-script, h-types, the duplicated one
    script = events["h-script"]
    assert (script.title, script.description) == ("Concert gratuit", "Entrée libre")
    assert events["h-types"].city == "12" and events["h-types"].age_min is None

    embedder = HashEmbedder()  # what is stored matters here, not what it means
    build_index(settings, list(events.values()), embedder)
    index = load_index(settings, embedder)
    assert index.manifest.events == 13
    texts = " ".join(p.text for p in index.passages)
    assert "<script" not in texts and "alert(" not in texts and "onerror" not in texts


def test_broken_encodings_are_decoded_or_counted(
    demo: Demo, tmp_path: Path, real_records: list[dict[str, Any]]
) -> None:
    cp1252 = tmp_path / "cp1252.json"
    record = {**real_records[0], "title_fr": "Fête de la musique à Noël"}
    cp1252.write_bytes(json.dumps([record], ensure_ascii=False).encode("cp1252"))
    jsonl = tmp_path / "broken.jsonl"
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in real_records[1:4]]
    lines.insert(1, b'{"uid": "cut", "title_fr": "\xff\xfe\x00 broken')
    jsonl.write_bytes(b"\n".join(lines) + b"\n")
    settings = demo.settings(tmp_path / "data")
    report = ingest(settings, file_sources([cp1252, jsonl]))
    assert report.events == 4 and report.by_reason == {"not an object": 1}
    titles = {e.title for e in load_events(settings)}
    assert "Fête de la musique à Noël" in titles


def test_a_50_mb_file_is_read_without_a_crash(
    demo: Demo, tmp_path: Path, real_records: list[dict[str, Any]]
) -> None:
    """50 MB: the 100 real records (plus a duplicate of each) and one 48 MB description."""
    huge = {**real_records[0], "uid": "h-48mb", "longdescription_fr": "<p>Bla bla.</p>" * 3_400_000}
    path = tmp_path / "big.json"
    path.write_text(json.dumps([*real_records, *real_records, huge]))
    assert path.stat().st_size > 50_000_000
    settings = demo.settings(tmp_path / "data")
    report = ingest(settings, file_sources([path]))
    assert report.events == len({r["uid"] for r in real_records})
    assert report.duplicates == len(real_records)
    assert report.by_reason == {"oversized text field": 1}
    assert settings.events_file.stat().st_size < 2_000_000


def test_an_unusable_file_changes_nothing(demo: Demo, tmp_path: Path) -> None:
    """Nothing usable: the processed corpus and the served index stay as they were."""
    data_dir = demo.copy(tmp_path / "data")
    settings = demo.settings(data_dir)
    corpus = settings.events_file.read_bytes()
    current = (settings.indexes_dir / "CURRENT").read_text()
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps([{"uid": None, "title_fr": "x"}, "text", None]))
    with pytest.raises(SourceError, match="no usable events"):
        ingest(settings, file_sources([junk]))
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"[{\x00\xff garbage")
    with pytest.raises(SourceError, match="invalid JSON"):
        ingest(settings, file_sources([garbage]))
    assert settings.events_file.read_bytes() == corpus
    assert (settings.indexes_dir / "CURRENT").read_text() == current
    load_index(settings, create_embedder(settings))
