from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The machine channels of the data server: CKAN-compatible API, REST v1, catalogs."""

    name = "satudata.api"
    label = "api"
    verbose_name = _("Machine channels")
