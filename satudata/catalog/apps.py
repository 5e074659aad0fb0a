from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """SOP activity 1: metadata, the Daftar Data, agency files and their synchronisation."""

    name = "satudata.catalog"
    label = "catalog"
    verbose_name = _("Catalogue and synchronisation")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        self._watch_facet_values()

        register_labels(
            {
                "catalog.data_list_imported": _("Daftar Data imported"),
                "catalog.data_list_approved": _("Daftar Data approved and frozen"),
                "catalog.dataset_created": _("Dataset created"),
                "catalog.upload_received": _("Upload received"),
                "catalog.upload_synchronised": _("Upload synchronised"),
                "catalog.upload_rejected": _("Upload not synchronised"),
                "catalog.upload_check_retried": _("Interrupted check started again"),
                "catalog.upload_check_interrupted": _("Check stopped: its worker stopped"),
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

    @staticmethod
    def _watch_facet_values() -> None:
        """Every save that changes a dataset's facet values replaces ``CatalogStamp``'s token,
        so that each process rebuilds its copy of them (``facetindex``) at its next search."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from satudata.accounts.models import Agency
        from satudata.catalog.models import (
            CatalogStamp,
            DataItem,
            DataList,
            Dataset,
            Tag,
            Topic,
        )

        watched = {
            Dataset: {"agency", "agency_id", "sector", "license_id", "item", "item_id"},
            DataItem: {"frequency", "level", "data_list", "data_list_id"},
            DataList: {"year"},
            Agency: {"slug", "name"},
            Tag: {"name"},
            Topic: {"slug", "name"},
        }

        def saved(sender: Any, update_fields: Any = None, **_kwargs: Any) -> None:
            if update_fields is None or set(update_fields) & watched[sender]:
                CatalogStamp.touch()

        def linked(action: str, **_kwargs: Any) -> None:
            if action in ("post_add", "post_remove", "post_clear"):
                CatalogStamp.touch()

        for model in watched:
            post_save.connect(saved, sender=model, dispatch_uid=f"facets-saved-{model.__name__}")
            post_delete.connect(
                CatalogStamp.touch, sender=model, dispatch_uid=f"facets-gone-{model.__name__}"
            )
        for through in (Dataset.tags.through, Dataset.topics.through):
            m2m_changed.connect(linked, sender=through, dispatch_uid=f"facets-{through.__name__}")
