"""The Walidata's forms to compose charts and infographics (part D of issue 18)."""

from __future__ import annotations

from django.urls import path

from satudata.products import chart_views

app_name = "product_charts"

urlpatterns = [
    path("grafik/", chart_views.chart_new, name="chart-new"),
    path("infografis/", chart_views.infographic_new, name="infographic-new"),
]
