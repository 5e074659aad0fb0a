"""Addresses of the products (SOP activity 2), mounted at ``/produk/``."""

from __future__ import annotations

from django.urls import path

from satudata.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("<slug:slug>/", views.product_detail, name="detail"),
    path("<slug:slug>/v<int:number>/", views.product_detail, name="version"),
    path("<slug:slug>/v<int:number>/berkas/<str:name>", views.product_file, name="file"),
    path("<slug:slug>/kelola/", views.manage, name="manage"),
    path("<slug:slug>/kelola/status.json", views.manage_status, name="manage-status"),
    path("<slug:slug>/kelola/buat-versi/", views.generate, name="generate"),
]
