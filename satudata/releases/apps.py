from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    """SOP activity 3: the release workflow, the release calendar (Jadwal Rilis), embargo with
    pre-release access, errata and withdrawals, and the Daftar Produk Diseminasi."""

    name = "satudata.releases"
    label = "releases"
    verbose_name = _("Releases")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        register_labels(
            {
                "releases.entry_planned": _("Release calendar entry planned"),
                "releases.entry_confirmed": _("Release date confirmed"),
                "releases.entry_rescheduled": _("Release date changed"),
                "releases.entry_cancelled": _("Release cancelled"),
                "releases.created": _("Release prepared"),
                "releases.submitted": _("Release submitted for approval"),
                "releases.returned": _("Release returned with comments"),
                "releases.approved": _("Release approved"),
                "releases.scheduled": _("Release scheduled"),
                "releases.unscheduled": _("Release taken off the schedule"),
                "releases.date_requested": _("New release date asked for"),
                "releases.date_approved": _("New release date approved"),
                "releases.date_refused": _("New release date refused"),
                "releases.published_now": _("Released at once without the calendar"),
                "releases.withdrawn": _("Release withdrawn"),
                "releases.corrected": _("Erratum added"),
                "releases.access_granted": _("Pre-release access granted"),
                "releases.access_revoked": _("Pre-release access revoked"),
            }
        )
