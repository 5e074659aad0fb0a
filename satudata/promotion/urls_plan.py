"""Addresses of the promotion plan and its reach (see ``satudata.promotion.urls``): staff pages
under /promosi/."""

from __future__ import annotations

from django.urls import path

from satudata.promotion import views_plan as views

urlpatterns = [
    path("promosi/", views.plan_list, name="plan-list"),
    path("promosi/jangkauan/", views.reach_page, name="reach"),
    path("promosi/jangkauan.json", views.reach_json, name="reach-json"),
    path("promosi/rilis/<uuid:key>/", views.plan_detail, name="plan"),
    path("promosi/rilis/<uuid:key>/tambah/", views.plan_add, name="plan-add"),
    path("promosi/rilis/<uuid:key>/usulan/", views.plan_default, name="plan-default"),
    path("promosi/rilis/<uuid:key>/selesai/", views.plan_complete, name="plan-complete"),
    path("promosi/aksi/<slug:tag>/ubah/", views.action_edit, name="action-edit"),
    path("promosi/aksi/<slug:tag>/terlaksana/", views.action_done, name="action-done"),
    path("promosi/aksi/<slug:tag>/batal/", views.action_cancel, name="action-cancel"),
    path("promosi/aksi/<slug:tag>/bukti/", views.action_evidence, name="action-evidence"),
]
