from __future__ import annotations

from django.urls import path, register_converter

from satudata.core.converters import words
from satudata.datastore.exports import MEDIA_TYPES
from satudata.portal import crawlers, views, workspace

register_converter(words(*MEDIA_TYPES), "dlfmt")
register_converter(words("json", "csv"), "pagefmt")

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("ruang-kerja/", workspace.workspace, name="workspace"),
    path("robots.txt", crawlers.robots, name="robots"),
    path("sitemap.xml", crawlers.sitemap_index, name="sitemap"),
    path("sitemap-halaman.xml", crawlers.sitemap_pages, name="sitemap-pages"),
    path("sitemap-produk.xml", crawlers.sitemap_products, name="sitemap-products"),
    path("sitemap-dataset-<int:number>.xml", crawlers.sitemap_datasets, name="sitemap-datasets"),
    path("dataset/", views.dataset_search, name="search"),
    path("dataset.<pagefmt:fmt>", views.dataset_search, name="search-file"),
    path("dataset/<slug:slug>/", views.dataset_detail, name="dataset"),
    path("dataset/<slug:slug>.<pagefmt:fmt>", views.dataset_file, name="dataset-file"),
    path("dataset/<slug:slug>/data.<dlfmt:fmt>", views.download, name="download"),
    path("dataset/<slug:slug>/v<int:number>/", views.dataset_detail, name="dataset-version"),
    path(
        "dataset/<slug:slug>/v<int:number>/data.<dlfmt:fmt>",
        views.download,
        name="download-version",
    ),
    path("dataset/<slug:slug>/v<int:number>/baris.json", views.rows, name="rows"),
    path("dataset/<slug:slug>/banding/", views.compare_versions, name="compare"),
    path(
        "dataset/<slug:slug>/banding.json",
        views.compare_versions,
        {"fmt": "json"},
        name="compare-json",
    ),
    path("dataset/<slug:slug>/v<int:number>/grafik.json", views.chart, name="chart"),
]
