"""Base records every app shares: the audit log, the site profile, scheduler runs and outgoing
e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.core.setup import SetupIncomplete


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit record."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One recorded action: who did what to which object, when, and from where.

    Append-only: the ORM refuses updates and deletes, and a database trigger (see migration
    0002) refuses them underneath the ORM as well. Users who acted are protected from deletion;
    deactivate them instead.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit log is append-only.")


class SiteProfile(models.Model):
    """Who runs this portal: the regency and its Walidata. One row; nothing is hard-wired.

    A fresh installation without the demo still works: ``current()`` falls back to neutral
    names until an administrator fills the profile in.
    """

    site_name = models.CharField(_("site name"), max_length=120)
    regency_name = models.CharField(_("regency name"), max_length=120)
    region_code = models.CharField(
        _("Kemendagri region code"),
        max_length=13,
        blank=True,
        help_text=_("The regency's code, for example 18.10."),
    )
    walidata_name = models.CharField(_("Walidata agency"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self) -> str:
        return self.site_name

    @classmethod
    def current(cls) -> SiteProfile:
        profile = cls.objects.order_by("pk").first()
        if profile is None:
            return cls(
                site_name="Satu Data",
                regency_name="",
                walidata_name=str(_("Walidata")),
            )
        return profile

    @classmethod
    def configured(cls) -> SiteProfile:
        """The profile, for what must not print neutral names (a letterhead): refused with the
        set-up step when no profile was made."""
        profile = cls.objects.order_by("pk").first()
        if profile is None:
            raise SetupIncomplete(str(_("the site profile (regency, Walidata) is not filled in")))
        return profile


class ScheduledRun(models.Model):
    """A periodic job enqueued for one time slot; the unique key stops double enqueues."""

    name = models.CharField(max_length=100)
    slot_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot_start"], name="scheduled_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot_start:%Y-%m-%d %H:%M}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class MailKind(models.TextChoices):
    NOTICE = "notice", _("notification")
    REVIEW = "review", _("metadata review")
    LETTER = "letter", _("official letter")
    REMINDER = "reminder", _("due-date reminder")
    SUPPORT = "support", _("user support")
    OTHER = "other", _("other")


class OutgoingMailQuerySet(models.QuerySet["OutgoingMail"]):
    def due(self, at: dt.datetime) -> OutgoingMailQuerySet:
        """Queued messages whose (next) attempt is due at ``at``."""
        return self.filter(status=MailStatus.QUEUED, next_attempt_at__lte=at)


class OutgoingMail(models.Model):
    """One e-mail message on its way out, kept so nothing is lost and failures are visible.

    Pages never talk to the mail server: ``satudata.core.mail.send`` records the message and
    a background task delivers it after the transaction commits, retrying with back-off.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MailKind.choices)
    to = models.JSONField(_("recipients"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    # Extra headers (Message-ID, In-Reply-To, References, List-Unsubscribe): threading and
    # list handling for the support desk's and promotion's messages.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects: ClassVar[OutgoingMailQuerySet] = OutgoingMailQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class OutgoingMailAttachment(models.Model):
    """A file sent with a message, kept in the database with it so a retry sends the same bytes
    and a rolled-back change leaves no file behind."""

    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("media type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class Heartbeat(models.Model):
    """The last time a background loop (the scheduler) did its work, for ``/healthz``.

    Kept in the database because the scheduler runs in another process (or on another machine)
    than the web process that answers the health check; one row per loop, updated each tick.
    """

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, at: dt.datetime) -> None:
        if not cls.objects.filter(name=name).update(at=at):
            cls.objects.get_or_create(name=name, defaults={"at": at})
