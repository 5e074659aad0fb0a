from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The data server's public pages (SOP activity 3): where released data reach people."""

    name = "satudata.portal"
    label = "portal"
    verbose_name = _("Public portal")
