"""Reminders before a ticket's deadline, escalation of missed ones, and how the desk words a
deadline ("2 working days left", "3 working days late").

``remind_and_escalate`` runs every half hour in the scheduler (``support-deadlines``), possibly
in several workers at once. For each open ticket whose clocks run (not waiting for the
requester):

* ``SUPPORT_REMINDER_HOURS`` before its running deadline (the first response while it is
  still received, and the answer) the handler(s) are reminded;
* once a deadline has passed the Kepala Bidang is told (escalation).

An objection not yet decided is reminded to those who decide it (the Kepala Dinas) before its
30 working days run out, and escalated to them and the Kepala Bidang once they have.

Each alert is sent once per (ticket, kind, deadline): a ``TicketAlert`` row is created inside
a savepoint before the notice, and the unique constraint refuses a second one, whichever worker
comes second. A deadline that moves (extension, pause) is a new deadline, so its alerts are due
again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.roles import GRANTS, Capability, Role
from satudata.sop.workdays import WIB, holiday_dates, working_days_between
from satudata.support.models import Objection, State, Ticket, TicketAlert

REMINDER = "reminder"
ESCALATION = "escalation"
OBJECTION_REMINDER = "objection-reminder"
OBJECTION_ESCALATION = "objection-late"
# (deadline field, states in which it runs); the answer deadline runs in every open state.
_DEADLINES = (("first_response_due", (State.RECEIVED,)), ("answer_due", None))


def running_deadline(ticket: Ticket) -> dt.datetime:
    """The deadline that matters now: the first response while received, else the answer."""
    if ticket.state == State.RECEIVED:
        return min(ticket.first_response_due, ticket.answer_due)
    return ticket.answer_due


@dataclass(frozen=True)
class DeadlineStatus:
    due: dt.datetime
    days_left: int  # working days after today up to the due day (0: due today)
    days_late: int  # whole working days past due (0: on time)
    paused: bool

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


def status(
    deadline: dt.datetime,
    at: dt.datetime,
    holidays: Collection[dt.date] | None = None,
    *,
    paused: bool = False,
) -> DeadlineStatus:
    """Working days left or late (as ``clocks.working_days_late``); ``holidays`` lets a page
    read the calendar once for all its rows."""
    start, end = at.astimezone(WIB).date(), deadline.astimezone(WIB).date()
    if holidays is None:
        holidays = holiday_dates(min(start, end), max(start, end))
    if at <= deadline:
        return DeadlineStatus(deadline, working_days_between(start, end, holidays), 0, paused)
    late = max(1, working_days_between(end, start, holidays))
    return DeadlineStatus(deadline, 0, late, paused)


def _alert_once(
    ticket: Ticket, kind: str, deadline: dt.datetime, send: Callable[[], object]
) -> bool:
    """Record the alert and ``send`` it, unless one for this (ticket, kind, deadline) exists;
    True when this call sent it. The row and the notices commit together."""
    try:
        with transaction.atomic():
            TicketAlert.objects.create(ticket=ticket, kind=kind, deadline=deadline)
            send()
    except IntegrityError:
        return False  # another worker (or an earlier run) sent it
    return True


def send_once(ticket: Ticket, kind: str, deadline: dt.datetime) -> bool:
    """The ticket's reminder (to its handlers) or escalation (to the Kepala Bidang), once."""
    from satudata.accounts.services import notify
    from satudata.support.services import _when, handlers

    values = {"number": ticket.number, "subject": ticket.subject, "due": _when(deadline)}
    if kind == REMINDER:
        people: Any = handlers(ticket)
        title = _("Ticket %(number)s is due %(due)s") % values
        body = _("%(number)s · %(subject)s: the deadline is %(due)s, 23:59 WIB.") % values
    else:
        people = _people({Role.KEPALA_BIDANG})
        title = _("Ticket %(number)s missed its deadline") % values
        body = (
            _(
                "%(number)s · %(subject)s was due %(due)s and is not yet done. "
                "Please follow it up with the handler."
            )
            % values
        )
    url = reverse("support:ticket", args=[ticket.pk])
    return _alert_once(
        ticket, kind, deadline, lambda: notify(people, title=title, body=body, url=url)
    )


def _people(roles: Collection[str]) -> Any:
    from satudata.accounts.models import User

    return User.objects.filter(role__in=roles, is_active=True)


def send_objection_once(objection: Objection, kind: str) -> bool:
    """The objection's reminder (to those who decide it) or escalation (to them and the
    Kepala Bidang), once per (ticket, kind, due time)."""
    from satudata.accounts.services import notify
    from satudata.support.services import _when

    deciders = set(GRANTS[Capability.DECIDE_OBJECTIONS])
    values = {"number": objection.ticket.number, "due": _when(objection.due_at)}
    if kind == OBJECTION_REMINDER:
        title = _("The objection on %(number)s is to be decided by %(due)s") % values
    else:
        deciders.add(Role.KEPALA_BIDANG)
        title = _("The objection on %(number)s was due %(due)s and is undecided") % values
    body = _(
        "UU 14/2008 gives the superior 30 working days to decide an objection; "
        "after that the requester may take it to the Komisi Informasi."
    )
    url = reverse("support:objection_decide", args=[objection.pk])
    return _alert_once(
        objection.ticket,
        kind,
        objection.due_at,
        lambda: notify(_people(deciders), title=title, body=body, url=url),
    )


def _remind_objections(at: dt.datetime, soon: dt.datetime) -> int:
    undecided = Objection.objects.filter(decision="").select_related("ticket")
    sent = 0
    for kind, window in (
        (OBJECTION_REMINDER, {"due_at__gte": at, "due_at__lt": soon}),
        (OBJECTION_ESCALATION, {"due_at__lt": at}),
    ):
        already = TicketAlert.objects.filter(
            ticket=OuterRef("ticket"), kind=kind, deadline=OuterRef("due_at")
        )
        for objection in undecided.filter(**window).exclude(Exists(already)).order_by("due_at"):
            sent += send_objection_once(objection, kind)
    return sent


def remind_and_escalate(at: dt.datetime | None = None) -> int:
    """Send the reminders and escalations now due; returns how many were sent."""
    at = at or timezone.now()
    soon = at + dt.timedelta(hours=settings.SUPPORT_REMINDER_HOURS)
    running = Ticket.objects.open().exclude(state=State.WAITING).select_related("assignee")
    sent = 0
    for field, states in _DEADLINES:
        scoped = running.filter(state__in=states) if states else running
        for kind, window in (
            (REMINDER, {f"{field}__gte": at, f"{field}__lt": soon}),
            (ESCALATION, {f"{field}__lt": at}),
        ):
            already = TicketAlert.objects.filter(
                ticket=OuterRef("pk"), kind=kind, deadline=OuterRef(field)
            )
            for ticket in scoped.filter(**window).exclude(Exists(already)).order_by(field):
                sent += send_once(ticket, kind, getattr(ticket, field))
    return sent + _remind_objections(at, soon)
