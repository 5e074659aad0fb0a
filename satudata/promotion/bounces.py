"""Release e-mails that come back after the mail server accepted them: delivery status
notifications (RFC 3464), read from a Maildir.

Set ``PROMOTION_BOUNCE_ADDRESS`` and the release e-mails are sent with it as their envelope
sender (``From:`` stays ``DEFAULT_FROM_EMAIL``), so that the servers of the recipients send
their bounces there; have the mail server deliver that address into the Maildir
``PROMOTION_BOUNCE_MAILDIR``, read every 10 minutes (``promotion-bounces``) the way the help desk
reads its replies (one worker wins each message by renaming it).

A bounce counts only when it names one of our messages: the returned headers carry a
``Message-ID`` of ours (``<promosi.<kind>.<dispatch>.<subscriber>@…>``, see ``messages``), a
delivery of that dispatch to that subscriber exists, and the failed recipient is that
subscriber's address. A permanent failure (``Action: failed``, status 5.x.x) is counted on the
subscriber like a refusal at sending time (suspended after ``PROMOTION_MAX_FAILURES`` in a
row) and marks the delivery failed; a delay (4.x.x) or anything else is left alone, so that a
forged or unrelated report cannot suspend anyone.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from django.conf import settings
from django_tasks import task

from satudata.promotion.models import Delivery, DeliveryState, Subscriber

log = logging.getLogger(__name__)

OURS = re.compile(r"<promosi\.(rilis|ditunda|batal)\.(\d{1,18})\.(\d{1,18})@[^>]+>")
MAX_BYTES = 1_000_000  # a report is small; a larger "bounce" is not read


@dataclass(frozen=True)
class Bounce:
    """A permanent failure of one of our messages to one recipient."""

    dispatch_id: int
    subscriber_id: int
    recipient: str
    status: str
    diagnostic: str


def _fields(part: Message) -> list[Message]:
    """The field blocks of a ``message/delivery-status`` part (per-message, then each
    recipient's)."""
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _returned_message_id(report: Message) -> str:
    """The Message-ID of the returned message (``text/rfc822-headers`` or ``message/rfc822``)."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True) or b""
            headers = message_from_bytes(bytes(raw), policy=policy.compat32)
            return str(headers.get("Message-ID", ""))
        if kind == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(first, Message):
                return str(first.get("Message-ID", ""))
    return ""


def parse(raw: bytes) -> list[Bounce]:
    """The permanent failures a delivery status notification reports for our messages."""
    if len(raw) > MAX_BYTES:
        return []
    report = message_from_bytes(raw, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return []
    if str(report.get_param("report-type") or "").lower() != "delivery-status":
        return []
    match = OURS.search(_returned_message_id(report))
    if match is None:
        return []
    dispatch_id, subscriber_id = int(match[2]), int(match[3])
    found = []
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _fields(part)[1:]:
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            recipient = str(block.get("Final-Recipient", "")).partition(";")[2].strip()
            if action == "failed" and status.startswith("5") and recipient:
                diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())[:500]
                found.append(Bounce(dispatch_id, subscriber_id, recipient, status, diagnostic))
    return found


def take(bounce: Bounce) -> bool:
    """Count ``bounce`` when it is about a delivery we made to that very address; whether it
    was counted."""
    from satudata.promotion.dispatch import count_failure

    subscriber = Subscriber.objects.filter(pk=bounce.subscriber_id).first()
    if subscriber is None or subscriber.email.lower() != bounce.recipient.lower():
        return False
    delivery = Delivery.objects.filter(
        dispatch_id=bounce.dispatch_id, subscriber=subscriber, state=DeliveryState.SENT
    ).first()
    if delivery is None:
        return False
    text = f"Pantulan {bounce.status}: {bounce.diagnostic}".strip()[:2000]
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENT).update(
        state=DeliveryState.FAILED, error=text
    )
    count_failure(subscriber, text)
    return True


@dataclass
class Summary:
    read: int = 0
    counted: int = 0
    ignored: int = 0
    failed: int = 0


def read_maildir(path: str | os.PathLike[str]) -> Summary:
    """Read every new message of the bounce Maildir; each is marked seen once handled."""
    from satudata.support.inbound import claimed_messages, mark_message

    summary = Summary()
    for item in claimed_messages(Path(path)):
        summary.read += 1
        try:
            bounces = parse(item.read_bytes())
            counted = sum(take(b) for b in bounces)
        except Exception:
            log.exception("promotion bounces: %s could not be read", item.name)
            mark_message(item, "F")
            summary.failed += 1
            continue
        mark_message(item, "S")
        summary.counted += counted
        summary.ignored += 0 if counted else 1
    return summary


# Read bounces hold subscribers' addresses: they are deleted this many days after reading.
KEEP_DAYS = 30


@task()
def read_bounces() -> int:
    """Periodic: read the bounce Maildir when one is set; the bounces counted."""
    from satudata.support.inbound import prune_maildir

    folder = settings.PROMOTION_BOUNCE_MAILDIR
    if not folder:
        return 0
    summary = read_maildir(folder)
    prune_maildir(folder, KEEP_DAYS)
    if summary.read:
        log.info(
            "promotion bounces: %s read, %s counted, %s ignored, %s unreadable",
            summary.read,
            summary.counted,
            summary.ignored,
            summary.failed,
        )
    return summary.counted
