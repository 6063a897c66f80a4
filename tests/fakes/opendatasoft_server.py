"""A local Opendatasoft Explore API v2.1 serving records from the shared files.

`/catalog/datasets/{id}/records` pages with `limit` (≤ 100) and `offset`, and refuses
offset + limit > 10,000 with the real error code; `/exports/json` returns the whole
selection. `where` understands the `field = "value"` ODSQL comparisons tests use, and
`refine=facet:value` filters by exact value, so a lost filter changes the results.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import JsonService, Reply

PREFIX = "/api/explore/v2.1/catalog/datasets/"
_COMPARISON = re.compile(r'^\s*(\w+)\s*=\s*"([^"]*)"\s*$')


class OpendatasoftServer(JsonService):
    def __init__(
        self, records: list[dict[str, Any]], dataset: str = "evenements-publics-openagenda"
    ):
        super().__init__()
        self.records = records
        self.dataset = dataset

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if not path.startswith(f"{PREFIX}{self.dataset}/"):
            return Reply(404, {"error_code": "DatasetNotFound", "message": path})
        try:
            selected = self._select(query)
        except ValueError as exc:
            return Reply(400, {"error_code": "ODSQLError", "message": str(exc)})
        endpoint = path.rsplit("/", 2)[-2:]
        if endpoint == ["exports", "json"]:
            limit = int(query.get("limit", ["-1"])[0])
            return Reply(body=selected if limit < 0 else selected[:limit])
        if endpoint[-1] == "records":
            limit = int(query.get("limit", ["10"])[0])
            offset = int(query.get("offset", ["0"])[0])
            if limit > 100:
                return Reply(400, _invalid(f"Invalid value for limit API parameter: {limit}"))
            if offset + limit > 10_000:
                return Reply(
                    400,
                    _invalid(
                        "Invalid value for sum of offset + limit API parameter: "
                        f"{offset + limit} was found but <= 10000 is expected."
                    ),
                )
            return Reply(
                body={"total_count": len(selected), "results": selected[offset : offset + limit]}
            )
        return Reply(404, {"error_code": "NotFound", "message": path})

    def _select(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        selected = self.records
        for where in query.get("where", []):
            match = _COMPARISON.match(where)
            if not match:
                raise ValueError(f'the fake only understands field = "value", not {where!r}')
            name, value = match.groups()
            selected = [r for r in selected if str(r.get(name)) == value]
        for refine in query.get("refine", []):
            name, _, value = refine.partition(":")
            selected = [r for r in selected if str(r.get(name)) == value]
        return selected


def _invalid(message: str) -> dict[str, str]:
    return {"error_code": "InvalidRESTParameterError", "message": message}
