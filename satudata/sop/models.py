"""The SOP as data: its revisions and steps, public holidays, and the tasks bound to steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.roles import Role


class SopDocument(models.Model):
    """One revision of the SOP Penyebarluasan Data. Revising adds a row; none is edited."""

    revision = models.PositiveIntegerField(_("revision"), unique=True)
    number = models.CharField(_("SOP number"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("issuing agency"), max_length=200)
    made_on = models.DateField(_("date made"))
    revised_on = models.DateField(_("date revised"))
    approved_by_name = models.CharField(_("approved by"), max_length=200)
    approved_by_title = models.CharField(_("approver's title"), max_length=200, blank=True)
    approved_by_nip = models.CharField(_("approver's NIP"), max_length=30, blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list)
    related = models.TextField(_("relation to other procedures"), blank=True)
    warning = models.TextField(_("warning"), blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    revision_note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-revision"]
        verbose_name = _("SOP revision")
        verbose_name_plural = _("SOP revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_sop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number}, rev. {self.revision})"

    @classmethod
    def current(cls) -> SopDocument | None:
        return cls.objects.filter(is_current=True).prefetch_related("steps").first()


class SopStep(models.Model):
    """One activity row of the SOP: executors, inputs, time standard and output."""

    document = models.ForeignKey(SopDocument, on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(
        _("code"),
        max_length=30,
        help_text=_("Stable key other features use to find the step across revisions."),
    )
    activity = models.CharField(_("activity"), max_length=200)
    activity_en = models.CharField(_("activity (English)"), max_length=200, blank=True)
    executors = models.JSONField(_("executors"), default=list)
    inputs = models.CharField(_("inputs (kelengkapan)"), max_length=300, blank=True)
    time_standard = models.CharField(
        _("time standard as printed"),
        max_length=50,
        blank=True,
        help_text=_("As the SOP prints it, e.g. '2 hari' or '1 minggu'; empty when none."),
    )
    working_days = models.PositiveSmallIntegerField(
        _("working days"),
        null=True,
        blank=True,
        help_text=_("The time standard in working days, for due dates. Empty uses the default."),
    )
    output = models.CharField(_("output"), max_length=300, blank=True)
    note = models.CharField(_("remarks"), max_length=500, blank=True)
    gsbpm = models.CharField(_("GSBPM sub-process"), max_length=10, blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("SOP step")
        verbose_name_plural = _("SOP steps")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="sop_step_number"),
            models.UniqueConstraint(fields=["document", "code"], name="sop_step_code"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.activity}"

    @property
    def effective_working_days(self) -> int:
        if self.working_days is not None:
            return self.working_days
        return int(settings.SOP_DEFAULT_WORKING_DAYS)

    def executor_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.executors if code in Role.values]

    def has_executor(self, role: str) -> bool:
        return role in self.executors


class HolidayKind(models.TextChoices):
    NATIONAL = "libur_nasional", _("National public holiday")
    JOINT_LEAVE = "cuti_bersama", _("Joint leave day (cuti bersama)")
    REGIONAL = "libur_daerah", _("Regional holiday")


class Holiday(models.Model):
    """A day off that due dates skip. Loaded from the holidays package, then kept by hand:
    the government fixes the year's list (SKB 3 Menteri) and may move days."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.NATIONAL
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class SopTaskQuerySet(models.QuerySet["SopTask"]):
    def open(self) -> SopTaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, at: dt.datetime | None = None) -> SopTaskQuerySet:
        return self.open().filter(due_at__lt=at or timezone.now())

    def for_subject(self, subject: models.Model) -> SopTaskQuerySet:
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))

    def open_for(self, subject: models.Model, step: str) -> SopTaskQuerySet:
        """The open tasks of ``subject`` at the step with code ``step``."""
        return self.for_subject(subject).open().filter(step__code=step)

    def with_related(self) -> SopTaskQuerySet:
        return self.select_related("step", "executor", "agency")

    def concerning_agencies(self, agency_ids: Iterable[int]) -> SopTaskQuerySet:
        """The tasks about these agencies' work: what a producer may follow (read-only)."""
        return self.filter(agency_id__in=list(agency_ids))


class SopTask(models.Model):
    """A piece of work bound to one SOP step, with its executor and due date.

    Every workflow (a synchronisation, a product, a release, a promotion, a support ticket, a
    report) opens one through ``satudata.sop.services.open_task``.
    """

    step = models.ForeignKey(
        SopStep, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("SOP step")
    )
    title = models.CharField(_("title"), max_length=300)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_repr = models.CharField(_("about"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("agency"),
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sop_tasks",
        verbose_name=_("executor"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    objects: ClassVar[SopTaskQuerySet] = SopTaskQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("SOP task")
        verbose_name_plural = _("SOP tasks")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="sop_task_subject_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, at: dt.datetime | None = None) -> bool:
        return self.is_open and self.due_at < (at or timezone.now())

    def was_late(self) -> bool:
        return self.completed_at is not None and self.completed_at > self.due_at
