"""Agencies, regions, statistical metadata and the Daftar Data."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from satudata.accounts.models import Agency
from satudata.api import packages
from satudata.api.rest.base import ErrorOut, viewer
from satudata.api.rest.datasets import Number, Year
from satudata.api.rest.shapes import AgencyRef, Page, Paging, page_links
from satudata.catalog.metadata import interchange
from satudata.catalog.models import (
    Activity,
    DataList,
    Dataset,
    Indicator,
    Variable,
)
from satudata.regions.models import Region

router = Router()

# --- agencies, regions, metadata, Daftar Data ---------------------------------------------------


class AgencyOut(Schema):
    name: str
    title: str
    short_name: str
    kind: str
    email: str
    datasets: int
    url: str


def _agency_out(request: HttpRequest, agency: Agency, count: int) -> dict:
    return {
        "name": agency.slug,
        "title": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "email": agency.email,
        "datasets": count,
        "url": request.build_absolute_uri(reverse("accounts:agency-detail", args=[agency.slug])),
    }


class AgencyPage(Page):
    results: list[AgencyOut]


@router.get("/agencies", response={200: AgencyPage, 400: ErrorOut}, tags=["agencies"])
def list_agencies(request: HttpRequest, paging: Query[Paging]) -> dict:
    counts = packages.package_counts(viewer(request), "agency")
    agencies = Agency.objects.active().order_by("name")
    chosen = agencies[paging.offset : paging.offset + paging.limit]
    return {
        **page_links(request, agencies.count(), paging.limit, paging.offset),
        "results": [_agency_out(request, a, counts.get(a.pk, 0)) for a in chosen],
    }


@router.get("/agencies/{name}", response={200: AgencyOut, 404: ErrorOut}, tags=["agencies"])
def get_agency(request: HttpRequest, name: str) -> dict:
    agency = Agency.objects.active().filter(slug=name[:100]).first()
    if agency is None:
        raise Http404(_("No agency has this name."))
    counts = packages.package_counts(viewer(request), "agency")
    return _agency_out(request, agency, counts.get(agency.pk, 0))


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    bps_code: str
    url: str


def _region_out(request: HttpRequest, region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent": region.parent_id,
        "bps_code": region.bps_code,
        "url": request.build_absolute_uri(reverse("regions:region-detail", args=[region.code])),
    }


class RegionFilters(Paging):
    parent: str = Field("", max_length=13, description="Children of this code.")
    level: int | None = Field(None, ge=1, le=4, description="1 province … 4 desa/kelurahan.")
    q: str = Field("", max_length=100, description="Start of the name.")


class RegionPage(Page):
    results: list[RegionOut]


@router.get("/regions", response={200: RegionPage, 400: ErrorOut}, tags=["regions"])
def list_regions(request: HttpRequest, filters: Query[RegionFilters]) -> dict:
    """Kemendagri region codes (the national list, as loaded)."""
    regions = Region.objects.all()
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.q:
        regions = regions.filter(name__istartswith=filters.q)
    chosen = regions[filters.offset : filters.offset + filters.limit]
    return {
        **page_links(request, regions.count(), filters.limit, filters.offset),
        "results": [_region_out(request, r) for r in chosen],
    }


@router.get("/regions/{code}", response={200: RegionOut, 404: ErrorOut}, tags=["regions"])
def get_region(request: HttpRequest, code: str) -> dict:
    region = Region.objects.filter(code=code[:13]).first()
    if region is None:
        raise Http404(_("No region has this code."))
    return _region_out(request, region)


KINDS = {"ms-keg": Activity, "ms-var": Variable, "ms-ind": Indicator}


class MetadataPage(Page):
    results: list[dict[str, Any]]


@router.get("/metadata/{kind}", response={200: MetadataPage, 400: ErrorOut}, tags=["metadata"])
def list_metadata(
    request: HttpRequest,
    kind: Literal["ms-keg", "ms-var", "ms-ind"],
    paging: Query[Paging],
    agency: str = "",
) -> dict:
    """BPS metadata records (MS-Keg, MS-Var, MS-Ind) the caller may see, each in INDAH v2 keys."""
    records = KINDS[kind].objects.visible_to(viewer(request)).order_by("pk")
    if kind == "ms-var":
        records = records.prefetch_related("codes")
    if agency:
        records = records.filter(agency__slug=agency[:100])
    chosen = records[paging.offset : paging.offset + paging.limit]
    return {
        **page_links(request, records.count(), paging.limit, paging.offset),
        "results": [interchange.envelope(record) for record in chosen],
    }


@router.get("/metadata/{kind}/{pk}", response={200: dict, 404: ErrorOut}, tags=["metadata"])
def get_metadata(
    request: HttpRequest, kind: Literal["ms-keg", "ms-var", "ms-ind"], pk: Number
) -> dict:
    record = KINDS[kind].objects.visible_to(viewer(request)).filter(pk=pk).first()
    if record is None:
        raise Http404(_("No metadata record you may see has this number."))
    return interchange.envelope(record)


class DataListOut(Schema):
    year: int
    status: str
    items: int
    url: str


class ItemOut(Schema):
    id: int
    number: int
    name: str
    agency: AgencyRef
    concept: str
    definition: str
    classification: str
    measure: str
    unit: str
    frequency: str
    level: str
    release_schedule: str
    access: str
    is_priority: bool
    sds_code: str
    dataset: str | None


@router.get("/daftar-data", response=list[DataListOut], tags=["daftar data"])
def list_data_lists(request: HttpRequest) -> list[dict]:
    """The years' Daftar Data the caller may see (approved lists are public)."""
    lists = DataList.objects.visible_to(viewer(request)).order_by("-year")
    return [
        {
            "year": data_list.year,
            "status": data_list.status,
            "items": data_list.items.count(),
            "url": request.build_absolute_uri(
                reverse("catalog:datalist-detail", args=[data_list.year])
            ),
        }
        for data_list in lists
    ]


@router.get(
    "/daftar-data/{year}", response={200: list[ItemOut], 404: ErrorOut}, tags=["daftar data"]
)
def get_data_list(request: HttpRequest, year: Year) -> list[dict]:
    user = viewer(request)
    data_list = DataList.objects.visible_to(user).filter(year=year).first()
    if data_list is None:
        raise Http404(_("No Daftar Data you may see for this year."))
    visible = set(Dataset.objects.visible_to(user).values_list("item_id", "slug"))
    slugs = dict(visible)
    return [
        {
            "id": item.pk,
            "number": item.number,
            "name": item.name,
            "agency": {"name": item.agency.slug, "title": item.agency.name},
            "concept": item.concept,
            "definition": item.definition,
            "classification": item.classification,
            "measure": item.measure,
            "unit": item.unit,
            "frequency": item.frequency,
            "level": item.level,
            "release_schedule": item.release_schedule,
            "access": item.access,
            "is_priority": item.is_priority,
            "sds_code": item.sds_code,
            "dataset": slugs.get(item.pk),
        }
        for item in data_list.items.select_related("agency")
    ]
