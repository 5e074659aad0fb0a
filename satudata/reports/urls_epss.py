"""The EPSS evidence (activity 6, point 6), mounted at the site root."""

from __future__ import annotations

from django.urls import path

from satudata.reports import views_epss

app_name = "epss"

urlpatterns = [
    path("laporan/epss/", views_epss.evidence_page, name="evidence"),
    path("laporan/epss.xlsx", views_epss.evidence_xlsx, name="evidence-xlsx"),
    path("laporan/epss.pdf", views_epss.evidence_pdf, name="evidence-pdf"),
]
