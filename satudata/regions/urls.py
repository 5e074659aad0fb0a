from __future__ import annotations

from django.urls import path

from satudata.regions import views

app_name = "regions"

urlpatterns = [
    path("wilayah/", views.region_index, name="region-index"),
    path("wilayah/<str:code>/", views.region_detail, name="region-detail"),
]
