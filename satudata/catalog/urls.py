from __future__ import annotations

from django.urls import path, register_converter

from satudata.catalog import views
from satudata.catalog.metadata import views as metadata
from satudata.core.converters import words

# kegiatan (MS-Keg), variabel (MS-Var), indikator (MS-Ind)
register_converter(words("kegiatan", "variabel", "indikator"), "mskind")

app_name = "catalog"

urlpatterns = [
    path("daftar-data/", views.data_list_index, name="datalist-list"),
    path("daftar-data/impor/", views.data_list_import, name="datalist-import"),
    path("daftar-data/<int:year>/", views.data_list_detail, name="datalist-detail"),
    path("daftar-data/<int:year>.xlsx", views.data_list_xlsx_view, name="datalist-xlsx"),
    path("daftar-data/<int:year>.pdf", views.data_list_pdf_view, name="datalist-pdf"),
    path("daftar-data/<int:year>/setujui/", views.data_list_approve, name="datalist-approve"),
    path("dataset/<slug:slug>/keterangan/", views.dataset_describe, name="dataset-describe"),
    path("item-data/<int:pk>/unggah/", views.item_upload, name="item-upload"),
    path("item-data/<int:pk>/keterangan/", views.item_describe, name="item-describe"),
    path("unggahan/<int:pk>/", views.upload_report, name="upload-report"),
    path("unggahan/<int:pk>/status.json", views.upload_status, name="upload-status"),
    path("unggahan/<int:pk>/periksa-ulang/", views.upload_recheck, name="upload-recheck"),
    path("metadata/", metadata.metadata_index, name="metadata-index"),
    path("metadata/impor/", metadata.metadata_import, name="metadata-import"),
    path("metadata/ekspor.<str:fmt>", metadata.metadata_export, name="metadata-export"),
    path("metadata/<mskind:slug>/baru/", metadata.record_new, name="metadata-new"),
    path("metadata/<mskind:slug>/<int:pk>/", metadata.record_detail, name="metadata-detail"),
    path("metadata/<mskind:slug>/<int:pk>.<str:fmt>", metadata.record_export, name="metadata-file"),
    path("metadata/<mskind:slug>/<int:pk>/ubah/", metadata.record_edit, name="metadata-edit"),
    path("metadata/<mskind:slug>/<int:pk>/ajukan/", metadata.record_submit, name="metadata-submit"),
    path("metadata/<mskind:slug>/<int:pk>/tinjau/", metadata.record_review, name="metadata-review"),
    path(
        "metadata/kegiatan/<int:pk>/ms-var/",
        metadata.activity_variables,
        name="metadata-activity-variables",
    ),
    path("nota-dinas/", views.letter_list, name="letter-list"),
    path("nota-dinas/<int:pk>.<str:kind>", views.letter_file, name="letter-file"),
]
