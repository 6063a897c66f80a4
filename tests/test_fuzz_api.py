"""Property-based fuzzing of every route from the API's own OpenAPI schema (schemathesis).

The app is the real one (real engine, real index, called in process through ASGI);
schemathesis sends valid and invalid requests and checks that none gets a 5xx and that
every response matches the status codes, content types, headers and bodies the schema
documents.

CI runs FUZZ_EXAMPLES=40 examples per operation (a few hundred requests in all); the long
variant is `FUZZ_EXAMPLES=2000 uv run pytest tests/test_fuzz_api.py` (docs/reliability.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rag.api import create_app
from rag.config import Settings

if TYPE_CHECKING:
    from tests.reliability import Demo

pytest_plugins = ["tests.reliability"]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


def rejects_invalid_data(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """Invalid requests get a 4xx; 413 (body over API_MAX_BODY_BYTES) is a rejection too."""
    if response.status_code == 413:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    rejects_invalid_data,
]
# The schema is the app's own, read without starting it (no model, no index at collection).
SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(_env_file=None)).openapi())  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def client(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ASGIClient]:
    """The real app on a copy of the demo index, started once for every case."""
    data_dir = demo.copy(tmp_path_factory.mktemp("fuzz") / "data")
    app = create_app(demo.settings(data_dir, REBUILD_API_KEY=demo.rebuild_key))
    with get_client(app) as client:
        yield client


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_and_responses_match_the_schema(
    case: schemathesis.Case, client: ASGIClient
) -> None:
    case.call_and_validate(session=client, base_url=client.base_url, checks=CHECKS)
