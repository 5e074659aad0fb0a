"""Reading datasets, their versions and resources."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from pydantic import Field

from satudata.api import packages
from satudata.api.rest.base import ErrorOut, viewer
from satudata.api.rest.shapes import (
    DatasetDetail,
    DatasetPage,
    Paging,
    ResourceOut,
    VersionOut,
    dataset_out,
    page_links,
    version_out,
)
from satudata.catalog import search
from satudata.catalog.forms import limits_text
from satudata.catalog.models import (
    Dataset,
    DatasetVersion,
    Variable,
)
from satudata.catalog.search import SORTS
from satudata.core.input_limits import INTEGER_MAX
from satudata.releases import access
from satudata.reports import usage

router = Router()

# --- datasets ---------------------------------------------------------------------------------

# Path numbers are bounded: one past 64 bits reached the database and answered 500.
Number = Annotated[int, Path(ge=1, le=INTEGER_MAX, description="A number from 1.")]
Year = Annotated[int, Path(ge=1900, le=2999, description="A year.")]

SortKey = Annotated[str, Field(pattern=r"^-?(" + "|".join(SORTS) + ")$")]


class DatasetFilters(Paging):
    q: str = Field("", max_length=200, description="Words; each matches a word's start or root.")
    organization: list[str] = Field([], description="Agency names (any of).")
    sector: list[str] = Field([], description="BPS sector codes (any of).")
    groups: list[str] = Field([], description="Topic names (any of).")
    tags: list[str] = Field([], description="Tags (any of).")
    year: list[str] = Field([], description="Daftar Data years (any of).")
    frequency: list[str] = []
    level: list[str] = []
    res_format: list[str] = []
    license_id: list[str] = []
    sort: SortKey = Field(
        "-modified",
        description="One of score, modified, created, title, name, id; - for descending.",
    )
    facets: bool = Field(False, description="Also count the matches per facet value.")


def dataset_of(request: HttpRequest, key: str) -> Dataset:
    return access.dataset_for(request, key, viewer(request))


def version_of(request: HttpRequest, dataset: Dataset, number: int | None) -> DatasetVersion:
    return access.version_for(request, dataset, number, viewer(request))


@router.get("/datasets", response={200: DatasetPage, 400: ErrorOut}, tags=["datasets"])
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> dict:
    """Search and list the datasets the caller may see."""
    user = viewer(request)
    criteria = search.Criteria(q=filters.q)
    for name in search.FACETS:
        values = [v[:200] for v in getattr(filters, name, [])][:50]
        if values:
            criteria.include.append((name, values))
    sort_key = filters.sort.lstrip("-")
    result = search.search(
        user,
        criteria,
        sort=[(sort_key, filters.sort.startswith("-"))],
        start=filters.offset,
        rows=filters.limit,
        facets=search.FACETS if filters.facets else (),
    )
    usage.note_search(request, criteria, result.count)
    return {
        **page_links(request, result.count, filters.limit, filters.offset),
        "results": [
            dataset_out(request, dataset, version)
            for dataset, version in access.newest_versions(request, result.datasets, user)
        ],
        "facets": {
            name: [{"value": f.name, "label": f.display_name, "count": f.count} for f in counts]
            for name, counts in result.facets.items()
        },
    }


@router.get(
    "/datasets/{key}",
    response={200: DatasetDetail, 404: ErrorOut},
    tags=["datasets"],
    url_name="dataset",
)
def get_dataset(request: HttpRequest, key: str) -> dict:
    """One dataset by name or identifier, with its visible versions and download resources."""
    dataset = dataset_of(request, key)
    versions = access.versions_of(request, dataset, viewer(request))
    latest = versions[0] if versions else None
    return {
        **dataset_out(request, dataset, latest),
        "versions": [version_out(request, dataset, v) for v in versions],
        "resources": [
            {
                "id": r["id"],
                "format": r["format"],
                "url": r["url"],
                "media_type": r["mimetype"],
            }
            for r in packages.resource_dicts(request, dataset, latest)
        ],
        "key_variables": sorted(dataset.key_variables.values_list("name", flat=True)),
        "limits": limits_text(
            dataset.rule_overrides, list(Variable.objects.filter(agency_id=dataset.agency_id))
        )
        if dataset.rule_overrides
        else "",
    }


@router.get(
    "/datasets/{key}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    tags=["datasets"],
)
def list_versions(request: HttpRequest, key: str) -> list[dict]:
    dataset = dataset_of(request, key)
    versions = access.versions_of(request, dataset, viewer(request))
    return [version_out(request, dataset, v) for v in versions]


@router.get(
    "/datasets/{key}/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    tags=["datasets"],
)
def get_version(request: HttpRequest, key: str, number: Number) -> dict:
    dataset = dataset_of(request, key)
    return version_out(request, dataset, version_of(request, dataset, number))


class ResourceDetail(ResourceOut):
    dataset: str
    version: int


@router.get(
    "/resources/{resource_id}", response={200: ResourceDetail, 404: ErrorOut}, tags=["datasets"]
)
def get_resource(request: HttpRequest, resource_id: str) -> dict:
    """A download resource by the id the CKAN API and the dataset give it."""
    found = packages.visible_resource(request, viewer(request), resource_id)
    if found is None:
        raise Http404(_("No published resource has this id."))
    dataset, version, resource = found
    return {
        "id": resource["id"],
        "format": resource["format"],
        "url": resource["url"],
        "media_type": resource["mimetype"],
        "dataset": dataset.slug,
        "version": version.number,
    }
