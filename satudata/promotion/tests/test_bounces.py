"""Bounces that come back after the server accepted a release e-mail: the e-mail goes out through
a real SMTP server with the bounce address as its envelope sender, a delivery status notification
about it lands in a real Maildir, and reading it counts the failure on that subscriber only."""

from __future__ import annotations

import datetime as dt
import mailbox
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from satudata.promotion import bounces, dispatch
from satudata.promotion.models import Delivery, DeliveryState, SubscriberState
from satudata.promotion.tests.test_dispatch import (
    SECTOR,
    inbox,
    mail_server,
    release_time,
    run_at,
    scheduled,
    subscriber,
)

__all__ = ["mail_server"]

BOUNCES = "pantulan@data.pringsewu.test"


def report(message_id: str, recipient: str, status: str = "5.1.1", action: str = "failed") -> bytes:
    """A delivery status notification (RFC 3464) as a receiving server writes it."""
    return (
        "From: MAILER-DAEMON@mx.contoh.test\r\n"
        f"To: {BOUNCES}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.contoh.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "\r\n"
        "--B\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\n"
        "From: satudata@data.pringsewu.test\r\n"
        f"To: {recipient}\r\n"
        "\r\n"
        "--B--\r\n"
    ).encode()


def deliver(folder: Path, raw: bytes) -> None:
    mailbox.Maildir(str(folder), create=True).add(raw)


@pytest.mark.django_db
def test_a_bounce_of_a_release_email_counts_on_its_subscriber_and_nothing_else_does(
    mail_server: MailServer, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    settings.PROMOTION_BOUNCE_ADDRESS = BOUNCES
    settings.PROMOTION_MAX_FAILURES = 1
    at = release_time()
    scheduled(personas, "Jumlah Murid SD", at)
    gone = subscriber("pindah@contoh.test", ("sektor", SECTOR))
    kept = subscriber("tetap@contoh.test", ("sektor", SECTOR))
    run_at(at + dt.timedelta(seconds=1))
    sent = {str(m["To"]): m for m in inbox(mail_server) if str(m["To"]).endswith("@contoh.test")}
    assert set(sent) == {gone.email, kept.email}
    # Bounces go to the bounce address; the reader still sees the site as the sender.
    assert mail_server.inbox is not None
    envelopes = [e for e in mail_server.inbox.envelopes if gone.email in e.rcpt_tos]
    assert [e.mail_from for e in envelopes] == [BOUNCES]
    assert str(sent[gone.email]["From"]) == settings.DEFAULT_FROM_EMAIL
    message_id = str(sent[gone.email]["Message-ID"])

    folder = tmp_path / "pantulan"
    deliver(folder, report(message_id, gone.email))
    # Not ours, or about another person, or only delayed: counted on no one.
    deliver(folder, report("<lain@mx.contoh.test>", kept.email))
    deliver(folder, report(message_id, kept.email))
    deliver(folder, report(str(sent[kept.email]["Message-ID"]), kept.email, "4.4.1", "delayed"))
    deliver(folder, b"From: someone\n\nnot a report at all")
    summary = bounces.read_maildir(folder)

    assert (summary.read, summary.counted, summary.failed) == (5, 1, 0)
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.state == SubscriberState.SUSPENDED
    assert "5.1.1" in gone.last_error
    assert kept.state == SubscriberState.ACTIVE and kept.failures == 0
    assert Delivery.objects.get(subscriber=gone).state == DeliveryState.FAILED
    assert Delivery.objects.get(subscriber=kept).state == DeliveryState.SENT
    # Read once: a second pass finds nothing new.
    assert bounces.read_maildir(folder).read == 0


def test_the_report_parser_ignores_what_is_not_a_delivery_report() -> None:
    plain = EmailMessage()
    plain["Subject"] = "Out of office"
    plain.set_content("I am away.")
    assert bounces.parse(plain.as_bytes()) == []
    assert bounces.parse(b"\xff\xfe garbage") == []
    assert bounces.parse(b"x" * (bounces.MAX_BYTES + 1)) == []
    raw = report("<promosi.rilis.3.9@data.pringsewu.test>", "a@contoh.test")
    [found] = bounces.parse(raw)
    assert (found.dispatch_id, found.subscriber_id, found.status) == (3, 9, "5.1.1")
    assert dispatch  # the module under test's partner is importable alone
