"""A test URLconf: the site's plus the KPI pages, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [path("", include("satudata.reports.urls_kpi")), *site]
