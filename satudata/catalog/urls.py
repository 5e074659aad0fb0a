from __future__ import annotations

from django.urls import path

from satudata.catalog import api, views

app_name = "catalog"

urlpatterns = [
    path("daftar-data/", views.data_list_index, name="datalist-list"),
    path("daftar-data/impor/", views.data_list_import, name="datalist-import"),
    path("daftar-data/<int:year>/", views.data_list_detail, name="datalist-detail"),
    path("daftar-data/<int:year>.xlsx", views.data_list_xlsx_view, name="datalist-xlsx"),
    path("daftar-data/<int:year>.pdf", views.data_list_pdf_view, name="datalist-pdf"),
    path("daftar-data/<int:year>/setujui/", views.data_list_approve, name="datalist-approve"),
    path("item-data/<int:pk>/unggah/", views.item_upload, name="item-upload"),
    path("unggahan/<int:pk>/", views.upload_report, name="upload-report"),
    path("unggahan/<int:pk>/status.json", views.upload_status, name="upload-status"),
    path("unggahan/<int:pk>/periksa-ulang/", views.upload_recheck, name="upload-recheck"),
    path("api/v1/unggahan/<int:pk>", api.upload_detail, name="api-upload"),
    path("api/v1/item-data/<int:pk>/unggahan", api.item_upload, name="api-item-upload"),
    path("nota-dinas/", views.letter_list, name="letter-list"),
    path("nota-dinas/<int:pk>.<str:kind>", views.letter_file, name="letter-file"),
]
