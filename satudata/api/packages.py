"""Datasets, agencies and topics as CKAN dictionaries, with every key CKAN clients and harvesters
read (udata validates ``package_show`` strictly: see ../shared/domain/portals.md §1.2, §1.4).

A dataset's resources are its newest visible version in each download format. Their
identifiers stay the same from version to version (as a CKAN resource keeps its id when its
file is replaced): the dataset's UUID combined with the format, so a resource id leads back to
its dataset with one query.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from satudata.accounts.models import Agency
from satudata.catalog.models import (
    Dataset,
    DatasetQuerySet,
    DatasetVersion,
    Topic,
)
from satudata.catalog.search import FORMATS
from satudata.core.models import SiteProfile
from satudata.datastore.exports import MEDIA_TYPES
from satudata.releases import access

NAMESPACE = uuid.UUID("5b0f3c36-8c1e-4f52-9a57-2f1d4a6e8b10")
FORMAT_KEYS = {fmt: uuid.uuid5(NAMESPACE, fmt.lower()).int for fmt in FORMATS}


def ckan_time(moment: datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC with microseconds."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def stable_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def resource_id(dataset: Dataset, fmt: str) -> str:
    return str(uuid.UUID(int=dataset.uuid.int ^ FORMAT_KEYS[fmt]))


def find_resource(key: str) -> tuple[DatasetQuerySet, dict[uuid.UUID, str]]:
    """Datasets a resource id may belong to, and the format each candidate would mean."""
    try:
        value = uuid.UUID(str(key)).int
    except ValueError:
        return Dataset.objects.none(), {}
    candidates = {uuid.UUID(int=value ^ mask): fmt for fmt, mask in FORMAT_KEYS.items()}
    return Dataset.objects.filter(uuid__in=list(candidates)), candidates


def visible_resource(
    request: HttpRequest, user: Any, key: str
) -> tuple[Dataset, DatasetVersion, dict[str, Any]] | None:
    """The dataset, its current version and the resource dictionary a resource id names, if
    the viewer may see them (the one lookup of the CKAN and REST channels)."""
    candidates, formats = find_resource(key)
    dataset = (
        (candidates & Dataset.objects.visible_to(user)).with_details().with_release_times().first()
    )
    version = access.newest_version(request, dataset, user) if dataset else None
    if dataset is None or version is None:
        return None
    fmt = formats[dataset.uuid]
    resource = next(r for r in resource_dicts(request, dataset, version) if r["format"] == fmt)
    return dataset, version, resource


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def organization_dict(
    request: HttpRequest, agency: Agency, *, package_count: int | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": stable_id("agency", agency.pk),
        "name": agency.slug,
        "title": agency.name,
        "display_name": agency.name,
        "description": agency.get_kind_display(),
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(agency.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if agency.is_active else "deleted",
        "type": "organization",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(
    request: HttpRequest, topic: Topic, *, package_count: int | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": stable_id("topic", topic.pk),
        "name": topic.slug,
        "title": topic.name,
        "display_name": topic.name,
        "description": topic.description,
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(topic.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def resource_dicts(
    request: HttpRequest, dataset: Dataset, version: DatasetVersion | None
) -> list[dict[str, Any]]:
    if version is None:
        return []
    resources = []
    for position, fmt in enumerate(FORMATS):
        key = fmt.lower()
        url = absolute(request, reverse("portal:download", args=[dataset.slug, key]))
        resources.append(
            {
                "id": resource_id(dataset, fmt),
                "package_id": str(dataset.uuid),
                "url": url,
                "name": f"{dataset.title} ({fmt})",
                "description": f"Versi {version.number}, {version.row_count} baris.",
                "format": fmt,
                "mimetype": MEDIA_TYPES[key].split(";")[0],
                "mimetype_inner": None,
                "size": None,
                "hash": "",
                "created": ckan_time(version.created_at),
                "last_modified": ckan_time(version.published_at or version.created_at),
                "metadata_modified": ckan_time(dataset.shown_modified_at),
                "cache_url": None,
                "cache_last_updated": None,
                "url_type": None,
                "state": "active",
                "position": position,
                "resource_type": "file",
                "datastore_active": True,
            }
        )
    return resources


def package_dicts(
    request: HttpRequest, pairs: list[tuple[Dataset, DatasetVersion | None]]
) -> list[dict[str, Any]]:
    """Datasets with their versions as CKAN dictionaries (the site profile read once)."""
    profile = SiteProfile.current()
    return [package_dict(request, dataset, version, profile) for dataset, version in pairs]


def package_dict(
    request: HttpRequest,
    dataset: Dataset,
    version: DatasetVersion | None,
    profile: SiteProfile | None = None,
) -> dict[str, Any]:
    """One dataset as ``package_show`` gives it."""
    profile = profile or SiteProfile.current()
    item = dataset.item
    tags = list(dataset.tags.all())
    topics = list(dataset.topics.all())
    resources = resource_dicts(request, dataset, version)
    extras = {
        "sektor": dataset.get_sector_display() if dataset.sector else "",
        "frekuensi": item.get_frequency_display(),
        "tingkat_penyajian": item.get_level_display(),
        "tahun_daftar_data": str(item.data_list.year),
        "satuan": item.unit,
        "versi": str(version.number) if version else "",
        "diterbitkan": ckan_time(version.published_at) if version and version.published_at else "",
        "jumlah_baris": str(version.row_count) if version else "",
    }
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "version": str(version.number) if version else None,
        "url": absolute(request, reverse("portal:dataset", args=[dataset.slug])),
        "author": dataset.agency.name,
        "author_email": dataset.agency.email or None,
        "maintainer": profile.walidata_name or None,
        "maintainer_email": profile.email or None,
        "notes": dataset.description,
        "license_id": dataset.license_id,
        "license_title": dataset.get_license_id_display(),
        "license_url": dataset.license_url or None,
        "isopen": dataset.is_open,
        "type": "dataset",
        "owner_org": stable_id("agency", dataset.agency_id),
        "organization": organization_dict(request, dataset.agency),
        "creator_user_id": None,
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.shown_modified_at),
        "private": False,
        "state": "active",
        "num_resources": len(resources),
        "num_tags": len(tags),
        "tags": [
            {
                "id": stable_id("tag", tag.pk),
                "name": tag.name,
                "display_name": tag.name,
                "state": "active",
                "vocabulary_id": None,
            }
            for tag in tags
        ],
        "groups": [
            {
                "id": stable_id("topic", topic.pk),
                "name": topic.slug,
                "title": topic.name,
                "display_name": topic.name,
                "description": topic.description,
                "image_display_url": "",
            }
            for topic in topics
        ],
        "extras": [{"key": key, "value": value} for key, value in extras.items() if value],
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "resources": resources,
    }


def package_counts(user: Any, field: str) -> dict[int, int]:
    """Visible datasets per agency (``agency``) or per topic (``topics``)."""
    rows = (
        Dataset.objects.visible_to(user)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(n=Count("pk", distinct=True))
    )
    return {row[field]: row["n"] for row in rows}
