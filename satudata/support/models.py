"""User support (SOP activity 5): tickets and their messages, FAQ, guest book and the IKM survey.

A ticket is one request from one person: a question, a data request, a formal request for
public information (UU 14/2008, KIP), a complaint, a reported error or feedback. It gets its
registration number on receipt (KIP Pasal 22), moves through the states of ``State`` by the
services of ``satudata.support.services`` only (each step audited), and keeps its deadlines
in working days (``satudata.support.clocks``). The requester needs no account: a secret link
(the token's hash is stored, never the token) lets them follow and answer the ticket.

Requester contact data (name, e-mail, phone) is personal: it is shown to the staff handling
the ticket and to no public page, feed, API or export; ``erase_personal_data`` blanks it
after the retention period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The demo's invented requesters and guests write from this reserved domain (``demo.py``): the
# staff pages say "data contoh" only while such sample records are here.
SAMPLE_DOMAIN = "contoh.example"

# --- Choices --------------------------------------------------------------------------------


class Category(models.TextChoices):
    """What the requester wants (dissemination.md §5.2)."""

    CONSULTATION = "konsultasi", _("Consultation (a question about data)")
    DATA_REQUEST = "permintaan_data", _("Data request")
    KIP = "kip", _("Public information request (KIP)")
    COMPLAINT = "pengaduan", _("Complaint")
    CORRECTION = "koreksi_data", _("Data correction")
    FEEDBACK = "masukan", _("Feedback")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    WALK_IN = "datang", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PHONE = "telepon", _("Telephone")
    LETTER = "surat", _("Letter")


class InstitutionType(models.TextChoices):
    """Requester segments as in BPS's user survey (SKD)."""

    PUBLIC = "umum", _("General public")
    STUDENT = "akademisi", _("Student or academic")
    GOVERNMENT = "pemerintah", _("Government (K/L/D/I)")
    PRIVATE = "swasta", _("Private company")
    MEDIA = "media", _("Media")
    NGO = "lsm", _("Non-governmental organisation")
    OTHER = "lainnya", _("Other")


class Delivery(models.TextChoices):
    """How a KIP requester wants the information (UU 14/2008 Pasal 22 ayat 4)."""

    EMAIL = "email", _("By e-mail")
    PICKUP = "ambil", _("Collected in person")
    POST = "pos", _("By post")
    PORTAL = "portal", _("Through this portal")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the requester")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (State.RECEIVED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.WAITING)


class KipOutcome(models.TextChoices):
    """The legal outcome of a KIP request (UU 14/2008 Pasal 22 ayat 7)."""

    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_HELD = "not_held", _("Information not held")


class RefusalReason(models.TextChoices):
    """Legal grounds for refusing public information (UU 14/2008 Pasal 17 and 6)."""

    LAW_ENFORCEMENT = "17a", _("Art. 17(a): would obstruct law enforcement")
    IP_COMPETITION = "17b", _("Art. 17(b): intellectual property or fair competition")
    DEFENCE = "17c", _("Art. 17(c): state defence and security")
    NATURAL_WEALTH = "17d", _("Art. 17(d): Indonesia's natural wealth")
    ECONOMY = "17e", _("Art. 17(e): national economic resilience")
    FOREIGN = "17f", _("Art. 17(f): foreign relations")
    PERSONAL_DOCS = "17g", _("Art. 17(g): personal testaments and wills")
    PRIVACY = "17h", _("Art. 17(h): personal secrets (privacy)")
    INTERNAL = "17i", _("Art. 17(i): internal memoranda exempt by law")
    BY_LAW = "17j", _("Art. 17(j): exempt by another law")
    NOT_YET_CONTROLLED = "6", _("Art. 6: not yet documented or controlled")


class ObjectionReason(models.TextChoices):
    """Grounds for an objection (keberatan, UU 14/2008 Pasal 35 ayat 1)."""

    REFUSED = "a", _("(a) the request was refused")
    NOT_PUBLISHED = "b", _("(b) information that must be published was not")
    NOT_ANSWERED = "c", _("(c) the request was not answered")
    NOT_AS_ASKED = "d", _("(d) the request was answered other than asked")
    NOT_FULFILLED = "e", _("(e) the request was not fulfilled")
    UNREASONABLE_FEE = "f", _("(f) an unreasonable fee was charged")
    LATE = "g", _("(g) the answer exceeded the time limit")


class ObjectionDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the information is to be given")
    PARTLY = "partly", _("Partly upheld")
    DISMISSED = "dismissed", _("Dismissed")


class MessageKind(models.TextChoices):
    REQUEST = "request", _("Request")  # the ticket's first message
    REPLY = "reply", _("Public reply")  # staff to requester, shown on the ticket page
    REQUESTER = "requester", _("Requester's reply")
    NOTE = "note", _("Internal note")  # staff only
    EVENT = "event", _("Status change")  # shown to the requester, written by the system


# --- Tickets --------------------------------------------------------------------------------


class TicketSequence(models.Model):
    """The last registration number used in a year, taken under a row lock, never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.filter(state__in=OPEN_STATES, merged_into__isnull=True)

    def overdue(self, at: dt.datetime | None = None) -> TicketQuerySet:
        """Open tickets past a running deadline (first response or answer); paused ones wait."""
        at = at or timezone.now()
        return (
            self.open()
            .exclude(state=State.WAITING)
            .filter(Q(state=State.RECEIVED, first_response_due__lt=at) | Q(answer_due__lt=at))
        )

    def due_between(self, start: dt.datetime, end: dt.datetime) -> TicketQuerySet:
        """Open, running tickets with a deadline in [start, end)."""
        return (
            self.open()
            .exclude(state=State.WAITING)
            .filter(
                Q(state=State.RECEIVED, first_response_due__gte=start, first_response_due__lt=end)
                | Q(answer_due__gte=start, answer_due__lt=end)
            )
        )

    def samples(self) -> TicketQuerySet:
        """The demo's sample tickets (their requesters write from ``SAMPLE_DOMAIN``)."""
        return self.filter(requester_email__endswith=f"@{SAMPLE_DOMAIN}")

    def handled_by(self, user: Any) -> TicketQuerySet:
        """Tickets this producer may work on: its agency's, or assigned to it by name."""
        return self.filter(Q(assignee=user) | Q(agency_id__in=user.agency_ids()))


class Ticket(models.Model):
    number = models.CharField(_("registration number"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=5, default="id")

    # The requester: personal data, shown to the handling staff only.
    requester_name = models.CharField(_("name"), max_length=150)
    requester_email = models.EmailField(_("e-mail"), blank=True)
    requester_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    requester_address = models.CharField(_("address"), max_length=300, blank=True)
    institution_type = models.CharField(
        _("institution type"),
        max_length=20,
        choices=InstitutionType.choices,
        default=InstitutionType.PUBLIC,
    )
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    # KIP Pasal 22: what the information is wanted for, in which form, delivered how.
    purpose = models.CharField(_("purpose of use"), max_length=300, blank=True)
    requested_format = models.CharField(_("requested format"), max_length=100, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL
    )
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True
    )

    # What the ticket is about (any may be empty).
    dataset = models.ForeignKey(
        "catalog.Dataset",
        verbose_name=_("dataset"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    release = models.ForeignKey(
        "releases.Release",
        verbose_name=_("release"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )

    # Who works on it.
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("assigned agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_tickets",
    )
    referred_to = models.CharField(
        _("referred to"),
        max_length=200,
        blank=True,
        help_text=_("The body that holds the information, when it is not this government."),
    )

    # Clocks (see satudata.support.clocks): all deadlines are end-of-working-day WIB.
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), db_index=True)
    answer_due = models.DateTimeField(_("answer due"), db_index=True)
    paused_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # KIP outcome (Pasal 22 ayat 7) and its legal reason when refused.
    outcome = models.CharField(_("outcome"), max_length=10, choices=KipOutcome.choices, blank=True)
    refusal_reason = models.CharField(
        _("legal reason"), max_length=5, choices=RefusalReason.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    # The requester's secret link: sha256 of the token (the token itself is only e-mailed).
    secret_hash = models.CharField(max_length=64, unique=True)
    # The e-mail thread's root Message-ID, so every notice stays in one conversation.
    thread_id = models.CharField(max_length=200, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[TicketQuerySet] = TicketQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["state", "answer_due"], name="ticket_state_due_idx"),
            models.Index(fields=["agency", "state"], name="ticket_agency_state_idx"),
            models.Index(fields=["assignee", "state"], name="ticket_assignee_state_idx"),
            models.Index(fields=["category", "received_at"], name="ticket_cat_received_idx"),
            # The desk's views, counts and per-person / per-agency summaries read the open
            # tickets (a fifth of them or fewer) from this index alone (bench_support_desk).
            models.Index(
                fields=[
                    "state",
                    "merged_into",
                    "answer_due",
                    "first_response_due",
                    "assignee",
                    "agency",
                ],
                name="ticket_desk_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES and self.merged_into_id is None

    @property
    def is_kip(self) -> bool:
        return self.category == Category.KIP


class TicketMessage(models.Model):
    """One entry of a ticket's conversation. Never edited or deleted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    # Message-ID of the e-mail that carried it, for threading (empty when none was sent).
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        constraints = [
            # One message per e-mail: a reply by e-mail is never taken twice.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="support_message_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} · {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class TicketAttachment(models.Model):
    """A file sent with a message, stored like uploads (content hash, default storage) and
    only ever served as a download (Content-Disposition: attachment)."""

    message = models.ForeignKey(TicketMessage, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=300)  # in default_storage

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")

    def __str__(self) -> str:
        return self.filename


class Objection(models.Model):
    """A keberatan against a KIP request's handling (UU 14/2008 Pasal 35–36), decided by the
    superior (the Kepala Dinas as atasan PPID) within 30 working days."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="objections")
    reason = models.CharField(_("ground"), max_length=2, choices=ObjectionReason.choices)
    statement = models.TextField(_("statement"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_at = models.DateTimeField(_("decision due"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=ObjectionDecision.choices, blank=True
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.ticket.number} · {self.get_reason_display()}"


class TicketAlert(models.Model):
    """A reminder or escalation sent for one deadline: the unique key makes sending it once
    across several workers and schedulers."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20)  # "reminder" | "escalation"
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "deadline"], name="one_alert")
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} · {self.kind}"


class CannedReply(models.Model):
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title


class AdhocTable(models.Model):
    """A table made to answer a data request and published for everyone (an ad hoc table): the
    table product's version goes through the release workflow like any other product, and its
    public page says it was made on request. Nothing of the requester is carried over."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="adhoc_table")
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("table"),
        on_delete=models.PROTECT,
        related_name="adhoc_tables",
    )
    version = models.ForeignKey(
        "products.ProductVersion", on_delete=models.PROTECT, related_name="adhoc_tables"
    )
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adhoc_tables",
    )
    note = models.TextField(_("note to the requester"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ad hoc table")
        verbose_name_plural = _("ad hoc tables")

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.product}"


# --- FAQ and search-first -------------------------------------------------------------------


class FaqEntry(models.Model):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Markdown."))
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    source_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="faq_entries"
    )
    is_published = models.BooleanField(_("published"), default=True)
    helped_count = models.PositiveIntegerField(_("answered a visitor"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-helped_count", "question"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question


class HelpSearch(models.Model):
    """One "search first" on the help page: what was typed (no visitor identity) and whether
    a suggestion answered it or a ticket was sent anyway."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("No decision")
        ANSWERED = "answered", _("A suggestion answered it")
        TICKET = "ticket", _("A ticket was sent")

    query = models.CharField(max_length=300)
    results = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.query


# --- Guest book -----------------------------------------------------------------------------


class GuestVisit(models.Model):
    """A walk-in visitor to the Walidata's service desk (buku tamu)."""

    name = models.CharField(_("name"), max_length=150)
    institution_type = models.CharField(
        _("institution type"),
        max_length=20,
        choices=InstitutionType.choices,
        default=InstitutionType.PUBLIC,
    )
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    contact = models.CharField(_("telephone or e-mail"), max_length=150, blank=True)
    purpose = models.CharField(_("purpose of visit"), max_length=300)
    data_requested = models.TextField(_("data asked for"), blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_at = models.DateTimeField(_("time of visit"), default=timezone.now, db_index=True)
    outcome = models.TextField(_("result of the consultation"), blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("guest-book entry")
        verbose_name_plural = _("guest book")

    def __str__(self) -> str:
        return f"{self.name} · {self.visited_at:%Y-%m-%d}"


# --- IKM survey (PermenPAN-RB 14/2017) ------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Education(models.TextChoices):
    SD = "sd", _("Primary school or below")
    SMP = "smp", _("Junior secondary")
    SMA = "sma", _("Senior secondary")
    D3 = "d3", _("Diploma (D1–D3)")
    S1 = "s1", _("Bachelor (D4/S1)")
    S2 = "s2", _("Master (S2) or above")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "pns", _("Civil servant / TNI / Polri")
    PRIVATE = "swasta", _("Private employee")
    SELF_EMPLOYED = "wirausaha", _("Self-employed")
    STUDENT = "pelajar", _("Student")
    OTHER = "lainnya", _("Other")


class SurveyResponse(models.Model):
    """One respondent's answers to the nine unsur (each 1–4, in the official order of
    ``satudata.support.ikm.UNSUR``). At most one per ticket."""

    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey"
    )
    service = models.CharField(
        _("service"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("The service rated; a visitor without a ticket may leave it empty."),
    )
    u1 = models.PositiveSmallIntegerField()
    u2 = models.PositiveSmallIntegerField()
    u3 = models.PositiveSmallIntegerField()
    u4 = models.PositiveSmallIntegerField()
    u5 = models.PositiveSmallIntegerField()
    u6 = models.PositiveSmallIntegerField()
    u7 = models.PositiveSmallIntegerField()
    u8 = models.PositiveSmallIntegerField()
    u9 = models.PositiveSmallIntegerField()
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=5, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=10, choices=Occupation.choices, blank=True
    )
    suggestion = models.TextField(_("suggestion"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    **{f"u{i}__gte": 1 for i in range(1, 10)},
                    **{f"u{i}__lte": 4 for i in range(1, 10)},
                ),
                name="survey_scores_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"IKM {self.submitted_at:%Y-%m-%d}"

    @property
    def scores(self) -> list[int]:
        return [getattr(self, f"u{i}") for i in range(1, 10)]
