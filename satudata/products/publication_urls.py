"""Addresses of the publication editor (staff only), mounted at ``/kelola-publikasi/``; the
public product pages are ``products:*``."""

from __future__ import annotations

from django.urls import path

from satudata.products import publication_views as views

app_name = "publications"

urlpatterns = [
    path("kelola-publikasi/baru/", views.publication_new, name="new"),
    path("kelola-publikasi/<slug:slug>/", views.publication_edit, name="edit"),
    path("kelola-publikasi/<slug:slug>/bab/tambah/", views.chapter_add, name="chapter-add"),
    path("kelola-publikasi/<slug:slug>/bab/<int:pk>/", views.chapter_edit, name="chapter"),
    path(
        "kelola-publikasi/<slug:slug>/bab/<int:pk>/pindah/",
        views.chapter_move,
        name="chapter-move",
    ),
    path(
        "kelola-publikasi/<slug:slug>/bab/<int:pk>/hapus/",
        views.chapter_remove,
        name="chapter-remove",
    ),
    path(
        "kelola-publikasi/<slug:slug>/bab/<int:pk>/produk/",
        views.binding_add,
        name="binding-add",
    ),
    path(
        "kelola-publikasi/<slug:slug>/bab/<int:pk>/produk/<int:binding>/pindah/",
        views.binding_move,
        name="binding-move",
    ),
    path(
        "kelola-publikasi/<slug:slug>/bab/<int:pk>/produk/<int:binding>/hapus/",
        views.binding_remove,
        name="binding-remove",
    ),
]
