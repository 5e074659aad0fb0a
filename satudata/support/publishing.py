"""Answers that help everyone: a confirmed data correction becomes an erratum on the release
(activity 3), and the requester is answered with it.

The agency that holds the data confirms the error (its producer says so on the ticket, or the
Walidata records that it did); the Walidata or the Kepala Bidang then notes the erratum, which
is published on the release's page like any other, and the ticket is answered in one step.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import record
from satudata.releases.models import Release
from satudata.releases.services import add_erratum
from satudata.releases.services.common import ReleaseRefused
from satudata.support import services
from satudata.support.models import Category, Ticket


@transaction.atomic
def erratum_from_ticket(
    *, actor: Any, ticket: Ticket, release: Release, note: str, significant: bool
) -> Ticket:
    """Note the erratum a "koreksi data" ticket found and answer the ticket with it."""
    require(actor, Capability.MANAGE_RELEASES)
    if ticket.category != Category.CORRECTION:
        raise services.SupportError(_("Only a data-correction ticket can start an erratum."))
    if not ticket.is_open:
        raise services.SupportError(_("This ticket is no longer open."))
    try:
        erratum = add_erratum(actor=actor, release=release, note=note, significant=significant)
    except ReleaseRefused as error:
        raise services.SupportError(str(error), "note") from error
    if ticket.release_id != release.pk:
        ticket.release = release
        ticket.save(update_fields=["release", "updated_at"])
    record(
        "support.erratum_started",
        actor=actor,
        obj=ticket,
        summary=f"Ralat pada {release.title} dari laporan {ticket.number}",
    )
    body = _(
        "Thank you: the error you reported was confirmed, and an erratum is now shown with the "
        "data (%(title)s): %(note)s"
    ) % {"title": release.title, "note": erratum.note}
    return services.answer(actor=actor, ticket=ticket, body=body)
