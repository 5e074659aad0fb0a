"""Base records every app shares: the audit log, the site profile, and scheduler runs."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
