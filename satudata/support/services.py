"""Every step of a ticket: one service each, run in a transaction under the ticket's row lock,
audited, and told to the requester by e-mail where they should know.

The state machine (``State``)::

    received → acknowledged → in_progress ⇄ waiting → answered → closed

A public reply acknowledges a received ticket; answering is possible from any open state;
``wait`` stops the clocks and a requester's reply (or a staff step) resumes them. A closed or
merged ticket takes no more steps. Who may act: ``may_handle``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.permissions import can, role_of
from satudata.accounts.roles import Capability, Role
from satudata.core.audit import record
from satudata.core.mail import send
from satudata.core.models import MailKind, SiteProfile
from satudata.support import clocks
from satudata.support.models import (
    OPEN_STATES,
    Category,
    Channel,
    KipOutcome,
    MessageKind,
    Objection,
    ObjectionDecision,
    ObjectionReason,
    State,
    Ticket,
    TicketMessage,
    TicketSequence,
)

if TYPE_CHECKING:
    from satudata.accounts.models import Agency, User

SOP_STEP = "layanan"
MAX_MESSAGE = 20_000


class SupportError(ValueError):
    """A step that cannot be taken, said in the user's language; ``field`` names the form field
    at fault (empty when the error concerns the whole ticket)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, kw_only=True)
class NewFile:
    """An attachment as received, already checked by ``satudata.support.attachments``."""

    filename: str
    content: bytes
    mimetype: str


# --- Helpers --------------------------------------------------------------------------------

# A history recorded after the fact (the demo's sample month) takes its steps "as of" their
# own moments: see ``as_of``. Every person's step is taken now.
_AS_OF: ContextVar[dt.datetime | None] = ContextVar("support_as_of", default=None)


@contextmanager
def as_of(moment: dt.datetime) -> Iterator[None]:
    """Take the steps inside the block as if at ``moment``: their messages, state times,
    deadlines and audit rows. For writing a past history (the demo), never for a person's
    step. The audit log is append-only, so its rows cannot be moved to their moment later."""
    token = _AS_OF.set(moment)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def _now() -> dt.datetime:
    return _AS_OF.get() or timezone.now()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ticket_by_token(token: str) -> Ticket | None:
    """The ticket a secret link opens; None for a wrong, guessed or erased link."""
    if not token or len(token) > 100:
        return None
    return (
        Ticket.objects.filter(secret_hash=token_hash(token), personal_data_erased_at__isnull=True)
        .select_related("merged_into")
        .first()
    )


# The link to a closed ticket's survey sent with the closing e-mail. The ticket keeps only its
# secret's hash, so the secret cannot be sent again: the survey gets a link of its own, the
# ticket's number signed with the site's key. It opens that ticket's survey and nothing else
# (no conversation, no contact data), and the survey takes one answer per ticket.
SURVEY_SALT = "satudata.support.survey"


def survey_token(ticket: Ticket) -> str:
    return signing.Signer(salt=SURVEY_SALT, sep=".").sign(str(ticket.pk))


def ticket_by_survey_token(token: str) -> Ticket | None:
    """The ticket a survey link names; None for a forged, altered or erased one."""
    if not token or len(token) > 100:
        return None
    try:
        pk = signing.Signer(salt=SURVEY_SALT, sep=".").unsign(token)
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return (
        Ticket.objects.filter(pk=int(pk), personal_data_erased_at__isnull=True)
        .select_related("merged_into")
        .first()
    )


def site_url(path: str) -> str:
    """A path of the site as the address a requester's e-mail carries."""
    return settings.SITE_URL.rstrip("/") + path


def ticket_url(token: str) -> str:
    return site_url(reverse("support:follow", args=[token]))


def may_handle(user: Any, ticket: Ticket) -> bool:
    """Walidata staff handle every ticket; a producer the tickets assigned to it by name or to
    one of its agencies."""
    if can(user, Capability.HANDLE_TICKETS):
        return True
    if role_of(user) != Role.PRODUSEN:
        return False
    return ticket.assignee_id == user.pk or (
        ticket.agency_id is not None and ticket.agency_id in user.agency_ids()
    )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _require_handler(actor: Any, ticket: Ticket) -> None:
    if not may_handle(actor, ticket):
        raise PermissionDenied("support.handle")


def require_not_merged(ticket: Ticket) -> None:
    """A merged ticket takes no further step: its work continues on the one it joined."""
    if ticket.merged_into_id is not None:
        raise SupportError(
            _("This ticket was merged into %(number)s; continue there.")
            % {"number": ticket.merged_into.number if ticket.merged_into else ""}
        )


def _require_open(ticket: Ticket) -> None:
    require_not_merged(ticket)
    if ticket.state not in OPEN_STATES:
        raise SupportError(
            _("Ticket %(number)s is already %(state)s; nothing more can be done on it.")
            % {"number": ticket.number, "state": ticket.get_state_display().lower()}
        )


def _clean_text(text: str, field: str = "body") -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise SupportError(_("Write a message; it cannot be empty."), field)
    if len(text) > MAX_MESSAGE:
        raise SupportError(
            _("The message is too long (%(n)s characters); at most %(max)s.")
            % {
                "n": number_format(len(text), force_grouping=True),
                "max": number_format(MAX_MESSAGE, force_grouping=True),
            },
            field,
        )
    return text


def _next_number(at: dt.datetime) -> str:
    year = at.astimezone(clocks.WIB).year
    TicketSequence.objects.get_or_create(year=year)
    sequence = TicketSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return str(settings.SUPPORT_NUMBER_FORMAT.format(seq=sequence.last, year=year))


def _resume(ticket: Ticket, at: dt.datetime) -> None:
    """Restart stopped clocks: deadlines move by the working days spent waiting."""
    if ticket.paused_at is None:
        return
    days = clocks.paused_working_days(ticket.paused_at, at)
    ticket.answer_due = clocks.shift(ticket.answer_due, days)
    ticket.first_response_due = clocks.shift(ticket.first_response_due, days)
    ticket.paused_at = None


def _add_message(
    ticket: Ticket,
    kind: str,
    body: str,
    *,
    author: Any = None,
    files: Iterable[NewFile] = (),
    at: dt.datetime | None = None,
) -> TicketMessage:
    from satudata.support.attachments import store

    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=kind,
        body=body,
        author=author if author is not None and author.is_authenticated else None,
        created_at=at or _now(),
    )
    for item in files:
        store(message, item)
    return message


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=[*fields, "updated_at"])


def _audit(action: str, actor: Any, ticket: Ticket, summary: str, **changes: Any) -> None:
    record(
        f"support.{action}",
        actor=actor,
        obj=ticket,
        actor_label="" if actor is not None and actor.is_authenticated else "pemohon",
        summary=summary,
        changes={k: list(v) for k, v in changes.items()},
        at=_AS_OF.get(),  # a step taken as of an earlier moment is logged at that moment
    )


def _finish_task(ticket: Ticket, note: str) -> None:
    from satudata.sop.services import finish_task_of

    finish_task_of(subject=ticket, step=SOP_STEP, note=note)


# --- E-mail to the requester ------------------------------------------------------------------


def notify_requester(
    ticket: Ticket,
    subject: Any,
    body: str,
    *,
    token: str = "",
    message: TicketMessage | None = None,
    survey: bool = False,
) -> None:
    """One e-mail to the requester, threaded on the ticket's conversation. Without an address
    (walk-in, phone) nothing is sent. ``token`` is given only when the link is sent first;
    ``survey`` adds the link to the ticket's survey (on closing); a lazy ``subject`` is put in
    the requester's language."""
    if not ticket.requester_email or ticket.personal_data_erased_at:
        return
    domain = settings.SUPPORT_MAIL_DOMAIN
    message_id = f"<{ticket.number.replace('/', '.')}.{secrets.token_hex(6)}@{domain}>"
    headers = {"Message-ID": message_id}
    if ticket.thread_id:
        headers["In-Reply-To"] = ticket.thread_id
        headers["References"] = ticket.thread_id
    else:
        ticket.thread_id = message_id
        _save(ticket, "thread_id")
    if message is not None:
        message.message_id = message_id
        message.save(update_fields=["message_id"])
    link = ticket_url(token) if token else ""
    with translation.override(ticket.language or "id"):
        from django.template.loader import render_to_string

        text = render_to_string(
            "support/mail/notice.txt",
            {
                "ticket": ticket,
                "body": body,
                "link": link,
                "survey_link": site_url(
                    reverse("support:survey_ticket", args=[survey_token(ticket)])
                )
                if survey
                else "",
                "site_name": SiteProfile.current().site_name,
            },
        )
        send(
            [ticket.requester_email],
            f"[{ticket.number}] {subject}",  # a lazy subject is translated here
            text,
            kind=MailKind.SUPPORT,
            reply_to=[settings.SUPPORT_REPLY_TO] if settings.SUPPORT_REPLY_TO else [],
            headers=headers,
        )


# --- Steps --------------------------------------------------------------------------------------


@transaction.atomic
def create_ticket(
    *,
    actor: Any,
    category: str,
    subject: str,
    message: str,
    requester_name: str,
    requester_email: str = "",
    requester_phone: str = "",
    channel: str = Channel.WEB,
    received_at: dt.datetime | None = None,
    files: Iterable[NewFile] = (),
    language: str = "id",
    **fields: Any,
) -> tuple[Ticket, str]:
    """Register a request and give it its number; returns the ticket and its secret token.

    ``fields`` are further Ticket fields (institution_type, institution_name, purpose,
    requested_format, delivery, requester_address, dataset, product, release, agency,
    assignee). Staff record walk-in, phone, WhatsApp, e-mail and letter requests with
    ``channel`` and the moment it came (``received_at``); the web form is the visitor's own.
    """
    from satudata.sop.services import open_task

    if category not in Category.values:
        raise SupportError(_("Choose a category."), "category")
    if channel not in Channel.values:
        raise SupportError(_("Choose a channel."), "channel")
    subject = " ".join((subject or "").split())[:200]
    if not subject:
        raise SupportError(_("Write a subject."), "subject")
    if not (requester_name or "").strip():
        raise SupportError(_("Write the requester's name."), "requester_name")
    if channel == Channel.WEB and not requester_email:
        raise SupportError(
            _("Write your e-mail address: the link to follow the ticket is sent there."),
            "requester_email",
        )
    text = _clean_text(message, "message")
    at = received_at or _now()
    first_due, answer_due = clocks.initial_deadlines(category, at)
    token = secrets.token_urlsafe(24)
    ticket = Ticket.objects.create(
        number=_next_number(at),
        category=category,
        channel=channel,
        subject=subject,
        message=text,
        language=language if language in {"id", "en"} else "id",
        requester_name=requester_name.strip()[:150],
        requester_email=(requester_email or "").strip()[:254],
        requester_phone=(requester_phone or "").strip()[:40],
        received_at=at,
        first_response_due=first_due,
        answer_due=answer_due,
        secret_hash=token_hash(token),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **fields,
    )
    first = _add_message(ticket, MessageKind.REQUEST, text, files=files, at=at)
    _audit(
        "ticket_received",
        actor,
        ticket,
        f"Permintaan {ticket.number} diterima ({ticket.get_category_display()}, "
        f"{ticket.get_channel_display()})",
        state=(None, ticket.state),
        answer_due=(None, ticket.answer_due),
    )
    open_task(
        actor=actor if actor is not None and actor.is_authenticated else None,
        step=SOP_STEP,
        title=f"Layanan {ticket.number}: {ticket.subject}"[:300],
        subject=ticket,
        agency=ticket.agency,
        executor=ticket.assignee,
        start_at=at,
        due=answer_due,
    )
    notify_requester(
        ticket,
        gettext_lazy("Your request has been registered"),
        _(
            "Your request has been registered with number %(number)s. We will acknowledge it "
            "by %(first)s and answer it by %(due)s."
        )
        % {
            "number": ticket.number,
            "first": _when(ticket.first_response_due),
            "due": _when(ticket.answer_due),
        },
        token=token,
        message=first,
    )
    return ticket, token


def _when(moment: dt.datetime) -> str:
    from django.utils.formats import date_format

    return date_format(moment.astimezone(clocks.WIB), "l, j F Y")


def _acknowledge_if_new(ticket: Ticket, at: dt.datetime) -> None:
    if ticket.state == State.RECEIVED:
        ticket.state = State.ACKNOWLEDGED
        ticket.acknowledged_at = at


@transaction.atomic
def acknowledge(*, actor: Any, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    if ticket.state != State.RECEIVED:
        raise SupportError(_("This ticket has already been acknowledged."))
    at = _now()
    _acknowledge_if_new(ticket, at)
    _save(ticket, "state", "acknowledged_at")
    _audit(
        "ticket_acknowledged",
        actor,
        ticket,
        f"{ticket.number} diterima petugas",
        state=(State.RECEIVED, ticket.state),
    )
    _tell_being_handled(ticket, actor, at)
    return ticket


def _tell_being_handled(ticket: Ticket, actor: Any, at: dt.datetime) -> None:
    """The requester is told, once, that a person took up the request (acknowledging it, or
    starting work on it straight away)."""
    event = _add_message(
        ticket, MessageKind.EVENT, _("Your request is being handled."), author=actor, at=at
    )
    notify_requester(
        ticket, gettext_lazy("Your request is being handled"), event.body, message=event
    )


@transaction.atomic
def start_work(*, actor: Any, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    _require_open(ticket)
    if ticket.state == State.IN_PROGRESS:
        raise SupportError(_("This ticket is already in progress."))
    before, at = ticket.state, _now()
    _acknowledge_if_new(ticket, at)
    _resume(ticket, at)
    ticket.state = State.IN_PROGRESS
    _save(ticket, "state", "acknowledged_at", "paused_at", "answer_due", "first_response_due")
    _audit(
        "ticket_started", actor, ticket, f"{ticket.number} dikerjakan", state=(before, ticket.state)
    )
    if before == State.RECEIVED:
        _tell_being_handled(ticket, actor, at)
    return ticket


@transaction.atomic
def reply(
    *,
    actor: Any,
    ticket: Ticket,
    body: str,
    files: Iterable[NewFile] = (),
    wait: bool = False,
) -> TicketMessage:
    """A public reply to the requester. ``wait`` asks them something and stops the clocks until
    they answer."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    _require_open(ticket)
    text = _clean_text(body)
    before, at = ticket.state, _now()
    _acknowledge_if_new(ticket, at)
    if wait:
        ticket.state = State.WAITING
        ticket.paused_at = ticket.paused_at or at
    else:
        _resume(ticket, at)
        if ticket.state in {State.ACKNOWLEDGED, State.WAITING}:
            ticket.state = State.IN_PROGRESS
    _save(ticket, "state", "acknowledged_at", "paused_at", "answer_due", "first_response_due")
    message = _add_message(ticket, MessageKind.REPLY, text, author=actor, files=files, at=at)
    _audit(
        "ticket_replied",
        actor,
        ticket,
        f"Balasan pada {ticket.number}",
        state=(before, ticket.state),
    )
    notify_requester(ticket, gettext_lazy("A reply to your request"), text, message=message)
    return message


@transaction.atomic
def add_note(
    *, actor: Any, ticket: Ticket, body: str, files: Iterable[NewFile] = ()
) -> TicketMessage:
    """An internal note: the handling staff see it, the requester never does."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    message = _add_message(ticket, MessageKind.NOTE, _clean_text(body), author=actor, files=files)
    _audit("ticket_noted", actor, ticket, f"Catatan internal pada {ticket.number}")
    return message


@transaction.atomic
def requester_reply(
    *, ticket: Ticket, body: str, files: Iterable[NewFile] = (), reopen: bool = True
) -> TicketMessage:
    """The requester writes through the secret link. A closed ticket takes no reply (they may
    open a new one); a ticket waiting for them starts its clocks again. A reply to an answer
    reopens the work (the answer did not settle it) unless ``reopen`` is false: a reply by
    e-mail to the answer is often only thanks, so it is added and the handlers told, and the
    answer and its time stand until a handler acts."""
    ticket = _locked(ticket)
    before, at = ticket.state, _now()
    if ticket.state == State.ANSWERED:
        if reopen:
            ticket.state = State.IN_PROGRESS
            ticket.answered_at = None
    else:
        _require_open(ticket)
    text = _clean_text(body)
    if ticket.state == State.WAITING:
        _resume(ticket, at)
        ticket.state = State.IN_PROGRESS
    _save(ticket, "state", "answered_at", "paused_at", "answer_due", "first_response_due")
    message = _add_message(ticket, MessageKind.REQUESTER, text, files=files, at=at)
    _audit(
        "ticket_requester_replied",
        None,
        ticket,
        f"Pemohon membalas {ticket.number}",
        state=(before, ticket.state),
    )
    _tell_handlers(ticket, _("The requester replied on %(number)s") % {"number": ticket.number})
    return message


def handlers(ticket: Ticket) -> list[User]:
    """Who answers for a ticket now: its assignee, else the producers of its agency, else the
    Walidata staff. Notices and reminders go to them."""
    from satudata.accounts.models import User

    if ticket.assignee is not None:
        return [ticket.assignee]
    if ticket.agency_id is not None:
        return list(User.objects.filter(role=Role.PRODUSEN, agencies=ticket.agency_id))
    return list(User.objects.filter(role=Role.WALIDATA))


def _tell_handlers(ticket: Ticket, title: str) -> None:
    """In-app and e-mail notice to whoever handles the ticket (``handlers``)."""
    from satudata.accounts.services import notify

    notify(handlers(ticket), title=title, url=reverse("support:ticket", args=[ticket.pk]))


@transaction.atomic
def assign(
    *, actor: Any, ticket: Ticket, assignee: User | None = None, agency: Agency | None = None
) -> Ticket:
    """Give the ticket to a staff member or to an agency's producers (a producer answers
    questions about its own data)."""
    ticket = _locked(ticket)
    if not can(actor, Capability.HANDLE_TICKETS):
        raise PermissionDenied("support.handle")
    _require_open(ticket)
    before = (ticket.assignee, ticket.agency)
    ticket.assignee, ticket.agency = assignee, agency
    _save(ticket, "assignee", "agency")
    _audit(
        "ticket_assigned",
        actor,
        ticket,
        f"{ticket.number} ditugaskan",
        assignee=(before[0], assignee),
        agency=(before[1], agency),
    )
    if assignee is not None and assignee != actor:
        _tell_handlers(
            ticket, _("Ticket %(number)s was assigned to you") % {"number": ticket.number}
        )
    return ticket


@transaction.atomic
def extend(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Extend the answer deadline once, with a written reason told to the requester (KIP: +7
    working days, UU 14/2008 Pasal 22 ayat 8)."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    _require_open(ticket)
    if ticket.extended_at is not None:
        raise SupportError(_("The deadline has already been extended once; it cannot be again."))
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise SupportError(
            _("Write the reason for the extension (it is sent to the requester)."), "reason"
        )
    before, at = ticket.answer_due, _now()
    ticket.answer_due = clocks.shift(ticket.answer_due, clocks.extension_days(ticket.category))
    ticket.extended_at, ticket.extension_reason = at, reason
    _save(ticket, "answer_due", "extended_at", "extension_reason")
    _audit(
        "ticket_extended",
        actor,
        ticket,
        f"Tenggat {ticket.number} diperpanjang: {reason}",
        answer_due=(before, ticket.answer_due),
    )
    event = _add_message(
        ticket,
        MessageKind.EVENT,
        _("The time to answer was extended to %(due)s. Reason: %(reason)s")
        % {"due": _when(ticket.answer_due), "reason": reason},
        author=actor,
        at=at,
    )
    notify_requester(
        ticket, gettext_lazy("The time to answer was extended"), event.body, message=event
    )
    return ticket


@transaction.atomic
def answer(
    *,
    actor: Any,
    ticket: Ticket,
    body: str,
    files: Iterable[NewFile] = (),
    outcome: str = "",
    refusal_reason: str = "",
    referred_to: str = "",
) -> Ticket:
    """The answer. A KIP request needs its legal outcome; a refusal its legal reason; "not
    held" may name the body that holds it (referral)."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    _require_open(ticket)
    text = _clean_text(body)
    if ticket.is_kip:
        if outcome not in KipOutcome.values:
            raise SupportError(_("Choose the outcome of the information request."), "outcome")
        if outcome in {KipOutcome.REFUSED, KipOutcome.PARTLY} and not refusal_reason:
            raise SupportError(
                _("A refusal must state its legal reason (UU 14/2008 Pasal 17)."), "refusal_reason"
            )
    before, at = ticket.state, _now()
    _acknowledge_if_new(ticket, at)
    _resume(ticket, at)
    ticket.state, ticket.answered_at = State.ANSWERED, at
    ticket.outcome = outcome if ticket.is_kip else ""
    ticket.refusal_reason = refusal_reason if ticket.is_kip else ""
    ticket.referred_to = referred_to.strip()[:200]
    _save(
        ticket,
        "state",
        "acknowledged_at",
        "answered_at",
        "paused_at",
        "answer_due",
        "first_response_due",
        "outcome",
        "refusal_reason",
        "referred_to",
    )
    message = _add_message(ticket, MessageKind.REPLY, text, author=actor, files=files, at=at)
    _audit(
        "ticket_answered",
        actor,
        ticket,
        f"{ticket.number} dijawab",
        state=(before, ticket.state),
        outcome=("", ticket.outcome),
    )
    notify_requester(ticket, gettext_lazy("Your request has been answered"), text, message=message)
    return ticket


@transaction.atomic
def close(*, actor: Any, ticket: Ticket, note: str = "") -> Ticket:
    """Close an answered ticket; the requester is asked to rate the service (IKM)."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    if ticket.state != State.ANSWERED:
        raise SupportError(_("Only an answered ticket can be closed; answer it first."))
    at = _now()
    ticket.state, ticket.closed_at = State.CLOSED, at
    _save(ticket, "state", "closed_at")
    _audit(
        "ticket_closed",
        actor,
        ticket,
        f"{ticket.number} ditutup",
        state=(State.ANSWERED, State.CLOSED),
    )
    _finish_task(ticket, note or f"{ticket.number} dijawab dan ditutup")
    event = _add_message(
        ticket,
        MessageKind.EVENT,
        _("Your request is closed. Please tell us how we served you: the survey takes a minute."),
        author=actor,
        at=at,
    )
    notify_requester(
        ticket,
        gettext_lazy("Your request is closed: rate our service"),
        event.body,
        message=event,
        survey=True,
    )
    return ticket


@transaction.atomic
def merge(*, actor: Any, ticket: Ticket, into: Ticket) -> Ticket:
    """Merge a duplicate into another open ticket of the same requester's matter: its messages
    stay where they are, the duplicate is closed and points to the other."""
    if ticket.pk == into.pk:
        raise SupportError(_("A ticket cannot be merged into itself."), "into")
    ticket = _locked(ticket)
    into = _locked(into)
    if not can(actor, Capability.HANDLE_TICKETS):
        raise PermissionDenied("support.handle")
    _require_open(ticket)
    _require_open(into)
    at = _now()
    ticket.merged_into, ticket.state, ticket.closed_at = into, State.CLOSED, at
    _save(ticket, "merged_into", "state", "closed_at")
    _audit(
        "ticket_merged",
        actor,
        ticket,
        f"{ticket.number} digabung ke {into.number}",
        merged_into=(None, into.number),
    )
    _finish_task(ticket, f"Digabung ke {into.number}")
    event = _add_message(
        ticket,
        MessageKind.EVENT,
        _("This request is handled together with request %(number)s.") % {"number": into.number},
        author=actor,
        at=at,
    )
    notify_requester(ticket, gettext_lazy("Your request was merged"), event.body, message=event)
    return ticket


# The grounds of Pasal 35 ayat 1 open to a request still without an answer: (c) not answered
# and (g) the time limit passed. The others judge an answer.
UNANSWERED_GROUNDS = (ObjectionReason.NOT_ANSWERED, ObjectionReason.LATE)


def objection_reason_arose(ticket: Ticket, at: dt.datetime) -> dt.datetime | None:
    """When the requester's reason to object arose (UU 14/2008 Pasal 36 ayat 1): the answer was
    given, or the answer's deadline passed without one (a ticket waiting for the requester has
    its clock stopped, so its deadline has not passed). None while neither has happened."""
    if ticket.answered_at is not None and ticket.state in {State.ANSWERED, State.CLOSED}:
        return ticket.answered_at
    if ticket.is_open and ticket.state != State.WAITING and ticket.answer_due < at:
        return ticket.answer_due
    return None


def objection_refusal(ticket: Ticket, at: dt.datetime) -> str:
    """Why an objection cannot be filed on ``ticket`` at ``at``, in the user's language; empty
    when it can: a KIP request, not merged, no objection being decided, its reason arisen and
    the 30 working days to file it not yet over (Pasal 35–36)."""
    if not ticket.is_kip:
        return _("Only a public-information request can be objected to.")
    if ticket.merged_into_id is not None:
        return _("This request was merged into another one; object on that request.")
    if ticket.objections.filter(decision="").exists():
        return _("An objection to this request is already being decided.")
    arose = objection_reason_arose(ticket, at)
    if arose is None:
        return _(
            "An objection can be filed once the request has been answered, or once its time "
            "limit (%(due)s) has passed without an answer."
        ) % {"due": _when(ticket.answer_due)}
    last = clocks.objection_filing_ends(arose)
    if at > last:
        return _(
            "The time to object ended on %(last)s: an objection is filed within 30 working days "
            "after the answer, or after the time limit passed without one (UU 14/2008 Pasal 36)."
        ) % {"last": _when(last)}
    return ""


def objection_grounds(ticket: Ticket) -> tuple[str, ...]:
    """The grounds the requester may choose: all of them after an answer; (c) and (g) while
    the request has none."""
    if ticket.answered_at is None:
        return tuple(UNANSWERED_GROUNDS)
    return tuple(ObjectionReason.values)


@transaction.atomic
def file_objection(*, ticket: Ticket, reason: str, statement: str) -> Objection:
    """The requester objects (keberatan) to a KIP request's handling, through the secret link:
    after the answer, or once the time limit passed without one, and within 30 working days
    of either (UU 14/2008 Pasal 35–36)."""
    ticket = _locked(ticket)
    at = _now()
    if refusal := objection_refusal(ticket, at):
        raise SupportError(refusal)
    if reason not in ObjectionReason.values:
        raise SupportError(_("Choose the ground of the objection."), "reason")
    if reason not in objection_grounds(ticket):
        raise SupportError(
            _(
                "Your request has not been answered yet: choose ground (c), not answered, or "
                "(g), the time limit passed."
            ),
            "reason",
        )
    text = _clean_text(statement, "statement")
    objection = Objection.objects.create(
        ticket=ticket, reason=reason, statement=text, filed_at=at, due_at=clocks.objection_due(at)
    )
    _audit("objection_filed", None, ticket, f"Keberatan atas {ticket.number}")
    _tell_role(
        Role.KEPALA_DINAS,
        ticket,
        _("Objection to %(number)s awaits your decision") % {"number": ticket.number},
    )
    notify_requester(
        ticket,
        gettext_lazy("Your objection has been registered"),
        _("Your objection has been registered and will be decided by %(due)s.")
        % {"due": _when(objection.due_at)},
    )
    return objection


def _tell_role(role: Role, ticket: Ticket, title: str) -> None:
    from satudata.accounts.models import User
    from satudata.accounts.services import notify

    notify(
        User.objects.filter(role=role), title=title, url=reverse("support:ticket", args=[ticket.pk])
    )


@transaction.atomic
def decide_objection(*, actor: Any, objection: Objection, decision: str, note: str) -> Objection:
    """The superior's written decision on an objection."""
    if not can(actor, Capability.DECIDE_OBJECTIONS):
        raise PermissionDenied("support.decide_objections")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.decision:
        raise SupportError(_("This objection has already been decided."))
    if decision not in ObjectionDecision.values:
        raise SupportError(_("Choose the decision."), "decision")
    objection.decision = decision
    objection.decision_note = _clean_text(note, "note")
    objection.decided_by, objection.decided_at = actor, _now()
    objection.save()
    _audit(
        "objection_decided",
        actor,
        objection.ticket,
        f"Keberatan atas {objection.ticket.number}: {objection.get_decision_display()}",
    )
    notify_requester(
        objection.ticket,
        gettext_lazy("The decision on your objection"),
        f"{objection.get_decision_display()}\n\n{objection.decision_note}",
    )
    return objection


@transaction.atomic
def inform(*, actor: Any, ticket: Ticket, subject: str, body: str) -> TicketMessage:
    """A further public message on an answered or closed ticket (news of what the answer led
    to, such as its table published for everyone), told to the requester; the state and the
    clocks stay as they are."""
    ticket = _locked(ticket)
    _require_handler(actor, ticket)
    if ticket.state not in {State.ANSWERED, State.CLOSED} or ticket.merged_into_id is not None:
        raise SupportError(_("This ticket is still open; answer it instead."))
    message = _add_message(ticket, MessageKind.REPLY, _clean_text(body), author=actor)
    _audit("ticket_informed", actor, ticket, f"Kabar pada {ticket.number}")
    notify_requester(ticket, subject, message.body, message=message)
    return message
