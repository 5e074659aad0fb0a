from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "satudata.sop"
    label = "sop"
    verbose_name = _("SOP Penyebarluasan Data")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        register_labels(
            {
                "sop.loaded": _("SOP loaded"),
                "sop.revised": _("SOP revised"),
                "sop.task_opened": _("SOP task opened"),
                "sop.task_started": _("SOP task started"),
                "sop.task_completed": _("SOP task completed"),
                "sop.task_noted": _("Note written on an SOP task"),
                "sop.task_cancelled": _("SOP task cancelled"),
                "sop.task_reassigned": _("SOP task reassigned"),
                "sop.holidays_loaded": _("Public holidays loaded"),
            }
        )
