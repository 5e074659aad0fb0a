"""Erasing personal data of old requests (``SUPPORT_RETENTION_DAYS``; 0 keeps it).

A ticket closed longer ago than the retention period (or never closed and untouched for that
long: an abandoned request) keeps everything the public body must
account for — its number, category, channel, dates, state, outcome and the conversation's text
(UU 14/2008 asks for a register of requests and their handling) — but loses the requester's
name, e-mail, telephone, address and institution name; its secret link stops working, and the
copies of the e-mails sent to the requester (the outbox keeps every message: "Dear <name>", the
address, the secret link) lose their recipient and text, keeping subject, dates and status. Staff
should not write personal data into replies; the requester's own messages are kept as written,
since they are the request on record. Guest-book entries older than the period lose the
visitor's name and contact. Each run is audited and a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from satudata.core.audit import record
from satudata.core.models import MailKind, OutgoingMail
from satudata.support.models import GuestVisit, Ticket

ERASED = "(dihapus)"


def _cutoff(now: dt.datetime) -> dt.datetime | None:
    days = int(settings.SUPPORT_RETENTION_DAYS)
    return now - dt.timedelta(days=days) if days > 0 else None


def _due(cutoff: dt.datetime) -> tuple[QuerySet[Ticket], QuerySet[GuestVisit]]:
    """The tickets and guest-book entries older than ``cutoff`` not erased yet."""
    old = Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, updated_at__lt=cutoff)
    return (
        Ticket.objects.filter(old, personal_data_erased_at__isnull=True),
        GuestVisit.objects.filter(visited_at__lt=cutoff).exclude(name=ERASED),
    )


def expired(now: dt.datetime | None = None) -> tuple[int, int]:
    """How many tickets and guest-book entries the next run would erase."""
    cutoff = _cutoff(now or timezone.now())
    if cutoff is None:
        return 0, 0
    tickets, guests = _due(cutoff)
    return tickets.count(), guests.count()


def _erase_mail(numbers: list[str]) -> int:
    """The outbox's copies of what was sent to these tickets' requesters: ``notify_requester``
    writes each as "[number] …" (staff notices about a ticket are worded otherwise). One
    update per 200 tickets."""
    changed = 0
    for start in range(0, len(numbers), 200):
        subjects = Q()
        for number in numbers[start : start + 200]:
            subjects |= Q(subject__startswith=f"[{number}]")
        changed += (
            OutgoingMail.objects.filter(subjects, kind=MailKind.SUPPORT)
            .exclude(body=ERASED)
            .update(to=[], body=ERASED)
        )
    return changed


@transaction.atomic
def erase_expired(now: dt.datetime | None = None) -> int:
    """Erase what is past the retention period; the number of records changed."""
    now = now or timezone.now()
    cutoff = _cutoff(now)
    if cutoff is None:
        return 0
    tickets, visits = _due(cutoff)
    _erase_mail(list(tickets.values_list("number", flat=True)))
    erased = tickets.update(
        requester_name=ERASED,
        requester_email="",
        requester_phone="",
        requester_address="",
        institution_name="",
        personal_data_erased_at=now,
    )
    guests = visits.update(name=ERASED, contact="")
    if erased or guests:
        record(
            "support.personal_data_erased",
            actor=None,
            actor_label="sistem",
            summary=(
                f"Data pribadi dihapus: {erased} tiket ditutup sebelum {cutoff:%Y-%m-%d}, "
                f"{guests} entri buku tamu"
            ),
        )
    return erased + guests
