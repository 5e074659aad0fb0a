"""Addresses of this part of promotion (see ``satudata.promotion.urls``): the widget pages other
websites frame, and the snippet builder."""

from __future__ import annotations

from typing import Any

from django.urls import path

from satudata.promotion import views_widgets

urlpatterns: list[Any] = [
    path("widget/", views_widgets.builder, name="widget-builder"),
    path("widget/contoh/", views_widgets.sample_site, name="widget-sample"),
    path("widget/rilis-mendatang/", views_widgets.upcoming, name="widget-upcoming"),
    path("widget/angka/<slug:slug>/", views_widgets.figure, name="widget-figure"),
    path("widget/grafik/<slug:slug>/", views_widgets.chart, name="widget-chart"),
]
