"""The site's URLs plus the report's, for the tests before the lead includes them."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [path("laporan/", include("satudata.reports.urls_report")), *site]
