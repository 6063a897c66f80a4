"""A local OpenAgenda API v2 serving the shared ODS records converted to v2 events.

`GET /v2/agendas/{uid}/events` checks the `key` header (401 without, 403 with a wrong
one), pages by `size` (≤ 300) with an `after[]` cursor, and applies `relative[]`
(passed/current/upcoming against a fixed "now") and `timings[gte]`/`timings[lte]`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from tests.fakes import JsonService, Reply

API_KEY = "test-key-0123456789"


def to_openagenda_event(record: dict[str, Any]) -> dict[str, Any]:
    """An ODS record in the v2 `detailed=1&monolingual=fr` shape."""
    timings = json.loads(record["timings"]) if record.get("timings") else []
    coordinates = record.get("location_coordinates") or {  # nested, or flattened columns
        "lat": record.get("location_coordinates.lat"),
        "lon": record.get("location_coordinates.lon"),
    }
    image = record.get("image")
    base, _, filename = image.rpartition("/") if image else ("", "", "")
    return {
        "uid": int(record["uid"]),
        "slug": record.get("slug"),
        "title": record.get("title_fr"),
        "description": record.get("description_fr"),
        "longDescription": record.get("longdescription_fr"),
        "conditions": record.get("conditions_fr"),
        "keywords": record.get("keywords_fr") or [],
        "image": {"base": base + "/", "filename": filename} if image else None,
        "updatedAt": record.get("updatedat"),
        "dateRange": record.get("daterange_fr"),
        "timings": timings,
        "firstTiming": timings[0] if timings else None,
        "lastTiming": timings[-1] if timings else None,
        "location": {
            "uid": int(record["location_uid"]) if record.get("location_uid") else None,
            "name": record.get("location_name"),
            "address": record.get("location_address"),
            "city": record.get("location_city"),
            "postalCode": record.get("location_postalcode"),
            "department": record.get("location_department"),
            "region": record.get("location_region"),
            "countryCode": record.get("location_countrycode"),
            "latitude": coordinates.get("lat"),
            "longitude": coordinates.get("lon"),
        },
        "age": {"min": record.get("age_min"), "max": record.get("age_max")},
        "registration": json.loads(record["registration"]) if record.get("registration") else [],
        "status": json.loads(record["status"])["id"],
        "attendanceMode": json.loads(record["attendancemode"])["id"],
        "originAgenda": {
            "uid": int(record["originagenda_uid"]),
            "title": record.get("originagenda_title"),
        },
    }


class OpenAgendaServer(JsonService):
    def __init__(self, records: list[dict[str, Any]], now: datetime):
        super().__init__()
        self.now = now
        self.agendas: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            if record.get("originagenda_uid"):
                self.agendas[record["originagenda_uid"]].append(to_openagenda_event(record))

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if "key" not in headers:
            return Reply(401, {"message": "missing key"})
        if headers["key"] != API_KEY:
            return Reply(403, {"message": "invalid key"})
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v2", "agendas"] or parts[3] != "events":
            return Reply(404, {"message": "not found"})
        if parts[2] not in self.agendas:
            return Reply(404, {"message": f"agenda {parts[2]} not found"})
        size = int(query.get("size", ["20"])[0])
        if size > 300:
            return Reply(400, {"message": "size must be <= 300"})
        events = [e for e in self.agendas[parts[2]] if self._matches(e, query)]
        offset = int(query["after[]"][0]) if "after[]" in query else 0
        page = events[offset : offset + size]
        more = offset + size < len(events)
        after = [str(offset + size), str(page[-1]["uid"])] if more and page else None
        return Reply(body={"total": len(events), "events": page, "after": after})

    def _matches(self, event: dict[str, Any], query: dict[str, list[str]]) -> bool:
        spans = [
            (datetime.fromisoformat(t["begin"]), datetime.fromisoformat(t["end"]))
            for t in event["timings"]
        ]
        relative = set(query.get("relative[]", []))
        if relative:
            kinds = {
                "passed" if end < self.now else "upcoming" if begin > self.now else "current"
                for begin, end in spans
            }
            if not kinds & relative:
                return False
        gte = query.get("timings[gte]")
        lte = query.get("timings[lte]")
        low = date.fromisoformat(gte[0]) if gte else date.min
        high = date.fromisoformat(lte[0]) if lte else date.max
        return any(begin.date() <= high and end.date() >= low for begin, end in spans)
