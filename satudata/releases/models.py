"""SOP activity 3's records: the release calendar (Jadwal Rilis), the release of each piece of
content through approval to publication, errata, and pre-release access.

Two axes, as release calendars keep them (domain/dissemination.md §1.9): a calendar entry
announces *when* (provisional → confirmed, or cancelled), a release carries *what* through the
content workflow (draft → submitted → returned / approved → scheduled). "Published" is never
stored: a scheduled release is out once its time has come, so it appears on every channel at
that moment with no job running. The gate of each content model reads the content's own
publication time, which scheduling sets.

What is released is any model that implements ``Releasable`` (a dataset version, or a version
of one of activity 2's products), pointed at generically.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from satudata.accounts.models import Agency


class Releasable(Protocol):
    """What the release workflow needs of a piece of content. The content's own gate
    (``visible_to``) must treat it as public from the time ``put_out`` gives, and honour
    ``withdraw``; pre-release readers are let in through ``PreReleaseAccess.granted_ids``."""

    pk: Any

    def release_title(self) -> str: ...
    def release_agency(self) -> Agency: ...
    def release_url(self) -> str: ...
    def release_formats(self) -> list[str]: ...
    def release_version(self) -> int: ...
    def release_product_type(self) -> str: ...
    def release_item(self) -> Any: ...
    def put_out(self, at: datetime | None, actor: Any) -> None: ...
    def withdraw(self, at: datetime) -> None: ...


def released_by(at: datetime | None = None) -> models.Q:
    """Content out by ``at`` (now) and not withdrawn then: the time rule of every content
    model's gate, read from its own ``published_at`` and ``withdrawn_at``."""
    moment = at or timezone.now()
    return (models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gt=moment)) & models.Q(
        published_at__lte=moment
    )


def gate(
    versions: models.QuerySet[Any],
    user: Any,
    public: models.QuerySet[Any],
    agency_field: str,
    at: datetime | None = None,
) -> models.QuerySet[Any]:
    """THE visibility rule, one for every kind of released content: staff of the Walidata see
    every version; a producer also sees its own agency's (``agency_field``); a person on a
    release's pre-release access list sees that version from their access time; everyone else
    sees ``public`` (what is out for everyone)."""
    from satudata.accounts.permissions import can, role_of
    from satudata.accounts.roles import Capability, Role

    if can(user, Capability.VIEW_UNPUBLISHED):
        return versions.all()
    if role_of(user) == Role.PRODUSEN:
        public = public | versions.filter(**{f"{agency_field}__in": user.agency_ids()})
    if user is not None and user.is_authenticated:
        granted = PreReleaseAccess.objects.granted_ids(user, versions.model, at)
        public = public | versions.filter(pk__in=granted)
    return public


class Precision(models.TextChoices):
    EXACT = "tanggal", _("Exact date")
    MONTH = "bulan", _("Month")
    TWO_MONTHS = "dua_bulan", _("Two months")


class EntryState(models.TextChoices):
    """Stored states. "Published" and "postponed" are read from times (``public_state``)."""

    PROVISIONAL = "sementara", _("Provisional")
    CONFIRMED = "pasti", _("Confirmed")
    CANCELLED = "batal", _("Cancelled")


class PublicState(models.TextChoices):
    PROVISIONAL = "sementara", _("Provisional")
    CONFIRMED = "pasti", _("Confirmed")
    POSTPONED = "ditunda", _("Postponed")
    PUBLISHED = "terbit", _("Published")
    CANCELLED = "batal", _("Cancelled")


class ReleaseKind(models.TextChoices):
    FIRST = "pertama", _("First release")
    REVISION = "revisi", _("Planned revision")
    CORRECTION = "koreksi", _("Correction")


class ProductType(models.TextChoices):
    DATASET = "dataset", _("Dataset")
    TABLE = "tabel", _("Table")
    CHART = "grafik", _("Chart")
    INFOGRAPHIC = "infografis", _("Infographic")
    PUBLICATION = "publikasi", _("Publication")


class ReleaseEntryQuerySet(models.QuerySet["ReleaseEntry"]):
    def visible_to(self, user: Any) -> ReleaseEntryQuerySet:
        """The calendar is public (EPSS 20302: announced to users), except entries for data
        that is not open, which only the Walidata staff see."""
        from satudata.accounts.permissions import can
        from satudata.accounts.roles import Capability
        from satudata.catalog.models import Access

        if can(user, Capability.VIEW_UNPUBLISHED):
            return self.all()
        return self.filter(models.Q(item__isnull=True) | models.Q(item__access=Access.OPEN))

    def published(self, at: datetime | None = None) -> ReleaseEntryQuerySet:
        return self.filter(released_at__lte=at or timezone.now()).exclude(
            state=EntryState.CANCELLED
        )

    def upcoming(self, at: datetime | None = None) -> ReleaseEntryQuerySet:
        moment = at or timezone.now()
        return self.exclude(state=EntryState.CANCELLED).filter(
            models.Q(released_at__isnull=True) | models.Q(released_at__gt=moment)
        )

    def in_state(self, state: str, at: datetime | None = None) -> ReleaseEntryQuerySet:
        """Entries in a public state (``PublicState``) at ``at``."""
        moment = at or timezone.now()
        if state == PublicState.PUBLISHED:
            return self.published(moment)
        if state == PublicState.CANCELLED:
            return self.filter(state=EntryState.CANCELLED)
        waiting = self.upcoming(moment)
        later = models.Exists(
            DateChange.objects.filter(
                entry=models.OuterRef("pk"), new_at__gt=models.F("previous_at")
            )
        )
        if state == PublicState.POSTPONED:
            return waiting.filter(later)
        if state == PublicState.CONFIRMED:
            return waiting.filter(state=EntryState.CONFIRMED).exclude(later)
        return waiting.filter(state=EntryState.PROVISIONAL).exclude(later)


class ReleaseEntry(models.Model):
    """One announced release of one product for one reference period (a Jadwal Rilis row)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    item = models.ForeignKey(
        "catalog.DataItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="release_entries",
        verbose_name=_("Daftar Data item"),
    )
    product_type = models.CharField(
        _("product type"), max_length=20, choices=ProductType.choices, default=ProductType.DATASET
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReleaseKind.choices, default=ReleaseKind.FIRST
    )
    sector = models.CharField(_("BPS sector"), max_length=60, blank=True)
    reference_period = models.CharField(_("reference period"), max_length=60, blank=True)
    planned_at = models.DateTimeField(_("planned release"))
    precision = models.CharField(
        _("precision"), max_length=10, choices=Precision.choices, default=Precision.MONTH
    )
    state = models.CharField(
        _("state"), max_length=10, choices=EntryState.choices, default=EntryState.PROVISIONAL
    )
    first_announced_at = models.DateTimeField(_("first announced"), null=True, blank=True)
    first_confirmed_at = models.DateTimeField(_("first confirmed"), null=True, blank=True)
    # The release time as first confirmed: what punctuality is measured against.
    target_at = models.DateTimeField(_("first confirmed release time"), null=True, blank=True)
    # When its content is (or will be) out for everyone; set by scheduling, read with the clock.
    released_at = models.DateTimeField(_("released"), null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[ReleaseEntryQuerySet] = ReleaseEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["planned_at", "title", "id"]
        verbose_name = _("release calendar entry")
        verbose_name_plural = _("release calendar")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="pasti") | models.Q(precision="tanggal"),
                name="confirmed_entry_has_exact_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="batal") | ~models.Q(cancellation_reason=""),
                name="cancelled_entry_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def public_state(self, at: datetime | None = None) -> PublicState:
        moment = at or timezone.now()
        if self.state == EntryState.CANCELLED:
            return PublicState.CANCELLED
        if self.released_at is not None and self.released_at <= moment:
            return PublicState.PUBLISHED
        if self.is_postponed:
            return PublicState.POSTPONED
        return PublicState(self.state)

    @property
    def is_postponed(self) -> bool:
        return any(change.is_postponement for change in self.date_changes.all())

    @property
    def delay(self) -> Any:
        """How late it came out against the first confirmed time (None if not yet out)."""
        if self.released_at is None or self.target_at is None:
            return None
        return self.released_at - self.target_at


class DateChange(models.Model):
    """A change of an announced release date: its reason and approver are public."""

    entry = models.ForeignKey(ReleaseEntry, on_delete=models.PROTECT, related_name="date_changes")
    previous_at = models.DateTimeField(_("previous date"))
    previous_precision = models.CharField(max_length=10, choices=Precision.choices)
    new_at = models.DateTimeField(_("new date"))
    new_precision = models.CharField(max_length=10, choices=Precision.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("release date change")
        verbose_name_plural = _("release date changes")

    def __str__(self) -> str:
        return f"{self.entry}: {self.previous_at:%Y-%m-%d} → {self.new_at:%Y-%m-%d}"

    @property
    def is_postponement(self) -> bool:
        return self.new_at > self.previous_at


class ReleaseState(models.TextChoices):
    """Stored states of the content workflow; a scheduled release whose time has come is
    published (``Release.public_state``)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "diajukan", _("Submitted for approval")
    RETURNED = "dikembalikan", _("Returned with comments")
    APPROVED = "disetujui", _("Approved")
    SCHEDULED = "dijadwalkan", _("Scheduled")
    WITHDRAWN = "ditarik", _("Withdrawn")


PUBLISHED_LABEL = _("Published")


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self, at: datetime | None = None) -> ReleaseQuerySet:
        """Out for everyone at ``at`` (withdrawn ones included: they were out)."""
        return self.filter(
            state__in=[ReleaseState.SCHEDULED, ReleaseState.WITHDRAWN],
            release_at__lte=at or timezone.now(),
        )

    def for_content(self, content: models.Model) -> ReleaseQuerySet:
        return self.of(type(content), [content.pk])

    def of(self, model: type[models.Model], ids: Any) -> ReleaseQuerySet:
        """Releases of ``model`` content with these ids (a list or a subquery)."""
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)


class Release(models.Model):
    """One piece of content on its way out: prepared, approved by the Kepala Bidang, put on the
    calendar, out at its time; later withdrawn or corrected by errata."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    entry = models.OneToOneField(
        ReleaseEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="release",
        verbose_name=_("release calendar entry"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReleaseKind.choices, default=ReleaseKind.FIRST
    )
    title = models.CharField(_("title"), max_length=300)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    state = models.CharField(
        _("state"), max_length=15, choices=ReleaseState.choices, default=ReleaseState.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comments"), blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the content is (or will be) out for everyone.
    release_at = models.DateTimeField(_("release time"), null=True, blank=True, db_index=True)
    # Set when the Kepala Bidang released it at once, outside the calendar (T3.1 asks that
    # such releases stay rare and explained).
    unscheduled_reason = models.TextField(
        _("reason for releasing outside the calendar"), blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The release date belongs to the Kepala Bidang: the calendar entry and the date (exact, or
    # the month(s) announced) approved with the release, or later by a date request or a date
    # the Kepala Bidang set on the entry. Scheduling anywhere else needs the Kepala Bidang again.
    approved_entry = models.ForeignKey(
        ReleaseEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calendar entry approved"),
    )
    approved_date_at = models.DateTimeField(_("release date approved"), null=True, blank=True)
    approved_date_precision = models.CharField(
        _("precision of the date approved"), max_length=10, choices=Precision.choices, blank=True
    )

    objects: ClassVar[ReleaseQuerySet] = ReleaseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_release_per_content"
            )
        ]
        indexes = [models.Index(fields=["state", "release_at"], name="release_state_time")]

    def __str__(self) -> str:
        return self.title

    @property
    def releasable(self) -> Releasable:
        """The content, as the workflow uses it."""
        content: Any = self.content
        assert content is not None, "a release's content is never deleted (PROTECT)"
        return content  # type: ignore[no-any-return]

    def is_published(self, at: datetime | None = None) -> bool:
        return (
            self.state in (ReleaseState.SCHEDULED, ReleaseState.WITHDRAWN)
            and self.release_at is not None
            and self.release_at <= (at or timezone.now())
        )

    def state_label(self, at: datetime | None = None) -> str:
        if self.state == ReleaseState.SCHEDULED and self.is_published(at):
            return str(PUBLISHED_LABEL)
        return str(self.get_state_display())  # type: ignore[attr-defined]


class DateRequestState(models.TextChoices):
    PENDING = "menunggu", _("Waiting for the Kepala Bidang")
    APPROVED = "disetujui", _("Approved")
    REFUSED = "ditolak", _("Refused")


class DateRequest(models.Model):
    """The Walidata asking the Kepala Bidang for a new release date of an approved release
    (its announced date has passed, or it was taken off the schedule). Approving it moves the
    release's calendar entry to that date and schedules the release there, in one step."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="date_requests")
    new_at = models.DateTimeField(_("release time asked for"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DateRequestState.choices,
        default=DateRequestState.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("release date request")
        verbose_name_plural = _("release date requests")
        constraints = [
            models.UniqueConstraint(
                fields=["release"],
                condition=models.Q(state="menunggu"),
                name="one_pending_date_request_per_release",
            )
        ]

    def __str__(self) -> str:
        return f"{self.release}: {self.new_at:%Y-%m-%d %H:%M}"


class Erratum(models.Model):
    """A correction note on a published release; significant when it could mislead a user
    about a value (the ABS definition)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="errata")
    note = models.TextField(_("what was wrong and what changed"))
    significant = models.BooleanField(_("significant error"), default=False)
    corrected_by = models.ForeignKey(
        Release,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrects",
        verbose_name=_("corrected version's release"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")

    def __str__(self) -> str:
        return f"{self.release}: {self.note[:60]}"


class PreReleaseAccessQuerySet(models.QuerySet["PreReleaseAccess"]):
    def open_to(self, user: Any, at: datetime | None = None) -> PreReleaseAccessQuerySet:
        """Grants of ``user`` in force at ``at``: from their start until the release time."""
        if user is None or not user.is_authenticated:
            return self.none()
        moment = at or timezone.now()
        return self.filter(
            user=user,
            revoked_at__isnull=True,
            access_from__lte=moment,
            release__state=ReleaseState.SCHEDULED,
            release__release_at__gt=moment,
        )

    def granted_ids(self, user: Any, model: type[models.Model], at: Any = None) -> Any:
        """The ids of ``model`` content ``user`` may read before its release, at ``at``: for the
        content's gate to add."""
        return (
            self.open_to(user, at)
            .filter(release__content_type=ContentType.objects.get_for_model(model))
            .values("release__object_id")
        )


class PreReleaseAccess(models.Model):
    """A named person allowed to read a scheduled release before its time (at most 24 hours,
    the UK Pre-Release Access Order's limit). The list is published with the release."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="access_list")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    justification = models.TextField(_("why access is needed"))
    access_from = models.DateTimeField(_("access from"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PreReleaseAccessQuerySet] = PreReleaseAccessQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["access_from", "id"]
        verbose_name = _("pre-release access")
        verbose_name_plural = _("pre-release access list")
        constraints = [
            models.UniqueConstraint(fields=["release", "user"], name="one_grant_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation}): {self.release}"


class PreReleaseView(models.Model):
    """One time someone read content before its release (T3.3 records): a person on the
    pre-release access list (``access``), or staff who see unpublished content without working
    on its release (the Kepala Dinas, the administrator: no grant). ``content`` is the version
    actually served, written by ``satudata.releases.access.note_reads``."""

    access = models.ForeignKey(
        PreReleaseAccess, null=True, blank=True, on_delete=models.PROTECT, related_name="views"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reader"),
    )
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True)
    content = GenericForeignKey("content_type", "object_id")
    at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.path}"
