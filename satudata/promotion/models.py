"""Promotion (SOP activity 4): who is told of each release, and what the Walidata did to make
it known.

* **Subscriptions.** A ``Subscriber`` is one e-mail address, with no account: confirmed by a
  link (double opt-in), following everything or chosen ``Topic`` rows (a sector, an agency, a
  dataset, a product, the calendar's changes), told at once or in a weekly digest, in
  Indonesian or English. Links in its e-mails are signed with its ``nonce``; changing the nonce
  voids every link sent before.
* **Dispatches.** A ``Dispatch`` is one thing to tell subscribers of: a release that has come
  out, a calendar entry postponed or cancelled. Each gets one ``Delivery`` per subscriber it
  concerns, unique, so that a subscriber hears of a release exactly once whatever the number of
  workers; deliveries move pending → sending → sent (or failed, or skipped), claimed under a
  token so that two workers never send the same row.
* **The promotion plan.** ``PromotionAction`` rows are what the staff planned and did for a
  release (a post, a press release, a radio slot, an event), with evidence and reach; each
  carries a campaign tag that the links it spreads carry, counted by the usage events.
* **Share kits.** ``ShareFile`` rows are the social cards and press releases made once for a
  release or a calendar entry, kept under their sha256 like the products' files.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


# --- Subscriptions ----------------------------------------------------------------------------


class Frequency(models.TextChoices):
    IMMEDIATE = "segera", _("At once, one e-mail per release")
    WEEKLY = "mingguan", _("Weekly digest")


class SubscriberState(models.TextChoices):
    PENDING = "menunggu", _("Waiting for confirmation")
    ACTIVE = "aktif", _("Active")
    SUSPENDED = "ditangguhkan", _("Suspended after failed deliveries")
    UNSUBSCRIBED = "berhenti", _("Unsubscribed")


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def active(self) -> SubscriberQuerySet:
        return self.filter(state=SubscriberState.ACTIVE)


class Subscriber(models.Model):
    """One e-mail address told of releases. Personal data: shown to the Walidata's staff only,
    never on a public page, feed or export."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    state = models.CharField(
        _("state"), max_length=12, choices=SubscriberState.choices, default=SubscriberState.PENDING
    )
    # Every release, whatever its topic (the topics below are then not consulted).
    everything = models.BooleanField(_("every release"), default=False)
    # Postponements and cancellations of the calendar entries it follows (or of every entry).
    calendar_changes = models.BooleanField(_("release calendar changes"), default=True)
    nonce = models.CharField(max_length=32, default=new_nonce)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    # Failed deliveries in a row; reset by a delivery that went through.
    failures = models.PositiveSmallIntegerField(_("failed deliveries in a row"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)
    # Where the subscription came from, as a campaign tag or page name (no address is kept).
    source = models.CharField(_("source"), max_length=60, blank=True)

    objects: ClassVar[SubscriberQuerySet] = SubscriberQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [models.Index(fields=["state", "frequency"], name="subscriber_state_freq")]

    def __str__(self) -> str:
        return self.email


class TopicKind(models.TextChoices):
    SECTOR = "sektor", _("Sector")
    AGENCY = "instansi", _("Agency")
    DATASET = "dataset", _("Dataset")
    PRODUCT = "produk", _("Product")


class Topic(models.Model):
    """One thing a subscriber follows: a BPS sector (its key), an agency (its slug), a dataset
    or a product (its uuid)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField(_("kind"), max_length=10, choices=TopicKind.choices)
    value = models.CharField(_("value"), max_length=120)

    class Meta:
        verbose_name = _("followed topic")
        verbose_name_plural = _("followed topics")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "value"], name="one_topic_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"], name="topic_kind_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


# --- Dispatches and deliveries -----------------------------------------------------------------


class DispatchKind(models.TextChoices):
    RELEASE = "rilis", _("Release")
    POSTPONED = "ditunda", _("Release date changed")
    CANCELLED = "dibatalkan", _("Release cancelled")


class Dispatch(models.Model):
    """One thing subscribers are told of. Unique per release, per date change and per cancelled
    entry, so that however many schedulers find it, it is planned once."""

    kind = models.CharField(_("kind"), max_length=12, choices=DispatchKind.choices)
    release = models.OneToOneField(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    date_change = models.OneToOneField(
        "releases.DateChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    entry = models.ForeignKey(
        "releases.ReleaseEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Deliveries created; the plan is complete when set (a worker killed while planning leaves
    # it empty and the next run completes it).
    planned_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(kind="dibatalkan"),
                name="one_cancellation_dispatch_per_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"  # type: ignore[attr-defined]


class DeliveryState(models.TextChoices):
    PENDING = "antre", _("Waiting to be sent")
    HELD = "ditahan", _("Held for the weekly digest")
    SENDING = "dikirim", _("Being sent")
    SENT = "terkirim", _("Sent")
    FAILED = "gagal", _("Failed")
    SKIPPED = "dilewati", _("Not sent")


class Delivery(models.Model):
    """One subscriber told of one dispatch, exactly once."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # The weekly digest it went out in (held deliveries of one subscriber go out together).
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["state", "dispatch"], name="delivery_state_dispatch")]

    def __str__(self) -> str:
        return f"{self.dispatch_id} → {self.subscriber_id}: {self.state}"


class Digest(models.Model):
    """One weekly digest e-mail to one subscriber; unique per week."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    week = models.DateField(_("week starting"))
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "week"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.week}"


# --- The promotion plan --------------------------------------------------------------------------


class ActionChannel(models.TextChoices):
    WEBSITE = "situs", _("Website news")
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    WHATSAPP = "whatsapp", _("WhatsApp channel or group")
    PRESS = "pers", _("Press release")
    RADIO = "radio", _("Radio")
    BANNER = "banner", _("Banner or poster")
    EVENT = "acara", _("Dissemination event (sosialisasi, webinar)")
    EMAIL = "email", _("E-mail to subscribers")
    OTHER = "lainnya", _("Other")


class ActionStatus(models.TextChoices):
    PLANNED = "rencana", _("Planned")
    DONE = "selesai", _("Done")
    CANCELLED = "batal", _("Cancelled")


class ReachKind(models.TextChoices):
    FOLLOWERS = "pengikut", _("Followers reached")
    VIEWS = "tayangan", _("Views")
    ATTENDEES = "peserta", _("Attendees")
    LISTENERS = "pendengar", _("Listeners")
    RECIPIENTS = "penerima", _("Recipients")
    COPIES = "eksemplar", _("Copies")


class PromotionAction(models.Model):
    """One planned or done promotion of a release."""

    release = models.ForeignKey(
        "releases.Release", on_delete=models.PROTECT, related_name="promotion_actions"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=ActionChannel.choices)
    title = models.CharField(_("what"), max_length=200)
    planned_on = models.DateField(_("planned date"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person in charge"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # The campaign tag the action's links carry (``?k=<tag>``): short, unique, no personal data.
    campaign = models.SlugField(_("campaign tag"), max_length=40, unique=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="promotion/evidence/%Y/%m/", max_length=300, blank=True
    )
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    reach_kind = models.CharField(
        _("reach counted as"), max_length=10, choices=ReachKind.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_on", "id"]
        verbose_name = _("promotion action")
        verbose_name_plural = _("promotion actions")

    def __str__(self) -> str:
        return self.title


# --- Share kits ----------------------------------------------------------------------------------


class ShareFormat(models.TextChoices):
    CARD_WIDE = "kartu-1200x630", _("Link card 1200 × 630")
    CARD_SQUARE = "kartu-1080x1080", _("Instagram post 1080 × 1080")
    CARD_STORY = "kartu-1080x1920", _("Instagram story 1080 × 1920")
    PRESS_DOCX = "siaran-pers.docx", _("Press release (DOCX)")
    PRESS_PDF = "siaran-pers.pdf", _("Press release (PDF)")


class ShareFile(models.Model):
    """A social card or press release made once for a release (or a calendar entry), kept as a
    file under its sha256 and served under the release's embargo."""

    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="share_files",
    )
    entry = models.ForeignKey(
        "releases.ReleaseEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="share_files",
    )
    format = models.CharField(_("format"), max_length=20, choices=ShareFormat.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.INDONESIAN)
    # The release time the file was made for (it prints the date): a file of an earlier time
    # is made again after the release was moved.
    release_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("share file")
        verbose_name_plural = _("share files")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "format", "language"],
                condition=Q(release__isnull=False),
                name="one_share_file_per_release",
            ),
            models.UniqueConstraint(
                fields=["entry", "format", "language"],
                condition=Q(release__isnull=True),
                name="one_share_file_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} ({self.language})"
