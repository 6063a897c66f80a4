"""The OpenAgenda API v2: the freshest events, straight from the agendas that publish them.

`GET /v2/agendas/{uid}/events` with the `key` header; pages of up to 300 events chained
by the `after` cursor the previous page returns. By default only current and upcoming
events are asked for (`relative[]`), optionally within `timings[gte]`/`timings[lte]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from rag.config import Settings
from rag.http import HttpClient
from rag.models import ProgressFn, no_progress
from rag.sources import RawBatch, SourceError

PAGE_SIZE = 300
AUTH_HINT = "OpenAgenda rejected the key: check OPENAGENDA_API_KEY"
Relative = Sequence[str]  # "passed", "current", "upcoming"


@dataclass(slots=True)
class OpenAgendaSource:
    """One agenda; ingest several agendas with one source each (see `from_settings`)."""

    client: HttpClient
    api_key: str
    agenda_uid: str
    base_url: str = "https://api.openagenda.com"
    relative: Relative = ("current", "upcoming")
    since: date | None = None
    until: date | None = None
    page_size: int = PAGE_SIZE
    name: str = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = f"openagenda-{self.agenda_uid}"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        client: HttpClient,
        agendas: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> list[OpenAgendaSource]:
        """A source per agenda (`agendas`, else OPENAGENDA_AGENDAS); needs the API key."""
        if settings.openagenda_api_key is None:
            raise SourceError(
                "OpenAgenda needs an API key: set OPENAGENDA_API_KEY (free, from your "
                "openagenda.com account settings)"
            )
        uids = list(agendas) or settings.openagenda_agendas
        if not uids:
            raise SourceError(
                "no OpenAgenda agenda given: pass --openagenda AGENDA_UID or set OPENAGENDA_AGENDAS"
            )
        key = settings.openagenda_api_key.get_secret_value()
        return [
            cls(client, key, uid, settings.openagenda_base_url, since=since, until=until)
            for uid in uids
        ]

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        url = f"{self.base_url.rstrip('/')}/v2/agendas/{self.agenda_uid}/events"
        after: list[str] = []
        fetched = 0
        while True:
            page = self.client.get_json(
                url, self._params(after), headers={"key": self.api_key}, auth_hint=AUTH_HINT
            )
            events = page.get("events") if isinstance(page, dict) else None
            if not isinstance(events, list):
                raise SourceError(f"{url} answered without an `events` list")
            fetched += len(events)
            total = page.get("total")
            progress(self.name, fetched, total if isinstance(total, int) else fetched)
            yield RawBatch("openagenda", events, agenda_uid=self.agenda_uid)
            cursor = page.get("after")
            if not events or not cursor:
                return
            after = [str(v) for v in cursor] if isinstance(cursor, list) else [str(cursor)]

    def _params(self, after: list[str]) -> dict[str, str | list[str]]:
        params: dict[str, str | list[str]] = {
            "detailed": "1",
            "monolingual": "fr",
            "size": str(self.page_size),
        }
        if self.relative:
            params["relative[]"] = list(self.relative)
        if self.since:
            params["timings[gte]"] = self.since.isoformat()
        if self.until:
            params["timings[lte]"] = self.until.isoformat()
        if after:
            params["after[]"] = after
        return params
