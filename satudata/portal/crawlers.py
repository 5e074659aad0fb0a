"""What search engines read: ``robots.txt`` and the sitemap. The sitemap lists what the public
may see (the gate asked for an anonymous visitor, whoever fetches it), in files of at most
10,000 addresses under one index, as the sitemap protocol allows 50,000 a file."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import Agency
from satudata.catalog.models import Dataset
from satudata.core.models import SiteProfile
from satudata.products.models import Product, ProductVersion
from satudata.regions.models import Region

PER_FILE = 10_000
XML = "application/xml; charset=utf-8"
SITEMAP_FILES_MAX = 50_000  # the protocol's limit of files in one index
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /akun/",
        "Disallow: /masuk/",
        "Disallow: /keluar/",
        "Disallow: /audit/",
        "Disallow: /tugas/",
        "Disallow: /unggahan/",
        "Disallow: /item-data/",
        "Disallow: /nota-dinas/",
        "Disallow: /api/",
        "Allow: /api/v1/docs",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_index(request: HttpRequest) -> HttpResponse:
    count = Dataset.objects.visible_to(AnonymousUser()).count()
    files = [reverse("portal:sitemap-pages"), reverse("portal:sitemap-products")] + [
        reverse("portal:sitemap-datasets", args=[n])
        for n in range(1, math.ceil(count / PER_FILE) + 1)
    ]
    body = "".join(
        f"<sitemap><loc>{escape(request.build_absolute_uri(path))}</loc></sitemap>"
        for path in files
    )
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {NS}>{body}</sitemapindex>\n',
        content_type=XML,
    )


def _urlset(request: HttpRequest, entries: list[tuple[str, str | None]]) -> HttpResponse:
    body = "".join(
        f"<url><loc>{escape(request.build_absolute_uri(path))}</loc>"
        + (f"<lastmod>{modified}</lastmod>" if modified else "")
        + "</url>"
        for path, modified in entries
    )
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>{body}</urlset>\n', content_type=XML
    )


def sitemap_pages(request: HttpRequest) -> HttpResponse:
    """The portal's own pages, agencies, the Daftar Data and the regency's regions."""
    entries: list[tuple[str, str | None]] = [
        (reverse(name), None)
        for name in (
            "portal:home",
            "portal:search",
            "accounts:agency-list",
            "catalog:datalist-list",
            "regions:region-index",
            "catalog:metadata-index",
        )
    ]
    entries += [
        (reverse("accounts:agency-detail", args=[slug]), None)
        for slug in Agency.objects.active().values_list("slug", flat=True)
    ]
    code = SiteProfile.current().region_code
    if code:
        regions = Region.objects.filter(code=code) | Region.objects.under(code)
        entries += [
            (reverse("regions:region-detail", args=[c]), None)
            for c in regions.values_list("code", flat=True)
        ]
    return _urlset(request, entries)


def sitemap_datasets(request: HttpRequest, number: int) -> HttpResponse:
    # Checked before slicing: file 0 asked for a negative slice (a 500), and a number past
    # 64 bits reached the database as an offset.
    if not 1 <= number <= SITEMAP_FILES_MAX:
        raise Http404
    public = AnonymousUser()
    datasets = Dataset.objects.visible_to(public).with_release_times().order_by("pk")
    # ``changed_at``: the newest release's time, not when it was scheduled.
    page = datasets[(number - 1) * PER_FILE : number * PER_FILE]
    chosen = page.values_list("slug", "changed_at", "modified_at")
    if number < 1 or (number > 1 and not chosen):
        raise Http404
    return _urlset(
        request,
        [
            (reverse("portal:dataset", args=[slug]), (changed or edited).date().isoformat())
            for slug, changed, edited in chosen
        ],
    )


def sitemap_products(request: HttpRequest) -> HttpResponse:
    """The product list and each product out for everyone (SOP activity 2), with the time of
    its newest released version."""
    newest: dict[int, str] = {}
    released = ProductVersion.objects.visible_to(AnonymousUser()).order_by("product_id", "-number")
    for product_id, published in released.values_list("product_id", "published_at")[:PER_FILE]:
        newest.setdefault(product_id, timezone.localtime(published).date().isoformat())
    slugs = Product.objects.filter(pk__in=list(newest)).order_by("pk").values_list("pk", "slug")
    return _urlset(
        request,
        [(reverse("products:list"), None)]
        + [(reverse("products:detail", args=[slug]), newest[pk]) for pk, slug in slugs],
    )
