from __future__ import annotations

from django.urls import path

from satudata.api import ckan

app_name = "api"

urlpatterns = [
    path("api", ckan.api_version, {"version": 1}, name="ckan-api"),
    path("api/3", ckan.api_version, {"version": 3}, name="ckan-api-3"),
    path("api/3/action/<str:name>", ckan.action, name="ckan-action"),
    path("api/action/<str:name>", ckan.action, name="ckan-action-unversioned"),
]
