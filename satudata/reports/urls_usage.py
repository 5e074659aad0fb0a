"""Addresses of the staff's usage dashboard (SOP activity 6), under /laporan/pemanfaatan/.
Every address takes the dashboard's filters as GET parameters."""

from __future__ import annotations

from django.urls import path

from satudata.reports import views_usage as views

app_name = "usage"

urlpatterns = [
    path("laporan/pemanfaatan/", views.dashboard, name="dashboard"),
    path("laporan/pemanfaatan/grafik/<slug:figure>.json", views.chart, name="chart"),
    path("laporan/pemanfaatan/<slug:figure>.csv", views.figure_csv, name="figure-csv"),
    path("laporan/pemanfaatan/<slug:figure>.json", views.figure_json, name="figure-json"),
]
