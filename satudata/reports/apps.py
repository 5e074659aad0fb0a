from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """SOP activity 6: usage of the data server and (later) the dissemination report."""

    name = "satudata.reports"
    label = "reports"
    verbose_name = _("Reports")
