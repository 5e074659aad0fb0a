"""The site's addresses plus the usage Parquet downloads, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [
    path("laporan/pemanfaatan/parquet/", include("satudata.reports.urls_parquet")),
    *site,
]
