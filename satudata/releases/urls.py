from __future__ import annotations

from django.urls import path, register_converter

from satudata.core.converters import words
from satudata.releases import feeds, views

register_converter(words("xlsx", "pdf"), "productfmt")
register_converter(words("json"), "jsonfmt")

app_name = "releases"

urlpatterns = [
    # Public: the calendar, its feeds, the Daftar Produk Diseminasi, punctuality.
    path("jadwal-rilis/", views.calendar, name="calendar"),
    path("jadwal-rilis.ics", views.calendar_ics, name="calendar-ics"),
    path("jadwal-rilis.json", views.calendar_json, name="calendar-json"),
    path("jadwal-rilis/<uuid:key>/", views.entry_detail, name="entry"),
    path("rilis.rss", feeds.ReleasesFeed(), name="feed-rss"),
    path("rilis.atom", feeds.ReleasesAtom(), name="feed-atom"),
    path("daftar-produk/", views.daftar_produk_page, name="daftar-produk"),
    path("daftar-produk.<productfmt:fmt>", views.daftar_produk_page, name="daftar-produk-file"),
    path("ketepatan-waktu/", views.punctuality_page, name="punctuality"),
    path("ketepatan-waktu.<jsonfmt:fmt>", views.punctuality_page, name="punctuality-file"),
    # The Walidata's and the Kepala Bidang's desk.
    path("rilis/", views.desk, name="desk"),
    path("rilis/rencanakan/", views.plan_year, name="plan-year"),
    path("rilis/<uuid:key>/", views.release_detail, name="release"),
    path("rilis/<uuid:key>/<slug:action>/", views.release_action, name="release-action"),
    path("jadwal-rilis/<uuid:key>/<slug:action>/", views.entry_action, name="entry-action"),
]
