"""The site's addresses with the usage dashboard's, until config/urls.py includes them."""

from __future__ import annotations

from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site

urlpatterns = [*site, path("", include("satudata.reports.urls_usage"))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
