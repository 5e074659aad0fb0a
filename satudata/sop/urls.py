from __future__ import annotations

from django.urls import path

from satudata.sop import views

app_name = "sop"

urlpatterns = [
    path("sop/", views.sop_page, name="sop"),
    path("sop/revisi/", views.sop_revise, name="sop-revise"),
    path("sop/revisi/<int:revision>/", views.sop_revision, name="sop-revision"),
    path("tugas/", views.dashboard, name="dashboard"),
    path("tugas/<int:pk>/", views.task_detail, name="task-detail"),
]
