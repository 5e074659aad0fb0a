from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "satudata.regions"
    label = "regions"
    verbose_name = _("Regions (kode referensi wilayah)")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        register_labels({"regions.imported": _("Region codes imported")})
