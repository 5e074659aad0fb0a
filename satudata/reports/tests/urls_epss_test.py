"""The site's URLs plus the EPSS evidence, for tests before ``config/urls.py`` includes it."""

from __future__ import annotations

from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site

urlpatterns = [path("", include("satudata.reports.urls_epss")), *site]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
