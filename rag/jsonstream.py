"""JSON read while it arrives, for event files and HTTP exports alike (ijson events).

Values are built from the parser's events one at a time, without recursion and at most
MAX_DEPTH levels deep: a gigabyte export holds one record in memory, and a hostile,
deeply nested document is an error instead of a stack overflow. Callers say where the
JSON came from in their own error (`SourceError` for a file, `HttpError` for a download).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import IO, Any

import ijson

# Real records are a few kB and nest 4 levels deep: far beyond either, it is not events.
MAX_DEPTH = 64

Events = Iterator[tuple[str, Any]]
JSONError = ijson.JSONError
"""What the parser raises on malformed or truncated JSON."""


class JsonStreamError(ValueError):
    """The JSON is not what was expected; the message says what, the caller says where."""


def parse(stream: Any) -> Events:
    """The parser's events over `stream` (anything with `read(size) -> bytes`)."""
    return ijson.basic_parse(stream, use_float=True)


def items(events: Events, depth: int) -> Iterator[Any]:
    """The values of the array just opened (at `depth` levels), up to its end."""
    for event, value in events:
        if event == "end_array":
            return
        yield build(events, event, value, depth)


def build(events: Events, event: str, value: Any, depth: int) -> Any:
    """The JSON value that starts with (`event`, `value`), built from the events that follow."""
    if event not in ("start_map", "start_array"):
        return value
    root: Any = {} if event == "start_map" else []
    stack = [root]
    key = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            if not stack:
                return root
            continue
        item = {} if event == "start_map" else [] if event == "start_array" else value
        parent = stack[-1]
        if isinstance(parent, list):
            parent.append(item)
        else:
            parent[key] = item
        if event in ("start_map", "start_array"):
            stack.append(item)
            if depth + len(stack) > MAX_DEPTH:
                raise JsonStreamError(f"JSON nested deeper than {MAX_DEPTH} levels")
    raise JsonStreamError("invalid JSON (it ends inside a value)")


def first_line(exc: Exception) -> str:
    """The parser's message without the excerpt it draws under it."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def array_items(chunks: Iterable[bytes]) -> Iterator[Any]:
    """The items of a JSON array arriving as UTF-8 byte chunks (bad bytes replaced), each
    yielded as soon as it is complete; JsonStreamError when it is not an array or is cut."""
    events = parse(_Chunks(chunks))
    try:
        first = next(events, None)
    except JSONError:
        first = None
    if first is None or first[0] != "start_array":
        raise JsonStreamError("did not return a JSON array")
    try:
        yield from items(events, 1)
    except JSONError as exc:
        raise JsonStreamError(
            f"ended inside its JSON array (the download was cut: {first_line(exc)})"
        ) from exc


class Utf8:
    """Decoded text (whatever the file's encoding) read back as UTF-8 bytes for the parser."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        return self._handle.read(size).encode("utf-8")


class _Chunks:
    """Byte chunks as a stream for the parser, one chunk a read, invalid UTF-8 replaced."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson's probe for bytes or text
            return b""
        for chunk in self._chunks:
            text = self._text.decode(chunk)
            if text:
                return text.encode("utf-8")
        return self._text.decode(b"", final=True).encode("utf-8")
