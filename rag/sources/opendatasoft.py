"""The Opendatasoft Explore API v2.1 copy of OpenAgenda (`evenements-publics-openagenda`).

Needs no key. `/records` pages by 100 and refuses offset + limit beyond 10,000, so a
larger selection needs the `/exports/json` endpoint (one streamed array) or a narrower
`where`; `notes` says so when the ceiling cut a run short.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.config import Settings
from rag.http import HttpClient
from rag.models import ProgressFn, no_progress
from rag.sources import RawBatch, SourceError

PAGE_SIZE = 100
EXPORT_BATCH = 1000
RECORDS_CEILING = 10_000
AUTH_HINT = "this Opendatasoft dataset needs an account: check OPENDATASOFT_BASE_URL"


@dataclass(slots=True)
class OpendatasoftSource:
    """`where` is ODSQL (e.g. `location_city = "Paris"`), `refine` items are `facet:value`."""

    client: HttpClient
    base_url: str = "https://public.opendatasoft.com"
    dataset: str = "evenements-publics-openagenda"
    where: str | None = None
    refine: Sequence[str] = ()
    limit: int | None = None
    export: bool = False
    name: str = "opendatasoft"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        client: HttpClient,
        where: str | None = None,
        refine: Sequence[str] = (),
        limit: int | None = None,
        export: bool = False,
    ) -> OpendatasoftSource:
        """Settings give the portal, dataset and default `where`; arguments override."""
        return cls(
            client,
            base_url=settings.opendatasoft_base_url,
            dataset=settings.opendatasoft_dataset,
            where=where or settings.opendatasoft_where,
            refine=refine,
            limit=limit,
            export=export,
        )

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        return self._export(progress) if self.export else self._records(progress)

    @property
    def _dataset_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/api/explore/v2.1/catalog/datasets/{self.dataset}"

    def _filters(self) -> dict[str, str | list[str]]:
        params: dict[str, str | list[str]] = {}
        if self.where:
            params["where"] = self.where
        if self.refine:
            params["refine"] = list(self.refine)
        return params

    def _export(self, progress: ProgressFn) -> Iterator[RawBatch]:
        """The export streamed: batches of EXPORT_BATCH records while it downloads, so the
        whole dataset (~913,000 events, gigabytes of JSON) never sits in memory."""
        params = self._filters()
        if self.limit is not None:
            params["limit"] = str(self.limit)
        url = f"{self._dataset_url}/exports/json"
        total = self.limit or 0  # the export does not say its size up front
        progress("opendatasoft export", 0, total)
        batch: list[Any] = []
        count = 0
        for record in self.client.iter_json_array(url, params, auth_hint=AUTH_HINT):
            batch.append(record)
            if len(batch) >= EXPORT_BATCH:
                count += len(batch)
                progress("opendatasoft export", count, max(total, count))
                yield RawBatch("ods", batch)
                batch = []
        count += len(batch)
        progress("opendatasoft export", count, max(total, count))
        if batch:
            yield RawBatch("ods", batch)

    def _records(self, progress: ProgressFn) -> Iterator[RawBatch]:
        wanted = min(self.limit, RECORDS_CEILING) if self.limit is not None else RECORDS_CEILING
        offset, total = 0, wanted
        while offset < total:
            size = min(PAGE_SIZE, total - offset)
            params = {**self._filters(), "limit": str(size), "offset": str(offset)}
            page = self.client.get_json(f"{self._dataset_url}/records", params, auth_hint=AUTH_HINT)
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(results, list):
                raise SourceError(f"{self._dataset_url}/records answered without `results`")
            count = page.get("total_count")
            if isinstance(count, int):
                total = min(count, wanted)
                if offset == 0 and count > RECORDS_CEILING and wanted == RECORDS_CEILING:
                    self.notes.append(
                        f"opendatasoft: {count:,} records match but /records stops at "
                        f"{RECORDS_CEILING:,}; use --export or a narrower --where for the rest"
                    )
            offset += len(results)
            progress("opendatasoft", min(offset, total), total)
            yield RawBatch("ods", results)
            if len(results) < size:
                break
