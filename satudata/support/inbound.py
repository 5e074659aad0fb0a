"""Replies by e-mail: a requester who answers a ticket's e-mail adds a reply to the ticket.

The mail server delivers the support address (``SUPPORT_REPLY_TO``) into a Maildir that the
platform can read (``SUPPORT_INBOUND_MAILDIR``); the scheduler reads it every few minutes
(``support-inbound``), and ``manage.py read_support_mail`` reads a Maildir or an mbox file by
hand. A message is matched to its ticket only by the threading headers a reply carries
(``In-Reply-To``/``References`` naming one of the ticket's Message-IDs, which hold random
characters nobody can guess); the registration number in a subject is public enough to be
guessed, so it is not enough. It is taken only when it comes from the requester's own address,
alone in ``From``, and never when it was sent automatically (out-of-office and similar). The
quoted earlier e-mail is left out (and any follow link in what is kept), attachments pass the
same checks as on the web form (inline signature images are skipped), and the reply goes
through ``services.requester_reply`` like one written on the follow page, except that a reply
to an answer does not reopen the ticket (it is often only thanks; the handlers are told).

Nothing is lost and nothing is taken twice: a message's Message-ID is kept on the reply it made
(unique) and a second copy is skipped; in a Maildir a worker claims a message by moving it from
``new/`` to ``cur/`` (one rename wins when several workers read at once) and marks it seen
(``S``) once its outcome is recorded, so a message whose worker died midway is read again on a
later run, and one that could not be read is flagged (``F``) for the operator. A message that is
refused (unknown ticket, another sender, a closed ticket, an automatic reply) is logged with its
reason; the sender of a reply to a closed ticket is told, once a day at most, how to open a new
one. Messages older than ``SUPPORT_RETENTION_DAYS`` are deleted from the Maildir.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import mailbox
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import nh3
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.core.mail import send
from satudata.core.models import MailKind, OutgoingMail
from satudata.support import attachments, services
from satudata.support.models import MessageKind, State, Ticket, TicketMessage

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 25 * 2**20
MAX_BODY_CHARS = 20_000
MESSAGE_IDS = re.compile(r"<[^<>\s]{1,198}>")
FOLLOW_LINK = re.compile(r"https?://\S+/bantuan/tiket/[A-Za-z0-9_-]+/?\S*")
RETRY_AFTER_SECONDS = 600
# Where a mail program starts quoting the message replied to.
QUOTE_STARTS = (
    re.compile(r"^\s*(On|Pada)\b.{0,200}\b(wrote|menulis)\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Pesan Asli)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*(From|Dari)\s*:\s.*[@<].*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
)


@dataclass
class Outcome:
    """What became of one message: ``taken`` (a reply on ``ticket``), ``duplicate`` or
    ``refused`` (with the ``reason``)."""

    status: str
    reason: str = ""
    ticket: Ticket | None = None
    refused_files: list[str] = field(default_factory=list)


@dataclass
class Summary:
    taken: int = 0
    duplicate: int = 0
    refused: int = 0
    failed: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _referenced_ids(message: EmailMessage) -> list[str]:
    ids: list[str] = []
    for header in ("In-Reply-To", "References"):
        ids += MESSAGE_IDS.findall(str(message.get(header, "")))
    return ids[:50]


def find_ticket(message: EmailMessage) -> Ticket | None:
    """The ticket a message answers, by its threading headers only; a merged ticket leads to the
    one it was merged into."""
    ids = _referenced_ids(message)
    if not ids:
        return None
    sent = TicketMessage.objects.filter(message_id__in=ids).select_related("ticket").first()
    ticket = sent.ticket if sent else Ticket.objects.filter(thread_id__in=ids).first()
    seen = set()
    while ticket is not None and ticket.merged_into_id is not None and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


def sender_of(message: EmailMessage) -> str:
    """The one address in ``From``; "" when there is none or more than one."""
    try:
        header = message["From"]
        addresses: list[Any] = list(getattr(header, "addresses", None) or [])
    except (IndexError, ValueError, TypeError):
        return ""
    if len(addresses) != 1:
        return ""
    return str(addresses[0].addr_spec).strip().lower()


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", text)
        text = nh3.clean(text, tags=set())
        text = re.sub(r"&nbsp;", " ", text).replace("&amp;", "&").replace("&lt;", "<")
        text = text.replace("&gt;", ">")
    return str(text)


def strip_quote(text: str) -> str:
    """The new part of a reply: the quoted lines ("> ...") are left out, what was written
    between or after them kept, and everything from the mail program's own header of the
    earlier e-mail ("On ... wrote:", "-----Original Message-----") on is cut; a follow link
    (the ticket's secret) is taken out of what stays."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if any(p.match(line) for p in QUOTE_STARTS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    new = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return FOLLOW_LINK.sub("[tautan pribadi]", new)[:MAX_BODY_CHARS]


def _files(message: EmailMessage) -> tuple[list[services.NewFile], list[str]]:
    taken: list[services.NewFile] = []
    refused: list[str] = []
    most = int(settings.SUPPORT_ATTACHMENTS_PER_MESSAGE)
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            refused.append(_("A forwarded e-mail was not kept; attach its content as a file."))
            continue
        if part.get("Content-ID") and part.get_content_disposition() != "attachment":
            continue  # an inline picture of the e-mail itself (a signature's logo)
        name = part.get_filename() or "lampiran"
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        if len(taken) >= most:
            refused.append(_("%(name)s: too many files in one message") % {"name": name})
            continue
        try:
            taken.append(attachments.check(SimpleUploadedFile(name, content)))
        except services.SupportError as error:
            refused.append(str(error.message))
    return taken, refused


def _automatic(message: EmailMessage) -> bool:
    """Sent by a program (out-of-office, a list, a bounce), not by the requester."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto != "no"
        or precedence in {"bulk", "list", "junk", "auto_reply"}
        or any(message.get(h) is not None for h in ("X-Autoreply", "X-Autorespond"))
        or str(message.get("Return-Path", "x")).strip() == "<>"
    )


def _tell_closed(ticket: Ticket, address: str) -> None:
    """Tell the sender how to ask again; once a day at most, marked as an automatic reply so
    that their own auto-responder does not answer it."""
    with translation.override(ticket.language or "id"):
        subject = _("[%(number)s] This request is closed") % {"number": ticket.number}
        link = services.site_url(reverse("support:ask"))
        body = _(
            "Your e-mail about request %(number)s arrived after the request was closed, so it "
            "was not added to it. To ask again, open a new request at %(link)s and mention "
            "%(number)s."
        ) % {"number": ticket.number, "link": link}
    since = timezone.now() - dt.timedelta(days=1)
    if OutgoingMail.objects.filter(subject=subject, created_at__gte=since).exists():
        return
    send(
        [address],
        subject,
        body,
        kind=MailKind.SUPPORT,
        headers={"Auto-Submitted": "auto-replied"},
    )


def ingest(raw: bytes) -> Outcome:
    """Take one e-mail (its raw bytes) as a reply on its ticket, or say why not."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return Outcome("refused", "message larger than 25 MB")
    message = _parse(raw)
    message_id = (MESSAGE_IDS.findall(str(message.get("Message-ID", ""))) or [""])[0]
    if message_id and TicketMessage.objects.filter(message_id=message_id).exists():
        return Outcome("duplicate", "this message was taken before")
    ticket = find_ticket(message)
    if ticket is None:
        return Outcome("refused", "no ticket matches its threading headers")
    sender = sender_of(message)
    if not ticket.requester_email or sender != ticket.requester_email.strip().lower():
        return Outcome("refused", "the sender is not the ticket's requester", ticket)
    if _automatic(message):
        return Outcome("refused", "an automatic reply", ticket)
    if ticket.state == State.CLOSED:
        _tell_closed(ticket, sender)
        return Outcome("refused", "the ticket is closed", ticket)
    files, refused_files = _files(message)
    text = strip_quote(_body_text(message))
    if refused_files:
        notes = "\n".join(f"- {line}" for line in refused_files)
        text = f"{text}\n\n{_('Attachments not accepted:')}\n{notes}".strip()
    if not text and files:
        text = _("(Attachments sent by e-mail.)")
    try:
        with transaction.atomic():
            reply = services.requester_reply(ticket=ticket, body=text, files=files, reopen=False)
            reply.message_id = message_id
            reply.save(update_fields=["message_id"])
    except IntegrityError:
        return Outcome("duplicate", "this message was taken at the same moment", ticket)
    except services.SupportError as error:
        return Outcome("refused", str(error.message), ticket, refused_files)
    assert reply.kind == MessageKind.REQUESTER
    return Outcome("taken", "", ticket, refused_files)


def claimed_messages(folder: Path) -> Iterator[Path]:
    """Messages in ``new/``, each moved to ``cur/`` first (one worker wins the rename), then
    those in ``cur/`` that a worker claimed and never finished (no ``S`` nor ``F``, older than
    ten minutes)."""
    new, cur = folder / "new", folder / "cur"
    for entry in sorted(new.iterdir()) if new.is_dir() else []:
        target = cur / f"{entry.name.split(':')[0]}:2,"
        try:
            os.rename(entry, target)
        except FileNotFoundError:
            continue  # another worker took it
        yield target
    stale = time.time() - RETRY_AFTER_SECONDS
    for entry in sorted(cur.iterdir()) if cur.is_dir() else []:
        flags = entry.name.rpartition(":2,")[2] if ":2," in entry.name else ""
        if "S" in flags or "F" in flags or entry.stat().st_mtime > stale:
            continue
        again = entry.with_name(f"{entry.name}.{os.getpid()}")
        try:
            os.rename(entry, again)  # claim it again, still one winner
        except FileNotFoundError:
            continue
        os.utime(again)
        yield again


def mark_message(item: Path, flag: str) -> None:
    name = item.name.split(":2,")[0]
    os.rename(item, item.with_name(f"{name}:2,{flag}"))


def read_maildir(path: str | os.PathLike[str]) -> Summary:
    """Take every new message of a Maildir (see the module's notes)."""
    folder = Path(path)
    summary = Summary()
    for item in claimed_messages(folder):
        try:
            outcome = ingest(item.read_bytes())
        except Exception:
            log.exception("support inbound: %s could not be read", item.name)
            mark_message(item, "F")
            summary.failed += 1
            continue
        mark_message(item, "S")
        _log(item.name, outcome)
        summary.add(outcome)
    return summary


def prune_maildir(path: str | os.PathLike[str], days: int) -> int:
    """Delete the messages read more than ``days`` ago (they hold requesters' personal data,
    kept no longer than the tickets' own; ``SUPPORT_RETENTION_DAYS``)."""
    cur = Path(path) / "cur"
    if days <= 0 or not cur.is_dir():
        return 0
    oldest = time.time() - days * 86400
    removed = 0
    for entry in cur.iterdir():
        if entry.stat().st_mtime < oldest:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


def read_mbox(path: str | os.PathLike[str]) -> Summary:
    """Take every message of an mbox file; those taken before are skipped by Message-ID."""
    summary = Summary()
    box = mailbox.mbox(str(path), create=False)
    try:
        for key in box.iterkeys():
            try:
                outcome = ingest(box.get_bytes(key))
            except Exception:
                log.exception("support inbound: message %s of %s could not be read", key, path)
                summary.failed += 1
                continue
            _log(str(key), outcome)
            summary.add(outcome)
    finally:
        box.close()
    return summary


def _log(name: str, outcome: Outcome) -> None:
    number = outcome.ticket.number if outcome.ticket else "-"
    if outcome.status == "taken":
        log.info("support inbound: %s → reply on %s", name, number)
    else:
        log.warning("support inbound: %s %s (%s): %s", name, outcome.status, number, outcome.reason)
