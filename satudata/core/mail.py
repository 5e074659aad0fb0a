"""Outgoing e-mail, one way: recorded in the caller's transaction, delivered by a task after it.

No page waits for a mail server. ``send`` writes an ``OutgoingMail`` row (with its attachments)
in the caller's transaction and, once that commits, enqueues ``deliver`` on the task queue; a
rolled-back change therefore sends nothing. ``deliver`` claims the row first, so a message
enqueued twice is still sent once, then talks to the server through Django's mail backend
(``EMAIL_TIMEOUT`` bounds each wait) and records the outcome.

Retries do not depend on the task backend (the database queue can defer a task, the immediate
one cannot): a temporary failure (refused or dropped connection, time-out, a 4xx answer) puts
the message back as queued with ``next_attempt_at`` pushed back 1, 4, 16, 64 … minutes, and
``retry_due``, a periodic job of the scheduler (``PERIODIC_TASKS``), enqueues every message
whose attempt is due, including one whose first enqueue was lost (Redis down at commit) and one
left "sending" by a worker killed mid-send. After ``MAIL_MAX_ATTEMPTS`` attempts, or at once on
a permanent refusal (a 5xx answer), the message is failed with its error; the administration
site lists failures and can send them again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from satudata.core.models import MailKind, MailStatus, OutgoingMail, OutgoingMailAttachment

logger = logging.getLogger(__name__)

# A message enqueued (or being sent) this long ago without an outcome is enqueued again: its
# task was lost (queue emptied, worker killed). The claim in ``deliver`` stops a double send
# while the first task is merely slow.
STALE_AFTER = dt.timedelta(minutes=15)
RETRY_BATCH = 500
ERROR_LENGTH = 2000


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file to send with a message."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


def send(
    to: Iterable[str],
    subject: str,
    body: str,
    *,
    kind: MailKind,
    attachments: Iterable[Attachment] = (),
    reply_to: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
) -> OutgoingMail | None:
    """Queue one message to ``to`` (every address sees the others: send one message per person
    when they should not). Returns the record, or None when there is nobody to send to."""
    addresses = sorted({a.strip() for a in to if a and a.strip()})
    if not addresses:
        return None
    message = OutgoingMail.objects.create(
        kind=kind,
        to=addresses,
        reply_to=sorted({a.strip() for a in reply_to if a and a.strip()}),
        subject=" ".join(subject.split())[:300],  # a header holds no line break
        body=body,
        # A header value holds no line break (header injection).
        headers={k: " ".join(str(v).split()) for k, v in (headers or {}).items()},
    )
    OutgoingMailAttachment.objects.bulk_create(
        OutgoingMailAttachment(
            mail=message, filename=a.filename[:200], mimetype=a.mimetype, content=a.content
        )
        for a in attachments
    )
    transaction.on_commit(lambda: enqueue(message.pk))
    return message


def enqueue(mail_id: int) -> None:
    """Put one message on the task queue. A queue that is down loses nothing: the message stays
    queued with no ``enqueued_at`` and ``retry_due`` enqueues it later."""
    OutgoingMail.objects.filter(pk=mail_id).update(enqueued_at=timezone.now())
    try:
        deliver.enqueue(mail_id)
    except Exception:
        logger.exception("E-mail %s could not be enqueued; the retry job will enqueue it", mail_id)
        OutgoingMail.objects.filter(pk=mail_id).update(enqueued_at=None)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 4, 16, 64 minutes, at most 4 h."""
    return dt.timedelta(minutes=min(4 ** max(attempts - 1, 0), 240))


def is_permanent(error: BaseException) -> bool:
    """Whether waiting cannot help: the server refused for good (5xx), or the message itself
    could not be built. Connection problems, time-outs and 4xx answers are temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError)


def _message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        to=mail.to,
        reply_to=mail.reply_to or None,
        headers=mail.headers or None,
    )
    for item in mail.attachments.all():
        message.attach(item.filename, bytes(item.content), item.mimetype)
    return message


def _record_failure(mail: OutgoingMail, error: Exception) -> str:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    mail.claimed_at = None
    if is_permanent(error) or mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED
        logger.error("E-mail %s failed after %s attempt(s): %s", mail.pk, mail.attempts, error)
    else:
        mail.status = MailStatus.QUEUED
        mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
        mail.enqueued_at = None  # retry_due enqueues it when it is due
        logger.warning("E-mail %s attempt %s failed, retrying: %s", mail.pk, mail.attempts, error)
    mail.save(
        update_fields=[
            "attempts",
            "last_error",
            "claimed_at",
            "status",
            "next_attempt_at",
            "enqueued_at",
        ]
    )
    return mail.status


@task()
def deliver(mail_id: int) -> str:
    """Send one queued message whose attempt is due; returns its status afterwards."""
    now = timezone.now()
    claimed = (
        OutgoingMail.objects.due(now)
        .filter(pk=mail_id)
        .update(status=MailStatus.SENDING, claimed_at=now)
    )
    if not claimed:  # sent, failed, not yet due, or claimed by another worker
        return "skipped"
    mail = OutgoingMail.objects.prefetch_related("attachments").get(pk=mail_id)
    try:
        _message(mail).send()
    except Exception as error:  # every failure is recorded on the message, none is lost
        return _record_failure(mail, error)
    mail.attempts += 1
    mail.status, mail.sent_at, mail.claimed_at = MailStatus.SENT, timezone.now(), None
    mail.save(update_fields=["attempts", "status", "sent_at", "claimed_at"])
    return mail.status


@task()
def retry_due() -> int:
    """Periodic: enqueue every queued message whose attempt is due and that no task holds."""
    now = timezone.now()
    OutgoingMail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=MailStatus.QUEUED, claimed_at=None, enqueued_at=None
    )
    due = list(
        OutgoingMail.objects.due(now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - STALE_AFTER))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    for mail_id in due:
        enqueue(mail_id)
    if due:
        logger.info("Enqueued %s e-mail(s) for another attempt", len(due))
    return len(due)


def send_again(mails: Iterable[OutgoingMail]) -> int:
    """Give failed (or waiting) messages a fresh set of attempts now (the admin's action)."""
    ids = [m.pk for m in mails if m.status in {MailStatus.FAILED, MailStatus.QUEUED}]
    OutgoingMail.objects.filter(pk__in=ids).update(
        status=MailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), enqueued_at=None
    )
    for mail_id in ids:
        transaction.on_commit(lambda mail_id=mail_id: enqueue(mail_id))  # type: ignore[misc]
    return len(ids)
