"""Addresses of this part of promotion (see ``satudata.promotion.urls``)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
