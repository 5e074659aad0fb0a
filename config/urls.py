"""Top-level URLs. Public URLs are Indonesian; each app owns its own list."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from satudata.api.rest import api

admin.site.site_header = "Administrasi Satu Data"
admin.site.site_title = "Administrasi Satu Data"

urlpatterns = [
    path("api/v1/", api.urls),
    # Composing charts and infographics (products); before any "produk/<slug>/" page.
    path("produk/susun/", include("satudata.products.chart_urls")),
    path("", include("satudata.portal.urls")),
    path("", include("satudata.api.urls")),
    path("", include("satudata.core.urls")),
    path("", include("satudata.accounts.urls")),
    path("", include("satudata.regions.urls")),
    path("", include("satudata.sop.urls")),
    path("", include("satudata.catalog.urls")),
    path("", include("satudata.releases.urls")),
    path("", include("satudata.products.builder_urls")),  # issue 18 (C): the table builder
    path("produk/", include("satudata.products.urls")),
    path("", include("satudata.products.publication_urls")),  # issue 18, part E
    path("", include("satudata.support.urls")),  # issue 19: SOP activity 5
    path("", include("satudata.promotion.urls")),  # issue 20: SOP activity 4
    # Issue 21, SOP activity 6: usage analytics, KPIs, SOP compliance, EPSS, the reports.
    path("laporan/pemanfaatan/parquet/", include("satudata.reports.urls_parquet")),
    path("", include("satudata.reports.urls_usage")),
    path("", include("satudata.reports.urls_epss")),
    path("", include("satudata.reports.urls_kpi")),
    path("laporan/", include("satudata.reports.urls_report")),
    # The language switch only sets the visitor's language cookie: a forged switch is harmless,
    # while a CSRF token in every page's header would give each public visitor a cookie and
    # make every page unique to its visitor (uncacheable).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "satudata.core.views.bad_request"
handler403 = "satudata.core.views.permission_denied"
handler404 = "satudata.core.views.page_not_found"
handler500 = "satudata.core.views.server_error"
