"""The release calendar (Jadwal Rilis): planning entries, confirming and changing their dates,
cancelling them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import can, require
from satudata.accounts.roles import Capability, Role
from satudata.core.audit import record
from satudata.releases.dates import at_release_time, month_start, window, wording
from satudata.releases.models import (
    DateChange,
    EntryState,
    Precision,
    ProductType,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseState,
)
from satudata.releases.services.common import STEP, ReleaseRefused, people_in, tell
from satudata.releases.signals import release_scheduled
from satudata.sop.services import note_on_task

# --- The release calendar -----------------------------------------------------------------------


@transaction.atomic
def plan_entry(
    *,
    actor: User | None,
    title: str,
    agency: Agency,
    planned_at: dt.datetime,
    precision: str = Precision.MONTH,
    item: Any = None,
    kind: str = ReleaseKind.FIRST,
    product_type: str = ProductType.DATASET,
    reference_period: str = "",
    summary: str = "",
    sector: str = "",
    contact: tuple[str, str, str] = ("", "", ""),
) -> ReleaseEntry:
    """Announce a release on the calendar, provisionally (its date may still be a month or
    two). ``actor=None`` is the system planning from an approved Daftar Data."""
    if actor is not None:
        require(actor, Capability.MANAGE_RELEASES)
    if not title.strip():
        raise ReleaseRefused(_("A release calendar entry needs a title."))
    now = timezone.now()
    entry = ReleaseEntry.objects.create(
        title=title.strip()[:300],
        summary=summary,
        agency=agency,
        item=item,
        kind=kind,
        product_type=product_type,
        reference_period=reference_period[:60],
        sector=sector,
        planned_at=planned_at,
        precision=Precision.MONTH if precision == Precision.EXACT else precision,
        first_announced_at=now,
        contact_name=contact[0],
        contact_email=contact[1],
        contact_phone=contact[2],
        created_by=actor,
    )
    record(
        "releases.entry_planned",
        actor=actor,
        obj=entry,
        actor_label="" if actor else "sistem",
        summary=f"Jadwal rilis diumumkan: {entry.title}, {wording(planned_at, entry.precision)}",
    )
    return entry


def agency_contact(agency: Agency) -> tuple[str, str, str]:
    return (agency.name, agency.email, agency.phone)


@transaction.atomic
def plan_from_data_list(*, actor: User | None, data_list: Any) -> int:
    """One provisional calendar entry per open item of an approved Daftar Data, dated by the
    item's release schedule ("Maret n+1" → March of the next year; no month given → the two
    months after the data year). Items that already have an entry are left as they are."""
    from satudata.catalog.models import Access

    if not data_list.is_frozen:
        raise ReleaseRefused(_("Only an approved Daftar Data gives the release calendar."))
    planned = set(
        ReleaseEntry.objects.filter(item__data_list=data_list, kind=ReleaseKind.FIRST).values_list(
            "item_id", flat=True
        )
    )
    items = data_list.items.filter(access=Access.OPEN).select_related("agency", "activity")
    created = 0
    for item in items.exclude(pk__in=planned):
        year = data_list.year + item.release_year_offset
        if item.release_month:
            planned_at, precision = month_start(year, item.release_month), Precision.MONTH
        else:
            planned_at, precision = month_start(data_list.year + 1, 1), Precision.TWO_MONTHS
        sector = (item.activity.answers.get("sektor_kegiatan", "") if item.activity else "") or ""
        plan_entry(
            actor=actor,
            title=f"{item.name} {data_list.year}",
            agency=item.agency,
            planned_at=planned_at,
            precision=precision,
            item=item,
            reference_period=str(data_list.year),
            summary=item.definition,
            sector=sector,
            contact=agency_contact(item.agency),
        )
        created += 1
    return created


def locked_entry(entry: ReleaseEntry) -> ReleaseEntry:
    locked = ReleaseEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.state == EntryState.CANCELLED:
        raise ReleaseRefused(_("This release was cancelled; its date no longer changes."))
    if locked.released_at is not None and locked.released_at <= timezone.now():
        raise ReleaseRefused(_("This release is already out; its date no longer changes."))
    return locked


def _change_date(
    entry: ReleaseEntry, actor: User, new_at: dt.datetime, precision: str, reason: str
) -> DateChange:
    if not reason.strip():
        raise ReleaseRefused(
            _("Say why the announced date changes: the reason is shown on the calendar.")
        )
    require(actor, Capability.APPROVE_RELEASES)
    return DateChange.objects.create(
        entry=entry,
        previous_at=entry.planned_at,
        previous_precision=entry.precision,
        new_at=new_at,
        new_precision=precision,
        reason=reason.strip(),
        changed_by=actor,
        approved_by=actor,
    )


def _approve_date_on(entry: ReleaseEntry, planned_at: dt.datetime, precision: str) -> None:
    """A date the Kepala Bidang sets on an entry is the approved date of the release waiting
    on it (approved, or scheduled and moving with it)."""
    Release.objects.filter(
        entry=entry, state__in=[ReleaseState.APPROVED, ReleaseState.SCHEDULED]
    ).update(approved_entry=entry, approved_date_at=planned_at, approved_date_precision=precision)


def confirm_date(entry: ReleaseEntry, planned_at: dt.datetime) -> None:
    """Fix ``entry`` on an exact date: an exact date is a confirmed one (never an exact date
    left provisional, which scheduling would refuse as "not exact")."""
    entry.planned_at, entry.precision, entry.state = (
        planned_at,
        Precision.EXACT,
        EntryState.CONFIRMED,
    )
    entry.first_confirmed_at = entry.first_confirmed_at or timezone.now()
    entry.target_at = entry.target_at or planned_at


@transaction.atomic
def confirm_entry(
    *,
    actor: User,
    entry: ReleaseEntry,
    day: dt.date,
    time: dt.time | None = None,
    reason: str = "",
) -> ReleaseEntry:
    """Fix the exact release date (at the standard release time unless ``time``). A day
    outside the announced month(s) is a change of date: it needs a reason and the Kepala
    Bidang."""
    require(actor, Capability.MANAGE_RELEASES)
    entry = locked_entry(entry)
    if entry.state == EntryState.CONFIRMED:
        raise ReleaseRefused(
            _(
                "The date is already confirmed; changing it is a postponement the Kepala Bidang "
                "approves with a reason."
            )
        )
    planned_at = at_release_time(day, time)
    if planned_at <= timezone.now():
        raise ReleaseRefused(_("A release date must be in the future."))
    first, last = window(entry.planned_at, entry.precision)
    change = None
    if not first <= day <= last:
        if not can(actor, Capability.APPROVE_RELEASES):
            raise ReleaseRefused(
                _(
                    "%(day)s is outside the announced %(announced)s: only the Kepala Bidang "
                    "moves a release date. Ask for the new date, with the reason, on the "
                    "release's page."
                )
                % {"day": day.strftime("%d-%m-%Y"), "announced": entry_wording(entry)}
            )
        change = _change_date(entry, actor, planned_at, Precision.EXACT, reason)
    before = entry_wording(entry)
    confirm_date(entry, planned_at)
    entry.save()
    if can(actor, Capability.APPROVE_RELEASES):
        _approve_date_on(entry, planned_at, Precision.EXACT)
    record(
        "releases.entry_confirmed",
        actor=actor,
        obj=entry,
        summary=f"Tanggal rilis {entry.title} dipastikan: {entry_wording(entry)}",
        changes={"planned": [before, entry_wording(entry)], "reason": change and change.reason},
    )
    return entry


def entry_wording(entry: ReleaseEntry) -> str:
    return wording(entry.planned_at, entry.precision)


@transaction.atomic
def reschedule_entry(
    *,
    actor: User,
    entry: ReleaseEntry,
    planned_at: dt.datetime,
    reason: str,
    precision: str | None = None,
) -> ReleaseEntry:
    """Move an announced date (the Kepala Bidang, with a public reason). A confirmed date stays
    exact; a scheduled release moves with it, as long as its time has not come."""
    require(actor, Capability.APPROVE_RELEASES)
    entry = locked_entry(entry)
    precision = (
        Precision.EXACT if entry.state == EntryState.CONFIRMED else precision or entry.precision
    )
    if planned_at <= timezone.now():
        raise ReleaseRefused(_("A release date must be in the future."))
    if planned_at == entry.planned_at and precision == entry.precision:
        raise ReleaseRefused(_("The new date is the date already announced."))
    before = entry_wording(entry)
    change = _change_date(entry, actor, planned_at, precision, reason)
    if precision == Precision.EXACT:
        confirm_date(entry, planned_at)
    else:
        entry.planned_at, entry.precision = planned_at, precision
    _approve_date_on(entry, planned_at, precision)
    release = Release.objects.filter(entry=entry, state=ReleaseState.SCHEDULED).first()
    if release is not None:
        from satudata.releases.services.workflow import content_problem

        problem = content_problem(release, planned_at)
        if problem:
            raise ReleaseRefused(problem)
        Release.objects.filter(pk=release.pk).update(release_at=planned_at)
        release.releasable.put_out(planned_at, release.scheduled_by)
        entry.released_at = planned_at
    entry.save()
    record(
        "releases.entry_rescheduled",
        actor=actor,
        obj=entry,
        summary=f"Tanggal rilis {entry.title} diubah: {before} → {entry_wording(entry)}",
        changes={"planned": [before, entry_wording(entry)], "reason": change.reason},
    )
    if release is not None:
        note_on_task(
            actor=actor, subject=release, step=STEP, note=f"Tanggal rilis diubah: {reason}"
        )
        # Later activities follow the new time (promotion's task and share kit).
        release.release_at = planned_at
        release_scheduled.send(sender=Release, release=release, actor=actor)
        tell(
            [release.created_by, release.submitted_by, *people_in(Role.WALIDATA)],
            release,
            _("Release date changed: %(title)s") % {"title": entry.title},
            f"{before} → {entry_wording(entry)}. {reason}",
        )
    return entry


@transaction.atomic
def cancel_entry(*, actor: User, entry: ReleaseEntry, reason: str) -> ReleaseEntry:
    """Cancel an announced release (the Kepala Bidang, with a public reason). It stays on the
    calendar as cancelled; a release scheduled on it goes back to approved, not out."""
    require(actor, Capability.APPROVE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(_("Say why the release is cancelled: the reason is published."))
    entry = locked_entry(entry)
    release = Release.objects.filter(entry=entry).first()
    if release is not None:
        if release.state == ReleaseState.SCHEDULED:
            release.releasable.put_out(None, None)
        Release.objects.filter(pk=release.pk).update(
            entry=None,
            state=ReleaseState.APPROVED
            if release.state == ReleaseState.SCHEDULED
            else release.state,
            release_at=None,
            approved_entry=None,
            approved_date_at=None,
            approved_date_precision="",
        )
    entry.state, entry.released_at = EntryState.CANCELLED, None
    entry.cancelled_at, entry.cancelled_by = timezone.now(), actor
    entry.cancellation_reason = reason.strip()
    entry.save()
    record(
        "releases.entry_cancelled",
        actor=actor,
        obj=entry,
        summary=f"Rilis dibatalkan: {entry.title}. Alasan: {reason[:300]}",
    )
    if release is not None:
        tell(
            [release.created_by, release.submitted_by],
            release,
            _("Release cancelled: %(title)s") % {"title": entry.title},
            reason,
        )
    return entry
