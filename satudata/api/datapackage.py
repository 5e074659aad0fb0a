"""``/dataset/<slug>/datapackage.json``: a dataset's newest visible version as a Frictionless
Data Package, so ``frictionless validate`` (and any Data Package tool) reads the table with its
types, titles and licence. The resource's path is the version's own CSV download, so the
package keeps describing the same data after a newer version is published."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from satudata.catalog.models import DataType
from satudata.core.models import SiteProfile
from satudata.datastore.exports import MEDIA_TYPES
from satudata.releases import access

FIELD_TYPES = {
    DataType.INTEGER: "integer",
    DataType.DECIMAL: "number",
    DataType.TEXT: "string",
    DataType.DATE: "date",
    DataType.YEAR: "year",
    DataType.REGION: "string",
}


def package_name(slug: str) -> str:
    """Data Package names are lower case letters, digits and ``-._``."""
    return re.sub(r"[^a-z0-9._-]+", "-", slug.lower()).strip("-") or "data"


def datapackage(request: HttpRequest, slug: str) -> JsonResponse:
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, None)
    profile = SiteProfile.current()
    fields: list[dict[str, Any]] = []
    for column in version.columns:
        field: dict[str, Any] = {
            "name": column["name"],
            "type": FIELD_TYPES.get(DataType(column.get("data_type") or DataType.TEXT), "string"),
        }
        if column.get("variable"):
            field["title"] = column["variable"]
        if column.get("unit"):
            field["description"] = f"Satuan: {column['unit']}"
        if field["type"] == "number":
            field["decimalChar"] = "."
        fields.append(field)
    url = request.build_absolute_uri(
        reverse("portal:download-version", args=[dataset.slug, version.number, "csv"])
    )
    licence = {"name": dataset.license_id, "title": dataset.get_license_id_display()}
    if dataset.license_url:
        licence["path"] = dataset.license_url
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": package_name(dataset.slug),
        "id": str(dataset.uuid),
        "title": dataset.title,
        "description": dataset.description,
        "version": f"{version.number}.0.0",
        "homepage": request.build_absolute_uri(reverse("portal:dataset", args=[dataset.slug])),
        "keywords": [tag.name for tag in dataset.tags.all()],
        "licenses": [licence],
        "sources": [{"title": dataset.agency.name}],
        "contributors": [
            {"title": dataset.agency.name, "role": "author"},
            {"title": profile.walidata_name or profile.site_name, "role": "publisher"},
        ],
        "created": (version.published_at or version.created_at).isoformat(timespec="seconds"),
        "resources": [
            {
                "name": package_name(dataset.slug) + f"-v{version.number}",
                "path": url,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": MEDIA_TYPES["csv"].split(";")[0],
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {"fields": fields, "missingValues": [""]},
            }
        ],
    }
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})
