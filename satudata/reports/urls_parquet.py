"""Staff downloads of the usage rollups as Parquet; included at ``laporan/pemanfaatan/parquet/``."""

from __future__ import annotations

from django.urls import path

from satudata.reports import views_parquet

app_name = "usage_export"

urlpatterns = [
    path("", views_parquet.index, name="index"),
    path("<slug:name>.parquet", views_parquet.table, name="table"),
]
