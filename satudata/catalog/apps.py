from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """SOP activity 1: metadata, the Daftar Data, agency files and their synchronisation."""

    name = "satudata.catalog"
    label = "catalog"
    verbose_name = _("Catalogue and synchronisation")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        register_labels(
            {
                "catalog.data_list_imported": _("Daftar Data imported"),
                "catalog.data_list_approved": _("Daftar Data approved and frozen"),
                "catalog.dataset_created": _("Dataset created"),
                "catalog.upload_received": _("Upload received"),
                "catalog.upload_synchronised": _("Upload synchronised"),
                "catalog.upload_rejected": _("Upload not synchronised"),
                "catalog.letter_issued": _("Nota dinas issued"),
                "catalog.metadata_created": _("Statistical metadata created"),
                "catalog.metadata_changed": _("Statistical metadata changed"),
                "catalog.metadata_submitted": _("Statistical metadata submitted for review"),
                "catalog.metadata_approved": _("Statistical metadata approved"),
                "catalog.metadata_returned": _("Statistical metadata returned with comments"),
                "catalog.metadata_imported": _("Statistical metadata imported"),
                "catalog.version_published": _("Dataset version published"),
                "catalog.dataset_described": _("Dataset description changed"),
            }
        )
