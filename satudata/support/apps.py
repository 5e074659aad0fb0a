from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """SOP activity 5: the help desk (questions, data and KIP requests, complaints), the FAQ,
    the guest book and the IKM satisfaction survey."""

    name = "satudata.support"
    label = "support"
    verbose_name = _("User support")

    def ready(self) -> None:
        from satudata.core.audit import register_labels

        register_labels(
            {
                "support.ticket_received": _("Request received"),
                "support.ticket_acknowledged": _("Request acknowledged"),
                "support.ticket_started": _("Work on the request started"),
                "support.ticket_replied": _("Reply to the requester"),
                "support.ticket_noted": _("Internal note"),
                "support.ticket_requester_replied": _("The requester replied"),
                "support.ticket_assigned": _("Request assigned"),
                "support.ticket_extended": _("Deadline extended"),
                "support.ticket_answered": _("Request answered"),
                "support.ticket_closed": _("Request closed"),
                "support.ticket_merged": _("Request merged"),
                "support.objection_filed": _("Objection filed"),
                "support.objection_decided": _("Objection decided"),
                "support.ticket_informed": _("Further news to the requester"),
                "support.erratum_started": _("Erratum from a data correction"),
                "support.adhoc_table": _("Ad hoc table from a data request"),
                "support.faq_created": _("FAQ entry written"),
                "support.faq_changed": _("FAQ entry changed"),
                "support.canned_saved": _("Canned reply saved"),
                "support.guest_recorded": _("Guest-book visit recorded"),
                "support.personal_data_erased": _("Requesters' personal data erased"),
            }
        )
