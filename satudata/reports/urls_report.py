"""The dissemination report's pages, under /laporan/."""

from __future__ import annotations

from django.urls import path

from satudata.reports import views_report as views

app_name = "laporan"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<uuid:uuid>/", views.report_detail, name="detail"),
    path("<uuid:uuid>/status/", views.report_status, name="status"),
    path("<uuid:uuid>/unduh/<str:fmt>/", views.report_file, name="file"),
    path("<uuid:uuid>/buat-ulang/", views.regenerate, name="regenerate"),
    path("<uuid:uuid>/narasi/<str:key>/", views.narrative, name="narrative"),
    path("<uuid:uuid>/ajukan/", views.submit, name="submit"),
    path("<uuid:uuid>/tinjau/", views.review, name="review"),
    path("<uuid:uuid>/tanda-tangan/", views.sign, name="sign"),
    path("<uuid:uuid>/terbitkan/", views.publish, name="publish"),
]
