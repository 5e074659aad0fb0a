"""The KPI pages under ``/laporan/`` (included by config/urls.py)."""

from __future__ import annotations

from django.urls import path

from satudata.reports import views_kpi

app_name = "kpi"

urlpatterns = [
    path("laporan/kpi/", views_kpi.kpi_page, name="table"),
    path("laporan/kpi.csv", views_kpi.kpi_page, {"fmt": "csv"}, name="table-csv"),
    path("laporan/kpi.json", views_kpi.kpi_page, {"fmt": "json"}, name="table-json"),
    path("laporan/kpi/target/", views_kpi.targets_page, name="targets"),
    path("laporan/kepatuhan-sop/", views_kpi.compliance_page, name="compliance"),
    path(
        "laporan/kepatuhan-sop.csv",
        views_kpi.compliance_page,
        {"fmt": "csv"},
        name="compliance-csv",
    ),
    path(
        "laporan/kepatuhan-sop.json",
        views_kpi.compliance_page,
        {"fmt": "json"},
        name="compliance-json",
    ),
]
