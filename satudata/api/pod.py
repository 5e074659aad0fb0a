"""``/data.json``: the catalogue as Project Open Data v1.1 (the non-federal schema), the format
data.go.id and other DCAT-US harvesters read. All visible datasets in one document, as the
format has no paging."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from satudata.catalog.models import Dataset, DatasetVersion, Frequency
from satudata.catalog.search import FORMATS
from satudata.core.models import SiteProfile
from satudata.datastore.exports import MEDIA_TYPES
from satudata.products.models import Product, ProductVersion
from satudata.releases import access

SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
PERIODICITY = {
    Frequency.ANNUAL: "R/P1Y",
    Frequency.SEMESTER: "R/P6M",
    Frequency.QUARTERLY: "R/P3M",
    Frequency.MONTHLY: "R/P1M",
    Frequency.SCHOOL_YEAR: "R/P1Y",
    Frequency.FIVE_YEARLY: "R/P5Y",
    Frequency.AD_HOC: "irregular",
}


def dataset_entry(
    request: HttpRequest, dataset: Dataset, version: DatasetVersion | None, walidata: str
) -> dict[str, Any]:
    item, agency = dataset.item, dataset.agency
    landing = request.build_absolute_uri(reverse("portal:dataset", args=[dataset.slug]))
    contact: dict[str, Any] = {"@type": "vcard:Contact", "fn": agency.name}
    if agency.email:
        contact["hasEmail"] = f"mailto:{agency.email}"
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": str(dataset.uuid),
        "title": dataset.title,
        "description": dataset.summary,
        "accessLevel": "public",
        "publisher": {
            "@type": "org:Organization",
            "name": agency.name,
            "subOrganizationOf": {"@type": "org:Organization", "name": walidata},
        },
        "contactPoint": contact,
        "modified": dataset.shown_modified_at.isoformat(timespec="seconds"),
        "accrualPeriodicity": PERIODICITY.get(Frequency(item.frequency), "irregular"),
        "temporal": f"{item.data_list.year}-01-01/{item.data_list.year}-12-31",
        "language": ["id"],
        "landingPage": landing,
    }
    licence = dataset.license_url
    if licence:
        entry["license"] = licence
    keywords = [tag.name for tag in dataset.tags.all()]
    if keywords:
        entry["keyword"] = keywords
    themes = [dataset.get_sector_display()] if dataset.sector else []
    themes += [topic.name for topic in dataset.topics.all() if topic.name not in themes]
    if themes:
        entry["theme"] = themes
    if dataset.issued_at:
        entry["issued"] = dataset.issued_at.isoformat(timespec="seconds")
    if version is not None:
        entry["distribution"] = [
            {
                "@type": "dcat:Distribution",
                "title": f"{dataset.title} ({fmt})",
                "downloadURL": request.build_absolute_uri(
                    reverse("portal:download", args=[dataset.slug, fmt.lower()])
                ),
                "mediaType": MEDIA_TYPES[fmt.lower()].split(";")[0],
                "format": fmt,
            }
            for fmt in FORMATS
        ] + [
            {
                "@type": "dcat:Distribution",
                "title": "Data Package",
                "accessURL": request.build_absolute_uri(
                    reverse("api:datapackage", args=[dataset.slug])
                ),
                "format": "Frictionless Data Package",
                "conformsTo": "https://specs.frictionlessdata.io/data-package/",
            },
        ]
    return entry


def product_entry(
    request: HttpRequest, product: Product, version: ProductVersion, walidata: str
) -> dict[str, Any]:
    """A product (SOP activity 2) as a catalogue entry, a distribution per file."""
    agency = product.agency
    contact: dict[str, Any] = {"@type": "vcard:Contact", "fn": agency.name}
    if agency.email:
        contact["hasEmail"] = f"mailto:{agency.email}"
    moment = version.published_at or version.created_at
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": str(product.uuid),
        "title": product.title,
        "description": product.description or product.title,
        "accessLevel": "public",
        "publisher": {
            "@type": "org:Organization",
            "name": agency.name,
            "subOrganizationOf": {"@type": "org:Organization", "name": walidata},
        },
        "contactPoint": contact,
        "modified": moment.isoformat(timespec="seconds"),
        "issued": moment.isoformat(timespec="seconds"),
        "language": ["id"],
        "landingPage": request.build_absolute_uri(reverse("products:detail", args=[product.slug])),
        "keyword": [str(product.get_kind_display())],  # type: ignore[attr-defined]
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "title": file.name,
                "downloadURL": request.build_absolute_uri(
                    reverse("products:file", args=[product.slug, version.number, file.name])
                ),
                "mediaType": mimetypes.guess_type(file.name)[0] or "application/octet-stream",
                "format": file.format.upper(),
            }
            for file in version.files.all()
        ],
    }
    return entry


def data_json(request: HttpRequest) -> JsonResponse:
    profile = SiteProfile.current()
    datasets = (
        Dataset.objects.visible_to(request.user)
        .with_details()
        .with_release_times()
        .order_by("created_at", "pk")
    )
    walidata = profile.walidata_name or profile.site_name
    return JsonResponse(
        {
            "@context": f"{SCHEMA}/catalog.jsonld",
            "@id": request.build_absolute_uri(reverse("api:data-json")),
            "@type": "dcat:Catalog",
            "conformsTo": f"{SCHEMA}",
            "describedBy": f"{SCHEMA}/catalog.json",
            "dataset": [
                dataset_entry(request, dataset, version, walidata)
                for dataset, version in access.newest_versions(request, datasets, request.user)
            ]
            + [
                product_entry(request, product, version, walidata)
                for product, version in access.newest_product_versions(
                    request,
                    Product.objects.visible_to(request.user)
                    .select_related("agency")
                    .order_by("created_at", "pk"),
                    request.user,
                )
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
