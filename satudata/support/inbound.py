"""Replies by e-mail: a requester who answers a ticket's e-mail adds a reply to the ticket.

The mail server delivers the support address (``SUPPORT_REPLY_TO``) into a Maildir that the
platform can read (``SUPPORT_INBOUND_MAILDIR``); the scheduler reads it every few minutes
(``support-inbound``), and ``manage.py read_support_mail`` reads a Maildir or an mbox file by
hand. Each message is matched to its ticket by the threading headers the ticket's e-mails
carry (``In-Reply-To``/``References`` naming one of its Message-IDs), or else by the
registration number in the subject ("[LYN-2026-00012] ..."), and is taken only when it comes
from the requester's own address. The quoted earlier e-mail is cut off, attachments pass the
same checks as on the web form, and the reply goes through ``services.requester_reply`` like
one written on the follow page.

Nothing is lost and nothing is taken twice: a message's Message-ID is kept on the reply it made
and a second copy is skipped; in a Maildir a worker claims a message by moving it from ``new/``
to ``cur/`` (one rename wins when several workers read at once), so every message stays in the
folder, flagged ``F`` when it could not be taken. A message that is refused (unknown ticket,
another sender, a closed ticket) is logged with its reason; the sender of a reply to a closed
ticket is told how to open a new one, unless the message was sent automatically.
"""

from __future__ import annotations

import email
import email.policy
import logging
import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

import nh3
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.mail import send
from satudata.core.models import MailKind
from satudata.support import attachments, services
from satudata.support.models import MessageKind, State, Ticket, TicketMessage

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 25 * 2**20
MAX_BODY_CHARS = 20_000
NUMBER_IN_SUBJECT = re.compile(r"\[([A-Z]{2,10}-\d{4}-\d{3,8})\]")
MESSAGE_IDS = re.compile(r"<[^<>\s]{1,200}>")
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
    """The ticket a message answers: by its threading headers, else by the number in the
    subject; a merged ticket leads to the one it was merged into."""
    ticket: Ticket | None = None
    ids = _referenced_ids(message)
    if ids:
        sent = TicketMessage.objects.filter(message_id__in=ids).select_related("ticket").first()
        ticket = sent.ticket if sent else Ticket.objects.filter(thread_id__in=ids).first()
    if ticket is None:
        found = NUMBER_IN_SUBJECT.search(str(message.get("Subject", "")))
        if found:
            ticket = Ticket.objects.filter(number=found.group(1)).first()
    seen = set()
    while ticket is not None and ticket.merged_into_id is not None and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


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
    """The new part of a reply: up to the line where the mail program starts quoting."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(">") or any(p.match(line) for p in QUOTE_STARTS):
            break
        kept.append(line)
    return "\n".join(kept).strip()[:MAX_BODY_CHARS]


def _files(message: EmailMessage) -> tuple[list[services.NewFile], list[str]]:
    taken: list[services.NewFile] = []
    refused: list[str] = []
    most = int(settings.SUPPORT_ATTACHMENTS_PER_MESSAGE)
    for part in message.iter_attachments():
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
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return auto != "no" or precedence in {"bulk", "list", "junk"}


def _tell_closed(ticket: Ticket, address: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("support:ask")
    with translation.override(ticket.language or "id"):
        subject = _("[%(number)s] This request is closed") % {"number": ticket.number}
        body = _(
            "Your e-mail about request %(number)s arrived after the request was closed, so it "
            "was not added to it. To ask again, open a new request at %(link)s and mention "
            "%(number)s."
        ) % {"number": ticket.number, "link": link}
    send([address], subject, body, kind=MailKind.SUPPORT)


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
        return Outcome("refused", "no ticket matches its headers or subject")
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    if not ticket.requester_email or sender != ticket.requester_email.strip().lower():
        return Outcome("refused", "the sender is not the ticket's requester", ticket)
    if ticket.state == State.CLOSED:
        if not _automatic(message):
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
            reply = services.requester_reply(ticket=ticket, body=text, files=files)
            reply.message_id = message_id[:200]
            reply.save(update_fields=["message_id"])
    except services.SupportError as error:
        return Outcome("refused", str(error.message), ticket, refused_files)
    assert reply.kind == MessageKind.REQUESTER
    return Outcome("taken", "", ticket, refused_files)


def _claimed(folder: Path) -> Iterator[Path]:
    """Messages in ``new/``, each moved to ``cur/`` first (one worker wins the rename)."""
    new, cur = folder / "new", folder / "cur"
    for entry in sorted(new.iterdir()) if new.is_dir() else []:
        target = cur / f"{entry.name.split(':')[0]}:2,S"
        try:
            os.rename(entry, target)
        except FileNotFoundError:
            continue  # another worker took it
        yield target


def read_maildir(path: str | os.PathLike[str]) -> Summary:
    """Take every new message of a Maildir (see the module's notes)."""
    folder = Path(path)
    summary = Summary()
    for item in _claimed(folder):
        try:
            outcome = ingest(item.read_bytes())
        except Exception:
            log.exception("support inbound: %s could not be read", item.name)
            os.rename(item, item.with_name(item.name.replace(":2,S", ":2,FS")))
            summary.failed += 1
            continue
        _log(item.name, outcome)
        summary.add(outcome)
    return summary


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
