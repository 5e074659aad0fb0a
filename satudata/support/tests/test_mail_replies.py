"""Replies by e-mail: a real reply to a ticket's e-mail, sent through a real SMTP server and
delivered into a Maildir, becomes the requester's reply on the ticket; others are refused and
nothing is taken twice."""

from __future__ import annotations

import email
import email.policy
import mailbox
import os
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from satudata.core.models import OutgoingMail
from satudata.core.testing import Personas
from satudata.core.tests.conftest import MailServer
from satudata.core.tests.test_mail import Capture, received, use_smtp
from satudata.support import inbound, services
from satudata.support.models import MessageKind, State, Ticket

REQUESTER = "wulan.pemohon@example.org"


def _ticket(personas: Personas, capture: Capture) -> Ticket:
    with capture(execute=True):
        ticket, _token = services.create_ticket(
            actor=None,
            category="permintaan_data",
            subject="Data posyandu per pekon",
            message="Mohon data posyandu per pekon.",
            requester_name="Wulan",
            requester_email=REQUESTER,
        )
        services.reply(
            actor=personas.walidata,
            ticket=ticket,
            body="Tahun berapa yang Anda perlukan?",
            wait=True,
        )
    ticket.refresh_from_db()
    return ticket


def _reply_to(original: EmailMessage, sender: str, text: str, **headers: str) -> EmailMessage:
    """The reply a mail program writes: threaded, quoting the original, with a CSV."""
    reply = EmailMessage()
    reply["From"] = f"Wulan <{sender}>"
    reply["To"] = str(original["Reply-To"] or original["From"])
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["Message-ID"] = email.utils.make_msgid(domain="example.org")
    reply["In-Reply-To"] = str(original["Message-ID"])
    reply["References"] = f"{original.get('References', '')} {original['Message-ID']}".strip()
    for name, value in headers.items():
        reply[name.replace("_", "-")] = value
    quoted = "\n".join(f"> {line}" for line in str(original.get_content()).splitlines())
    reply.set_content(f"{text}\n\nPada Sen, 7 Des 2026 09.00, Satu Data menulis:\n{quoted}\n")
    reply.add_attachment(
        b"pekon,posyandu\nPringsewu Utara,4\n",
        maintype="text",
        subtype="csv",
        filename="contoh.csv",
    )
    return reply


def _through_smtp(server: MailServer, message: EmailMessage) -> bytes:
    """Send it to the real SMTP server and take the bytes the server received."""
    assert server.inbox is not None
    before = len(server.inbox.envelopes)
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.send_message(message)
    envelope = server.inbox.envelopes[before]
    return bytes(envelope.original_content or b"")


@pytest.mark.django_db
def test_a_real_reply_becomes_the_requesters_reply_once(
    settings: Any,
    smtp_server: MailServer,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
    tmp_path: Path,
) -> None:
    use_smtp(settings, smtp_server.host, smtp_server.port)
    settings.SUPPORT_REPLY_TO = "layanan@pringsewu.test"
    ticket = _ticket(personas, django_capture_on_commit_callbacks)
    first, staff_reply = received(smtp_server)
    assert staff_reply["In-Reply-To"] == first["Message-ID"]
    raw = _through_smtp(
        smtp_server, _reply_to(staff_reply, REQUESTER, "Tahun 2024 saja, terima kasih.")
    )
    box = mailbox.Maildir(tmp_path / "masuk")
    box.add(raw)

    summary = inbound.read_maildir(tmp_path / "masuk")
    assert (summary.taken, summary.refused, summary.failed) == (1, 0, 0)
    reply = ticket.messages.get(kind=MessageKind.REQUESTER)
    assert reply.body == "Tahun 2024 saja, terima kasih."  # the quoted e-mail cut off
    [attachment] = reply.attachments.all()
    assert attachment.filename == "contoh.csv"
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    # Read again: the message was moved to cur/ and is not taken twice; a second copy of the
    # same message (same Message-ID) is skipped.
    assert inbound.read_maildir(tmp_path / "masuk").taken == 0
    assert [p.name.endswith(":2,S") for p in (tmp_path / "masuk" / "cur").iterdir()] == [True]
    box.add(raw)
    again = inbound.read_maildir(tmp_path / "masuk")
    assert (again.taken, again.duplicate) == (0, 1)
    assert ticket.messages.filter(kind=MessageKind.REQUESTER).count() == 1


@pytest.mark.django_db
def test_another_sender_an_unknown_ticket_and_a_closed_one_are_refused(
    settings: Any,
    smtp_server: MailServer,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
    tmp_path: Path,
) -> None:
    use_smtp(settings, smtp_server.host, smtp_server.port)
    ticket = _ticket(personas, django_capture_on_commit_callbacks)
    _first, staff_reply = received(smtp_server)

    stranger = _reply_to(staff_reply, "orang.lain@example.org", "Saya juga mau.")
    outcome = inbound.ingest(stranger.as_bytes())
    assert (outcome.status, outcome.reason) == (
        "refused",
        "the sender is not the ticket's requester",
    )
    # The requester's address beside another in From: not the requester alone.
    two = _reply_to(staff_reply, REQUESTER, "Kami berdua.")
    two.replace_header("From", f"{REQUESTER}, penyusup@example.net")
    assert inbound.ingest(two.as_bytes()).reason == "the sender is not the ticket's requester"
    # The registration number in the subject is guessable: without the threading headers
    # (random Message-IDs) nothing is taken, even from the requester's address.
    by_number = _reply_to(staff_reply, REQUESTER, "Tahun 2023.")
    del by_number["In-Reply-To"], by_number["References"]
    assert ticket.number in str(by_number["Subject"])
    assert inbound.ingest(by_number.as_bytes()).reason == "no ticket matches its threading headers"
    assert inbound.ingest(b"\x00\xff bukan surat \r\n\r\n").status == "refused"
    # An out-of-office reply on an open ticket changes nothing.
    for header, value in (("Auto_Submitted", "auto-replied"), ("X_Autoreply", "yes")):
        away = _reply_to(staff_reply, REQUESTER, "Saya sedang cuti.", **{header: value})
        assert inbound.ingest(away.as_bytes()).reason == "an automatic reply"
    assert not ticket.messages.filter(kind=MessageKind.REQUESTER).exists()
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING

    # Thanks by e-mail after the answer: added, the answer and its time stand.
    services.answer(actor=personas.walidata, ticket=ticket, body="Terlampir.")
    ticket.refresh_from_db()
    answered_at = ticket.answered_at
    thanks = _reply_to(staff_reply, REQUESTER, "Terima kasih banyak.")
    assert inbound.ingest(thanks.as_bytes()).status == "taken"
    ticket.refresh_from_db()
    assert (ticket.state, ticket.answered_at) == (State.ANSWERED, answered_at)

    services.close(actor=personas.walidata, ticket=ticket)
    told = OutgoingMail.objects.count()
    late = _reply_to(staff_reply, REQUESTER, "Satu lagi.")
    assert inbound.ingest(late.as_bytes()).reason == "the ticket is closed"
    assert OutgoingMail.objects.count() == told + 1  # told how to open a new request
    notice = OutgoingMail.objects.order_by("-pk").first()
    assert notice is not None and notice.headers == {"Auto-Submitted": "auto-replied"}
    again = _reply_to(staff_reply, REQUESTER, "Dan satu lagi.")
    assert inbound.ingest(again.as_bytes()).reason == "the ticket is closed"
    assert OutgoingMail.objects.count() == told + 1  # once a day at most
    assert ticket.messages.filter(kind=MessageKind.REQUESTER).count() == 1


@pytest.mark.django_db
def test_the_quote_is_left_out_and_a_claimed_message_left_midway_is_read_again(
    settings: Any,
    smtp_server: MailServer,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
    tmp_path: Path,
) -> None:
    use_smtp(settings, smtp_server.host, smtp_server.port)
    assert (
        inbound.strip_quote(
            "Jawaban saya:\n> kutipan satu\n> kutipan dua\nDan ini juga.\n"
            "Tautan: https://satudata.example/bantuan/tiket/RAHASIA-123/\n"
            "-----Original Message-----\nFrom: Satu Data <x@y>\nisi lama"
        )
        == "Jawaban saya:\nDan ini juga.\nTautan: [tautan pribadi]"
    )
    ticket = _ticket(personas, django_capture_on_commit_callbacks)
    _first, staff_reply = received(smtp_server)
    box = tmp_path / "masuk"
    mailbox.Maildir(box)
    # A worker claimed this message (moved to cur/, not yet marked) and died.
    left = box / "cur" / "1700000000.M1P1.host:2,"
    left.write_bytes(_reply_to(staff_reply, REQUESTER, "Masih ada.").as_bytes())
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    summary = inbound.read_maildir(box)
    assert (summary.taken, summary.failed) == (1, 0)
    assert ticket.messages.get(kind=MessageKind.REQUESTER).body == "Masih ada."
    [done] = list((box / "cur").iterdir())
    assert done.name.endswith(":2,S")
    # Read messages are deleted once older than the retention period.
    os.utime(done, (time.time() - 3 * 86400, time.time() - 3 * 86400))
    assert inbound.prune_maildir(box, 2) == 1
    assert not list((box / "cur").iterdir())


@pytest.mark.django_db
def test_the_command_reads_an_mbox_file(
    settings: Any,
    smtp_server: MailServer,
    personas: Personas,
    django_capture_on_commit_callbacks: Capture,
    tmp_path: Path,
    capsys: Any,
) -> None:
    use_smtp(settings, smtp_server.host, smtp_server.port)
    ticket = _ticket(personas, django_capture_on_commit_callbacks)
    _first, staff_reply = received(smtp_server)
    box = mailbox.mbox(str(tmp_path / "masuk.mbox"))
    box.add(_reply_to(staff_reply, REQUESTER, "Dari mbox.").as_bytes())
    box.add(_reply_to(staff_reply, "orang.lain@example.org", "Bukan pemohon.").as_bytes())
    box.close()
    call_command("read_support_mail", str(tmp_path / "masuk.mbox"))
    assert "Diterima 1, sudah ada 0, ditolak 1, gagal dibaca 0." in capsys.readouterr().out
    call_command("read_support_mail", str(tmp_path / "masuk.mbox"))
    assert "Diterima 0, sudah ada 1, ditolak 1" in capsys.readouterr().out
    assert ticket.messages.get(kind=MessageKind.REQUESTER).body == "Dari mbox."
