"""The Opendatasoft export read while it downloads: items decoded one at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from rag.http import HttpClient, HttpError, json_array_items
from rag.sources.opendatasoft import EXPORT_BATCH, OpendatasoftSource
from tests.fakes.opendatasoft_server import OpendatasoftServer

ITEMS = [
    {"uid": "1", "title": 'Concert [jazz], "live"', "n": 12.5e3, "tags": ["a", "b"]},
    {"uid": "2", "title": "Café-théâtre — « Molière »", "nested": {"x": [1, {"y": None}]}},
    {"uid": "3", "title": "", "flag": True, "count": 1234567},
]


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100_000])
def test_items_survive_any_chunking(size: int) -> None:
    data = json.dumps(ITEMS, ensure_ascii=False, indent=1).encode()
    assert list(json_array_items(_chunks(data, size), "test")) == ITEMS
    assert list(json_array_items([b" [ ] "], "test")) == []
    assert list(json_array_items(_chunks(b"[1, 22,333]", size), "test")) == [1, 22, 333]


def test_items_come_before_the_download_ends() -> None:
    data = json.dumps(ITEMS).encode()
    read: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i, chunk in enumerate(_chunks(data, 40)):
            read.append(i)
            yield chunk

    items = json_array_items(chunks(), "test")
    assert next(items) == ITEMS[0]
    assert len(read) < len(_chunks(data, 40)) - 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": "nope"}', "did not return a JSON array"),
        (b"", "did not return a JSON array"),
        (b'[{"uid": "1"}, {"uid": "2", "tit', "ended inside its JSON array"),
        (b'[{"uid": "1"}', "ended inside its JSON array"),
    ],
)
def test_broken_bodies_are_clear_errors(body: bytes, message: str) -> None:
    with pytest.raises(HttpError, match=message):
        list(json_array_items(_chunks(body, 5), "https://example.org/export"))


def test_the_export_arrives_in_batches() -> None:
    records = [{"uid": str(i), "title_fr": f"Événement {i}"} for i in range(2 * EXPORT_BATCH + 7)]
    with OpendatasoftServer(records) as ods:
        source = OpendatasoftSource(HttpClient(timeout=5, retries=0), base_url=ods.url, export=True)
        batches = [batch.records for batch in source.fetch()]
    assert [len(b) for b in batches] == [EXPORT_BATCH, EXPORT_BATCH, 7]
    assert [r for b in batches for r in b] == records
