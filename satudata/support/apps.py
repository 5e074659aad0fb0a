from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """SOP activity 5: the help desk (questions, data and KIP requests, complaints), the FAQ,
    the guest book and the IKM satisfaction survey."""

    name = "satudata.support"
    label = "support"
    verbose_name = _("User support")
