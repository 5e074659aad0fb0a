"""Addresses of this part of promotion (see ``satudata.promotion.urls``): share kits."""

from __future__ import annotations

from typing import Any

from django.urls import path

from satudata.promotion import views_share

urlpatterns: list[Any] = [
    path("bagikan/jadwal/<uuid:entry>/", views_share.entry_kit, name="share_entry"),
    path(
        "bagikan/jadwal/<uuid:entry>/<str:format>",
        views_share.entry_file,
        name="share_entry_file",
    ),
    path("bagikan/<uuid:release>/", views_share.share_kit, name="share"),
    path("bagikan/<uuid:release>/<str:format>", views_share.share_file, name="share_file"),
]
