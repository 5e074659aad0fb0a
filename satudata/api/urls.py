from __future__ import annotations

from django.urls import path, register_converter

from satudata.api import ckan, datapackage, dcat, developers, pod
from satudata.core.converters import words

register_converter(words(*dcat.SERIALISATIONS), "rdffmt")

app_name = "api"

urlpatterns = [
    path("pengembang/", developers.developers, name="developers"),
    path("api", ckan.api_version, {"version": 1}, name="ckan-api"),
    path("api/3", ckan.api_version, {"version": 3}, name="ckan-api-3"),
    path("api/3/action/<str:name>", ckan.action, name="ckan-action"),
    path("api/action/<str:name>", ckan.action, name="ckan-action-unversioned"),
    path("catalog.<rdffmt:fmt>", dcat.catalog, name="dcat-catalog"),
    path("dataset/<slug:slug>.<rdffmt:fmt>", dcat.dataset, name="dcat-dataset"),
    path("data.json", pod.data_json, name="data-json"),
    path("dataset/<slug:slug>/datapackage.json", datapackage.datapackage, name="datapackage"),
]
