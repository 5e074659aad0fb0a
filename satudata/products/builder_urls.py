"""The public table builder's addresses ("tabel dinamis"), one builder per published dataset."""

from __future__ import annotations

from django.urls import path, register_converter

from satudata.core.converters import words
from satudata.products import builder

register_converter(words(*(key for key, _ in builder.DOWNLOADS)), "tablefmt")

app_name = "builder"

urlpatterns = [
    path("tabel-dinamis/<slug:slug>/", builder.builder, name="table"),
    path("tabel-dinamis/<slug:slug>/tabel/", builder.fragment, name="fragment"),
    path("tabel-dinamis/<slug:slug>/unduh.<tablefmt:fmt>", builder.download, name="download"),
    path("tabel-dinamis/<slug:slug>/simpan/", builder.save, name="save"),
]
