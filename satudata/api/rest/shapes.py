"""The shapes answers share: pages with their links, datasets, versions, resources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from satudata.api.rest.base import MAX_PAGE
from satudata.catalog.models import (
    Dataset,
    DatasetVersion,
)

# --- shapes -----------------------------------------------------------------------------------


class Page(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


def page_links(request: HttpRequest, count: int, limit: int, offset: int) -> dict[str, Any]:
    def link(new_offset: int) -> str:
        params = request.GET.copy()
        params["offset"] = str(new_offset)
        params["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
    }


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE, description="Items per page (at most 1000).")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


class AgencyRef(Schema):
    name: str
    title: str


class DatasetOut(Schema):
    id: str
    name: str
    title: str
    description: str
    agency: AgencyRef
    sector: str
    topics: list[str]
    tags: list[str]
    license_id: str
    year: int
    frequency: str
    level: str
    version: int | None
    published_at: datetime | None
    # When the first version was released, and when the dataset last changed as the caller
    # sees it (the newest release it may see, or a later edit of its description).
    issued_at: datetime | None
    modified_at: datetime
    url: str
    api_url: str


def dataset_out(request: HttpRequest, dataset: Dataset, version: DatasetVersion | None) -> dict:
    item = dataset.item
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "agency": {"name": dataset.agency.slug, "title": dataset.agency.name},
        "sector": dataset.sector,
        "topics": [topic.slug for topic in dataset.topics.all()],
        "tags": [tag.name for tag in dataset.tags.all()],
        "license_id": dataset.license_id,
        "year": item.data_list.year,
        "frequency": item.frequency,
        "level": item.level,
        "version": version.number if version else None,
        "published_at": version.published_at if version else None,
        "issued_at": dataset.issued_at,
        "modified_at": dataset.shown_modified_at,
        "url": request.build_absolute_uri(reverse("portal:dataset", args=[dataset.slug])),
        "api_url": request.build_absolute_uri(
            reverse("api-v1:dataset", kwargs={"key": dataset.slug})
        ),
    }


class DatasetPage(Page):
    results: list[DatasetOut]
    facets: dict[str, list[dict[str, Any]]] = {}


class ColumnOut(Schema):
    name: str
    type: str
    variable: str = ""
    unit: str = ""


class ResourceOut(Schema):
    id: str
    format: str
    url: str
    media_type: str


class VersionOut(Schema):
    number: int
    rows: int
    published_at: datetime | None
    created_at: datetime
    columns: list[ColumnOut]
    url: str
    data_url: str


def version_out(request: HttpRequest, dataset: Dataset, version: DatasetVersion) -> dict:
    return {
        "number": version.number,
        "rows": version.row_count,
        "published_at": version.published_at,
        "created_at": version.created_at,
        "columns": [
            {
                "name": column["name"],
                "type": column.get("data_type") or "text",
                "variable": column.get("variable", ""),
                "unit": column.get("unit", ""),
            }
            for column in version.columns
        ],
        "url": request.build_absolute_uri(
            reverse("portal:dataset-version", args=[dataset.slug, version.number])
        ),
        "data_url": request.build_absolute_uri(
            reverse("api-v1:data", kwargs={"key": dataset.slug}) + f"?version={version.number}"
        ),
    }


class DatasetDetail(DatasetOut):
    versions: list[VersionOut]
    resources: list[ResourceOut]
    # What the next check of an upload uses: the variables that identify a row, and this
    # table's own limits, one line per variable in the words of the MS-Var form.
    key_variables: list[str]
    limits: str
