"""Public pages of SOP activity 2's products: the products by type with search and facets, each
product's page and version pages with their files, the file downloads; and for the Walidata,
a product's page of work (its SOP task, its versions being generated, its release).

Everything is read through the one gate (``satudata.releases.access``); a version not yet out
that a pre-release reader is served is logged there.
"""

from __future__ import annotations

import logging
import mimetypes
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.permissions import can, capability_required
from satudata.accounts.roles import Capability
from satudata.catalog.metadata.standard import SECTORS
from satudata.core.models import SiteProfile
from satudata.products.errors import ProductError
from satudata.products.generation import new_version, start_generation
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.releases import access
from satudata.releases.dates import wording
from satudata.releases.models import EntryState, Release, ReleaseEntry, ReleaseState
from satudata.sop.models import SopTask

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
FILTERS = ("jenis", "opd", "sektor", "tahun")


# --- The list ------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    url: str
    chosen: bool


def _url(params: dict[str, str], **changes: str) -> str:
    query = {k: v for k, v in {**params, **changes}.items() if v}
    query.pop("halaman", None)
    return "?" + urlencode(query)


def _years(user: Any, product_ids: list[int]) -> dict[int, int]:
    """Each product's year: that of its newest version the viewer may see (release time)."""
    years: dict[int, int] = {}
    versions = (
        ProductVersion.objects.visible_to(user)
        .filter(product_id__in=product_ids)
        .order_by("product_id", "-number")
        .values_list("product_id", "published_at", "created_at")
    )
    for product_id, published, created in versions:
        if product_id not in years:
            years[product_id] = timezone.localtime(published or created).year
    return years


def product_list(request: HttpRequest) -> HttpResponse:
    """``q`` (words of the title or description), ``jenis`` (kind), ``opd`` (agency),
    ``sektor``, ``tahun`` (year of the newest version), ``halaman`` (page)."""
    chosen = {key: request.GET.get(key, "").strip()[:100] for key in ("q", *FILTERS)}
    products = Product.objects.visible_to(request.user).select_related("agency")
    for word in chosen["q"].split()[:10]:
        products = products.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if chosen["jenis"]:
        products = products.filter(kind=chosen["jenis"])
    if chosen["opd"]:
        products = products.filter(agency__slug=chosen["opd"])
    if chosen["sektor"]:
        products = products.filter(sector=chosen["sektor"])
    found = list(products.order_by("title", "id"))
    years = _years(request.user, [p.pk for p in found])
    sectors = {choice.key: choice.label for choice in SECTORS}
    for product in found:
        product.year = years.get(product.pk)  # type: ignore[attr-defined]
        product.sector_label = sectors.get(product.sector, product.sector)  # type: ignore[attr-defined]
    if chosen["tahun"]:
        found = [p for p in found if str(p.year) == chosen["tahun"]]  # type: ignore[attr-defined]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = {k: v for k, v in chosen.items() if v}
    return render(
        request,
        "products/product_list.html",
        {
            "page": page,
            "count": len(found),
            "chosen": chosen,
            "query": urlencode(query),
            "kinds": [
                (value, label, _url(query, jenis=value), chosen["jenis"] == value)
                for value, label in ProductKind.choices
            ],
            "all_kinds_url": _url(query, jenis=""),
            "facets": _facets(found, query),
        },
    )


def _facets(found: list[Product], query: dict[str, str]) -> list[tuple[str, str, list[FacetValue]]]:
    agencies = {p.agency.slug: p.agency.short_name or p.agency.name for p in found}
    sectors = {choice.key: choice.label for choice in SECTORS}
    kinds = dict(ProductKind.choices)
    keys: dict[str, tuple[str, Any, dict[Any, Any]]] = {
        "jenis": (_("Type"), lambda p: p.kind, kinds),
        "opd": (_("Agency"), lambda p: p.agency.slug, agencies),
        "sektor": (_("Sector"), lambda p: p.sector, sectors),
        "tahun": (_("Year"), lambda p: p.year, {}),
    }
    facets = []
    for key, (title, value_of, labels) in keys.items():
        counts = Counter(value_of(p) for p in found if value_of(p))
        values = [
            FacetValue(
                value=str(value),
                label=str(labels.get(value, value)),
                count=count,
                url=_url(query, **{key: "" if query.get(key) == str(value) else str(value)}),
                chosen=query.get(key) == str(value),
            )
            for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        ]
        if values:
            facets.append((key, title, values))
    return facets


# --- A product and its versions ----------------------------------------------------------------


def _releases_at(slug: str, number: int | None) -> Any:
    versions = ProductVersion.objects.filter(product__slug=slug[:120])
    if number:
        versions = versions.filter(number=number)
    return Release.objects.of(ProductVersion, versions.values("pk"))


def _not_visible(request: HttpRequest, slug: str, number: int | None) -> HttpResponse:
    """What the address of a product not visible says: the withdrawal notice (410), the release
    calendar's entry of a scheduled version (404, nothing of the product shown), else 404."""
    releases = _releases_at(slug, number)
    withdrawn = releases.filter(state=ReleaseState.WITHDRAWN).order_by("-withdrawn_at").first()
    if withdrawn is not None:
        return render(request, "portal/withdrawn.html", {"release": withdrawn}, status=410)
    release = (
        releases.filter(state=ReleaseState.SCHEDULED, release_at__gt=timezone.now())
        .filter(entry__in=ReleaseEntry.objects.visible_to(request.user))
        .exclude(entry__state=EntryState.CANCELLED)
        .select_related("entry__agency")
        .order_by("release_at")
        .first()
    )
    if release is None or release.entry is None:
        raise access.version_missing() if number else access.product_missing()
    entry = release.entry
    context = {"entry": entry, "planned": wording(entry.planned_at, entry.precision)}
    return render(request, "portal/embargoed.html", {**context, "number": number}, status=404)


def _cube(product: Product, version: ProductVersion) -> Any:
    """The table a table version shows, when the table module can build it (None otherwise:
    the page then lists the files). A chart's page draws its stored spec and needs none."""
    if product.kind != "tabel":
        return None
    try:
        cube_for = import_string("satudata.products.tables.cube_for")
    except ImportError:
        return None
    try:
        return cube_for(version)
    except ProductError:
        return None
    except Exception:  # a page shows its files even when the table cannot be drawn
        logger.exception("The cube of %s could not be built", version)
        return None


def citation(request: HttpRequest, product: Product, version: ProductVersion) -> str:
    """The reference to cite, in the Indonesian style the dataset pages use."""
    site = SiteProfile.current()
    when = timezone.localtime(version.published_at or version.created_at)
    url = request.build_absolute_uri(
        reverse("products:version", args=[product.slug, version.number])
    )
    kind = product.get_kind_display()  # type: ignore[attr-defined]
    return (
        f"{product.agency.name}. ({when.year}). {product.title} (versi {version.number}) "
        f"[{kind}]. {site.site_name}. {url}"
    )


def product_detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    try:
        product = access.product_for(request, slug)
    except Http404:
        return _not_visible(request, slug, number)
    versions = access.product_versions_of(request, product, request.user)
    version = next((v for v in versions if v.number == number or not number), None)
    if version is None:  # withdrawn since the gate let the product through
        return _not_visible(request, slug, number)
    release = Release.objects.for_content(version).prefetch_related("errata").first()
    files = list(version.files.all())
    context = {
        "product": product,
        "version": version,
        "latest": versions[0],
        "versions": versions,
        "files": files,
        "cube": _cube(product, version),
        # The table a chart or infographic is drawn from, linked only if the viewer may see it.
        "drawn_from": Product.objects.visible_to(request.user).filter(pk=product.source_id).first()
        if product.source_id
        else None,
        "citation": citation(request, product, version),
        "is_published": ProductVersion.objects.released().filter(pk=version.pk).exists(),
        "release": release,
        "release_url": reverse("releases:release", args=[release.uuid])
        if release and can(request.user, Capability.MANAGE_RELEASES)
        else "",
        "errata": release.errata.all() if release else [],
        "can_manage": can(request.user, Capability.COMPOSE_PRODUCTS),
    }
    part = select_template([f"products/parts/{product.kind}.html", "products/parts/default.html"])
    context["part"] = part.render(context, request)
    return render(request, "products/product_detail.html", context)


def product_file(request: HttpRequest, slug: str, number: int, name: str) -> FileResponse:
    """One file of a version, through the gate; a pre-release read is logged."""
    product = access.product_for(request, slug)
    version = access.product_version_for(request, product, number)
    found = version.files.filter(name=name).first()
    if found is None:
        raise Http404(_("This version has no file with this name."))
    try:
        handle = default_storage.open(found.path, "rb")
    except FileNotFoundError:
        logger.error("The file %s of %s is missing from storage", found.path, version)
        raise Http404(_("This file cannot be found; the Walidata has been told.")) from None
    media = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=found.name, content_type=media)
    if not access.is_out(version):
        response["Cache-Control"] = "private, no-store"
    return response


# --- The Walidata's page of work -----------------------------------------------------------------


def _managed(slug: str) -> Product:
    return get_object_or_404(Product.objects.select_related("agency"), slug=slug[:120])


def _status(version: ProductVersion) -> dict[str, Any]:
    return {
        "versi": version.number,
        "status": version.generation,
        "status_teks": str(version.get_generation_display()),  # type: ignore[attr-defined]
        "kemajuan": version.progress,
        "galat": version.generation_error,
    }


@capability_required(Capability.COMPOSE_PRODUCTS)
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    product = _managed(slug)
    versions = list(product.versions.prefetch_related("files"))
    releases = {
        r.object_id: r for r in Release.objects.of(ProductVersion, [v.pk for v in versions])
    }
    return render(
        request,
        "products/product_manage.html",
        {
            "product": product,
            "task": SopTask.objects.for_subject(product).select_related("step").first(),
            "rows": [(v, releases.get(v.pk)) for v in versions],
            "now": timezone.now(),
            "running": any(v.generation in ("menunggu", "berjalan") for v in versions),
        },
    )


@capability_required(Capability.COMPOSE_PRODUCTS)
def manage_status(request: HttpRequest, slug: str) -> JsonResponse:
    """The generation of each version, for the progress bars of the page of work."""
    product = _managed(slug)
    return JsonResponse({"versi": [_status(v) for v in product.versions.all()]})


@require_POST
@capability_required(Capability.COMPOSE_PRODUCTS)
def generate(request: HttpRequest, slug: str) -> HttpResponse:
    """A new version of the product, its files made by the worker."""
    product = _managed(slug)
    try:
        version = new_version(request.user, product, request.POST.get("catatan", "")[:2000])  # type: ignore[arg-type]
    except ProductError as error:
        messages.error(request, error.message)
    else:
        start_generation(version)
        messages.success(
            request,
            _("Version %(n)s is being made; this page shows how far it is.")
            % {"n": version.number},
        )
    return redirect("products:manage", slug=product.slug)
