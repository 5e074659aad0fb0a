"""Products (SOP activity 2) on the machine channels: as CKAN packages of their own type (the
kind: ``tabel``, ``grafik``, ``infografis``, ``publikasi``) whose resources are the files of the
newest version the viewer may see, and the search of them CKAN's ``package_search`` adds to
the datasets'.

A product's package name is its address prefixed with ``produk-``, so it never meets a
dataset's name; its id is the product's UUID; a resource's id is the file's content digest
read as a UUID with the version's number, stable while that version is the newest.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from satudata.api.ckan_query import TOKEN
from satudata.api.packages import absolute, ckan_time, organization_dict, stable_id
from satudata.catalog.search import FacetCount, is_uuid
from satudata.core.models import SiteProfile
from satudata.products.models import Product, ProductFile, ProductKind, ProductVersion
from satudata.releases import access

NAME_PREFIX = "produk-"
KINDS = set(ProductKind.values)


def package_name(product: Product) -> str:
    return NAME_PREFIX + product.slug


def file_url(request: HttpRequest, product: Product, version: ProductVersion, name: str) -> str:
    return absolute(request, reverse("products:file", args=[product.slug, version.number, name]))


def landing_url(request: HttpRequest, product: Product) -> str:
    return absolute(request, reverse("products:detail", args=[product.slug]))


def resource_id(version: ProductVersion, file: ProductFile) -> str:
    return str(uuid.uuid5(uuid.UUID(int=int(file.sha256[:32], 16)), f"{version.pk}:{file.name}"))


def package_dict(
    request: HttpRequest,
    product: Product,
    version: ProductVersion,
    profile: SiteProfile | None = None,
) -> dict[str, Any]:
    """A product and its newest visible version as ``package_show`` gives a package."""
    profile = profile or SiteProfile.current()
    files = list(version.files.all())
    modified = version.published_at or version.created_at
    resources = [
        {
            "id": resource_id(version, f),
            "package_id": str(product.uuid),
            "url": file_url(request, product, version, f.name),
            "name": f.name,
            "description": f"Versi {version.number}",
            "format": f.format.upper(),
            "mimetype": None,
            "mimetype_inner": None,
            "size": f.size,
            "hash": f"sha256:{f.sha256}",
            "created": ckan_time(f.created_at),
            "last_modified": ckan_time(modified),
            "metadata_modified": ckan_time(modified),
            "cache_url": None,
            "cache_last_updated": None,
            "url_type": None,
            "state": "active",
            "position": position,
            "resource_type": "file",
            "datastore_active": False,
        }
        for position, f in enumerate(files)
    ]
    extras = {
        "jenis_produk": str(product.get_kind_display()),  # type: ignore[attr-defined]
        "sektor": product.sector,
        "versi": str(version.number),
        "diterbitkan": ckan_time(version.published_at) if version.published_at else "",
        "catatan_perubahan": version.change_note,
    }
    return {
        "id": str(product.uuid),
        "name": package_name(product),
        "title": product.title,
        "version": str(version.number),
        "url": landing_url(request, product),
        "author": product.agency.name,
        "author_email": product.agency.email or None,
        "maintainer": profile.walidata_name or None,
        "maintainer_email": profile.email or None,
        "notes": product.description,
        "license_id": None,
        "license_title": None,
        "license_url": None,
        "isopen": False,
        "type": product.kind,
        "owner_org": stable_id("agency", product.agency_id),
        "organization": organization_dict(request, product.agency),
        "creator_user_id": None,
        "metadata_created": ckan_time(product.created_at),
        "metadata_modified": ckan_time(modified),
        "private": False,
        "state": "active",
        "num_resources": len(resources),
        "num_tags": 0,
        "tags": [],
        "groups": [],
        "extras": [{"key": key, "value": value} for key, value in extras.items() if value],
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "resources": resources,
    }


def package_dicts(
    request: HttpRequest, products: QuerySet[Product] | list[Product], user: Any
) -> list[dict[str, Any]]:
    """Products with their newest visible versions as packages (pre-release reads logged)."""
    profile = SiteProfile.current()
    pairs = access.newest_product_versions(request, products, user)
    return [package_dict(request, product, version, profile) for product, version in pairs]


def by_key(user: Any, key: str) -> Product | None:
    """The visible product a ``package_show`` id or name means, if any."""
    products = Product.objects.visible_to(user).select_related("agency")
    if key.startswith(NAME_PREFIX):
        return products.filter(slug=key[len(NAME_PREFIX) :][:120]).first()
    try:
        return products.filter(uuid=uuid.UUID(key)).first()
    except ValueError:
        return None


# --- package_search ------------------------------------------------------------------------------


@dataclass
class ProductSearch:
    """What a ``package_search`` asks of products: the same ``q``/``fq`` text, read for the
    fields products have. A field products do not carry (tags, groups, licence, frequency)
    asked for matches no product."""

    words: list[str] = field(default_factory=list)
    include: Q = field(default_factory=Q)
    exclude: list[Q] = field(default_factory=list)
    nothing: bool = False


def _values(value: str) -> list[str]:
    if value.startswith("("):
        found = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s()]+', value[1:-1])
        return [v.strip('"') for v in found if v not in ("OR", "||")]
    return [value.strip('"')]


def _condition(name: str, values: list[str]) -> Q | None:
    """The products matching ``name:values``; None when products do not carry the field."""
    if name in ("type", "dataset_type"):
        return Q(kind__in=[v for v in values if v in KINDS])
    if name in ("organization", "owner_org"):
        return Q(agency__slug__in=values)
    if name == "name":
        return Q(slug__in=[v[len(NAME_PREFIX) :] for v in values if v.startswith(NAME_PREFIX)])
    if name == "id":
        return Q(uuid__in=[v for v in values if is_uuid(v)])
    if name == "sector":
        return Q(sector__in=values)
    if name == "res_format":
        return Q(versions__files__format__in=[v.lower() for v in values])
    if name in ("state", "capacity", "private", "site_id"):
        return Q()
    return None


def read_query(*texts: str) -> ProductSearch:
    """Read the ``q`` and ``fq`` texts (already checked by ``ckan_query.parse_query``)."""
    search = ProductSearch()
    for text in texts:
        text = text.strip()
        if text in ("", "*:*", "*"):
            continue
        for match in TOKEN.finditer(text):
            sign, name, value = match["sign"], match["field"], match["value"]
            if name is None:
                if value not in ("AND", "&&", "OR", "||", "*:*"):
                    search.words.append(value.strip('()"'))
                continue
            name = name.lower()
            if name == "metadata_modified":
                continue
            condition = _condition(name, _values(value))
            if condition is None:
                search.nothing = search.nothing or sign != "-"
            elif sign == "-":
                search.exclude.append(condition)
            else:
                search.include &= condition
    return search


def search(
    user: Any, search: ProductSearch, modified: tuple[datetime | None, datetime | None]
) -> QuerySet[Product]:
    """The visible products a ``package_search`` finds, by title."""
    if search.nothing:
        return Product.objects.none()
    products = Product.objects.visible_to(user).filter(search.include)
    for condition in search.exclude:
        products = products.exclude(condition)
    for word in search.words[:10]:
        products = products.filter(Q(title__icontains=word) | Q(description__icontains=word))
    start, end = modified
    if start is not None or end is not None:
        versions = ProductVersion.objects.visible_to(user)
        if start is not None:
            versions = versions.filter(published_at__gte=start)
        if end is not None:
            versions = versions.filter(published_at__lte=end)
        products = products.filter(pk__in=versions.values("product_id"))
    return products.select_related("agency").distinct().order_by("title", "id")


def with_agencies(counts: list[FacetCount], products: QuerySet[Product]) -> list[FacetCount]:
    """The ``organization`` facet of a search with the products found counted in, so that
    its counts add up to the packages found."""
    merged = {c.name: FacetCount(c.name, c.display_name, c.count) for c in counts}
    rows = products.order_by().values("agency__slug", "agency__name").annotate(n=Count("pk"))
    for row in rows:
        slug = row["agency__slug"]
        if slug in merged:
            merged[slug].count += row["n"]
        else:
            merged[slug] = FacetCount(slug, row["agency__name"], row["n"])
    return sorted(merged.values(), key=lambda c: (-c.count, c.display_name))
