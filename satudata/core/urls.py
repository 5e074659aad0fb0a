from __future__ import annotations

from django.urls import path

from satudata.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("audit/", views.audit_log, name="audit"),
]
