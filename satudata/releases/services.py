"""State changes of SOP activity 3, each one atomic, permission-checked, audited, noted on the
release's SOP task, and announced to whoever acts next (in-app and by e-mail).

The Walidata prepares a release and submits it; the Kepala Bidang approves or returns it; the
Walidata schedules it on a confirmed date of the release calendar; it is out at that time for
everyone at once. Nothing here runs at the release time: scheduling sets the content's own
publication time, which its gate compares with the clock.

Every transition moves the release out of the states it may leave with one conditional UPDATE,
so that of two people acting at once exactly one succeeds and the other is told who was first,
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import can, require
from satudata.accounts.roles import Capability, Role
from satudata.accounts.services import notify
from satudata.core.audit import record
from satudata.releases.dates import at_release_time, month_start, window, wording
from satudata.releases.models import (
    DateChange,
    DateRequest,
    DateRequestState,
    EntryState,
    Erratum,
    Precision,
    PreReleaseAccess,
    ProductType,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseState,
)
from satudata.sop.services import finish_task_of, note_on_task, open_task

STEP = "rilis"
# The longest pre-release access before a release (Pre-Release Access to Official Statistics
# Order 2008: 24 hours).
MAX_PRE_RELEASE = dt.timedelta(hours=24)


class ReleaseRefused(Exception):
    """The step cannot be taken; the message says why and what to do."""


# --- Who acts next ------------------------------------------------------------------------------


def _people(role: Role) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True))


def _release_url(release: Release) -> str:
    return reverse("releases:release", args=[release.uuid])


def _tell(people: Iterable[User | None], release: Release, title: str, body: str = "") -> None:
    notify([p for p in people if p is not None], title=title, body=body, url=_release_url(release))


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M WIB")


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


def _agency_contact(agency: Agency) -> tuple[str, str, str]:
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
            contact=_agency_contact(item.agency),
        )
        created += 1
    return created


def _locked_entry(entry: ReleaseEntry) -> ReleaseEntry:
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


def _confirm(entry: ReleaseEntry, planned_at: dt.datetime) -> None:
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
    entry = _locked_entry(entry)
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
    _confirm(entry, planned_at)
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
    entry = _locked_entry(entry)
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
        _confirm(entry, planned_at)
    else:
        entry.planned_at, entry.precision = planned_at, precision
    _approve_date_on(entry, planned_at, precision)
    release = Release.objects.filter(entry=entry, state=ReleaseState.SCHEDULED).first()
    if release is not None:
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
        _tell(
            [release.created_by, release.submitted_by, *_people(Role.WALIDATA)],
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
    entry = _locked_entry(entry)
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
        _tell(
            [release.created_by, release.submitted_by],
            release,
            _("Release cancelled: %(title)s") % {"title": entry.title},
            reason,
        )
    return entry


# --- The content workflow -----------------------------------------------------------------------


def _transition(release: Release, allowed: Iterable[str], action: str, **values: Any) -> Release:
    """Move ``release`` out of one of the ``allowed`` states with one conditional UPDATE. If
    someone moved it first, say who and when; nothing is changed."""
    moved = Release.objects.filter(pk=release.pk, state__in=list(allowed)).update(**values)
    current = Release.objects.select_related("entry", "decided_by", "submitted_by").get(
        pk=release.pk
    )
    if not moved:
        raise ReleaseRefused(_state_message(current, action))
    return current


def _state_message(release: Release, action: str) -> str:
    who, when = release.decided_by, release.decided_at
    if release.state in (ReleaseState.APPROVED, ReleaseState.RETURNED) and who and when:
        return _(
            "This release cannot be %(action)s: %(person)s already decided on it "
            "(%(state)s) on %(when)s."
        ) % {
            "action": action,
            "person": who,
            "state": release.state_label(),
            "when": _when(when),
        }
    return _("This release cannot be %(action)s: it is %(state)s.") % {
        "action": action,
        "state": release.state_label().lower(),
    }


@transaction.atomic
def prepare_release(
    *,
    actor: User | None,
    content: Any,
    kind: str = ReleaseKind.FIRST,
    entry: ReleaseEntry | None = None,
) -> Release:
    """Start the release of ``content`` (a ``Releasable``) as a draft, with its SOP task.
    ``actor=None`` is the system preparing it as a synchronised version arrives. A first release
    takes the calendar entry waiting for its Daftar Data item, if there is one."""
    if actor is not None:
        require(actor, Capability.MANAGE_RELEASES)
    existing = Release.objects.for_content(content).first()
    if existing is not None:
        return existing
    if entry is None and kind == ReleaseKind.FIRST:
        entry = _waiting_entry(content)
    release = Release.objects.create(
        content=content,
        entry=entry,
        kind=kind,
        title=content.release_title()[:300],
        agency=content.release_agency(),
        created_by=actor,
    )
    record(
        "releases.created",
        actor=actor,
        obj=release,
        actor_label="" if actor else "sistem",
        summary=f"Rilis disiapkan: {release.title}",
    )
    open_task(
        actor=actor,
        step=STEP,
        title=f"Rilis: {release.title}",
        subject=release,
        agency=release.agency,
    )
    return release


def _waiting_entry(content: Any) -> ReleaseEntry | None:
    item = content.release_item()
    if item is None:
        return None
    return (
        ReleaseEntry.objects.filter(item=item, kind=ReleaseKind.FIRST, release__isnull=True)
        .exclude(state=EntryState.CANCELLED)
        .order_by("planned_at")
        .first()
    )


@transaction.atomic
def submit_release(*, actor: User, release: Release, note: str = "") -> Release:
    """The Walidata asks the Kepala Bidang to approve the release."""
    require(actor, Capability.MANAGE_RELEASES)
    release = _transition(
        release,
        [ReleaseState.DRAFT, ReleaseState.RETURNED],
        _("submitted"),
        state=ReleaseState.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    record(
        "releases.submitted",
        actor=actor,
        obj=release,
        summary=f"Rilis diajukan untuk persetujuan: {release.title}",
        changes={"note": note},
    )
    note_on_task(actor=actor, subject=release, step=STEP, note=f"Diajukan. {note}".strip())
    _tell(
        _people(Role.KEPALA_BIDANG),
        release,
        _("Release waiting for your approval: %(title)s") % {"title": release.title},
        note,
    )
    return release


def _decide(actor: User, release: Release, state: str, action: str, comment: str) -> Release:
    require(actor, Capability.APPROVE_RELEASES)
    if release.submitted_by_id == actor.pk:
        raise ReleaseRefused(_("You submitted this release; another Kepala Bidang decides on it."))
    return _transition(
        release,
        [ReleaseState.SUBMITTED],
        action,
        state=state,
        decided_at=timezone.now(),
        decided_by=actor,
        comment=comment.strip(),
    )


@transaction.atomic
def return_release(*, actor: User, release: Release, comment: str) -> Release:
    """The Kepala Bidang sends the release back with what to change."""
    if not comment.strip():
        raise ReleaseRefused(_("Write what has to change before the release is approved."))
    release = _decide(actor, release, ReleaseState.RETURNED, _("returned"), comment)
    record(
        "releases.returned",
        actor=actor,
        obj=release,
        summary=f"Rilis dikembalikan: {release.title}",
        changes={"comment": comment},
    )
    note_on_task(actor=actor, subject=release, step=STEP, note=f"Dikembalikan: {comment}")
    _tell(
        [release.submitted_by],
        release,
        _("Release returned with comments: %(title)s") % {"title": release.title},
        comment,
    )
    return release


@transaction.atomic
def approve_release(*, actor: User, release: Release, comment: str = "") -> Release:
    """The Kepala Bidang approves the release; the Walidata schedules it next."""
    release = _decide(actor, release, ReleaseState.APPROVED, _("approved"), comment)
    entry = release.entry
    if entry is not None:
        Release.objects.filter(pk=release.pk).update(
            approved_entry=entry,
            approved_date_at=entry.planned_at,
            approved_date_precision=entry.precision,
        )
        release.refresh_from_db()
    record(
        "releases.approved",
        actor=actor,
        obj=release,
        summary=f"Rilis disetujui: {release.title}",
        changes={
            "comment": comment,
            "date": entry_wording(entry) if entry is not None else "",
        },
    )
    note_on_task(actor=actor, subject=release, step=STEP, note="Disetujui Kepala Bidang.")
    _tell(
        [release.submitted_by, *_people(Role.WALIDATA)],
        release,
        _("Release approved, ready to schedule: %(title)s") % {"title": release.title},
        comment,
    )
    return release


@transaction.atomic
def schedule_release(
    *, actor: User, release: Release, entry: ReleaseEntry | None = None
) -> Release:
    """Put an approved release on its confirmed calendar date: from that moment it is out for
    everyone, on every channel, with nothing left to run."""
    require(actor, Capability.MANAGE_RELEASES)
    entry = entry or release.entry
    if entry is None:
        raise ReleaseRefused(
            _(
                "This release has no date on the release calendar yet. Ask the Kepala Bidang "
                "for a release date on this release's page."
            )
        )
    entry = _locked_entry(entry)
    if entry.agency_id != release.agency_id:
        raise ReleaseRefused(
            _("The calendar entry %(entry)s announces another agency's release.")
            % {"entry": entry.title}
        )
    other = Release.objects.filter(entry=entry).exclude(pk=release.pk).first()
    if other is not None:
        raise ReleaseRefused(
            _("The calendar entry %(entry)s already carries another release: %(other)s.")
            % {"entry": entry.title, "other": other.title}
        )
    release = Release.objects.select_related("approved_entry").get(pk=release.pk)
    problem = date_problem(release, entry)
    if problem:
        raise ReleaseRefused(problem)
    release = _transition(
        release,
        [ReleaseState.APPROVED],
        _("scheduled"),
        state=ReleaseState.SCHEDULED,
        entry=entry,
        scheduled_at=timezone.now(),
        scheduled_by=actor,
        release_at=entry.planned_at,
    )
    release.releasable.put_out(entry.planned_at, actor)
    ReleaseEntry.objects.filter(pk=entry.pk).update(released_at=entry.planned_at)
    record(
        "releases.scheduled",
        actor=actor,
        obj=release,
        summary=f"Rilis dijadwalkan: {release.title}, terbit {entry_wording(entry)}",
    )
    finish_task_of(subject=release, step=STEP, note=f"Dijadwalkan terbit {entry_wording(entry)}.")
    _tell(
        [release.submitted_by, release.decided_by],
        release,
        _("Release scheduled: %(title)s") % {"title": release.title},
        entry_wording(entry),
    )
    return release


@transaction.atomic
def unschedule_release(*, actor: User, release: Release, reason: str) -> Release:
    """Take a scheduled release off its date before its time (it goes back to approved and
    stays unseen). The calendar entry keeps its date until it is moved or cancelled."""
    require(actor, Capability.MANAGE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(_("Say why the release is taken off the schedule."))
    if release.release_at is not None and release.release_at <= timezone.now():
        raise ReleaseRefused(_("This release is already out; withdraw it instead."))
    release = _transition(
        release,
        [ReleaseState.SCHEDULED],
        _("taken off the schedule"),
        state=ReleaseState.APPROVED,
        release_at=None,
        approved_date_at=None,
        approved_date_precision="",
    )
    release.releasable.put_out(None, None)
    ReleaseEntry.objects.filter(release=release).update(released_at=None)
    record(
        "releases.unscheduled",
        actor=actor,
        obj=release,
        summary=f"Rilis batal dijadwalkan: {release.title}. {reason[:300]}",
        changes={"reason": reason.strip()},
    )
    note_on_task(
        actor=actor,
        subject=release,
        step=STEP,
        note=f"Dikeluarkan dari jadwal: {reason.strip()}. Tanggal baru perlu persetujuan.",
    )
    return release


def date_problem(release: Release, entry: ReleaseEntry | None = None) -> str:
    """Why ``release`` cannot be scheduled on ``entry`` (its own by default) now, and what to
    do; empty when it can."""
    return date_problem_kind(release, entry)[1]


def date_problem_kind(release: Release, entry: ReleaseEntry | None = None) -> tuple[str, str]:
    """``(kind, message)`` of what stops scheduling, ``("", "")`` if nothing does. The release
    date belongs to the Kepala Bidang: a release is scheduled on the entry and the date
    approved for it, nowhere else; any other entry or date is asked for again."""
    entry = entry or release.entry
    ask = _("Ask the Kepala Bidang for a new date on this release's page.")
    if entry is None:
        return "no_entry", _(
            "This release has no date on the release calendar yet. Ask the Kepala Bidang for "
            "a release date on this release's page."
        )
    if (
        entry.planned_at <= timezone.now()
        if entry.state == EntryState.CONFIRMED
        else at_release_time(window(entry.planned_at, entry.precision)[1]) <= timezone.now()
    ):
        return "passed", _("The announced date %(announced)s has passed. %(ask)s") % {
            "announced": entry_wording(entry),
            "ask": ask,
        }
    if release.approved_entry_id is not None and release.approved_entry_id != entry.pk:
        return "other_entry", _(
            "The Kepala Bidang approved this release for another calendar entry, not "
            "%(entry)s. %(ask)s"
        ) % {"entry": entry.title, "ask": ask}
    if release.approved_entry_id is None or release.approved_date_at is None:
        return "not_approved", _(
            "The Kepala Bidang has not approved a release date for this release "
            "(it was taken off the schedule, or approved before it had a date). %(ask)s"
        ) % {"ask": ask}
    first, last = window(release.approved_date_at, release.approved_date_precision)
    if not first <= timezone.localtime(entry.planned_at).date() <= last:
        return "other_date", _(
            "%(announced)s is not the date the Kepala Bidang approved (%(approved)s). %(ask)s"
        ) % {
            "announced": entry_wording(entry),
            "approved": wording(release.approved_date_at, release.approved_date_precision),
            "ask": ask,
        }
    if entry.state != EntryState.CONFIRMED:
        return "unconfirmed", _(
            "A release is scheduled on a confirmed day: %(entry)s is announced for "
            "%(announced)s. Confirm the day on its calendar entry first."
        ) % {"entry": entry.title, "announced": entry_wording(entry)}
    return "", ""


@transaction.atomic
def request_date(
    *,
    actor: User,
    release: Release,
    day: dt.date,
    time: dt.time | None = None,
    reason: str,
) -> DateRequest:
    """The Walidata asks the Kepala Bidang for a new release date of an approved release."""
    require(actor, Capability.MANAGE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(
            _("Say why the release needs this date: the reason is shown on the calendar.")
        )
    new_at = at_release_time(day, time)
    if new_at <= timezone.now():
        raise ReleaseRefused(_("A release date must be in the future."))
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.state != ReleaseState.APPROVED:
        raise ReleaseRefused(
            _(
                "A new date is asked for an approved release that is not scheduled; this one "
                "is %(state)s."
            )
            % {"state": release.state_label().lower()}
        )
    pending = release.date_requests.filter(state=DateRequestState.PENDING).first()
    if pending is not None:
        raise ReleaseRefused(
            _("A request for %(when)s is already waiting for the Kepala Bidang.")
            % {"when": _when(pending.new_at)}
        )
    request = DateRequest.objects.create(
        release=release, new_at=new_at, reason=reason.strip(), requested_by=actor
    )
    record(
        "releases.date_requested",
        actor=actor,
        obj=release,
        summary=f"Tanggal rilis baru diminta: {release.title}, {_when(new_at)}",
        changes={"date": _when(new_at), "reason": reason.strip()},
    )
    note_on_task(
        actor=actor, subject=release, step=STEP, note=f"Minta tanggal {_when(new_at)}: {reason}"
    )
    _tell(
        _people(Role.KEPALA_BIDANG),
        release,
        _("New release date waiting for your approval: %(title)s") % {"title": release.title},
        f"{_when(new_at)}. {reason.strip()}",
    )
    return request


def _decide_date(actor: User, request: DateRequest, state: str, comment: str) -> DateRequest:
    require(actor, Capability.APPROVE_RELEASES)
    if request.requested_by_id == actor.pk:
        raise ReleaseRefused(_("You asked for this date; another Kepala Bidang decides on it."))
    moved = DateRequest.objects.filter(pk=request.pk, state=DateRequestState.PENDING).update(
        state=state, decided_by=actor, decided_at=timezone.now(), comment=comment.strip()
    )
    current = DateRequest.objects.select_related("release", "decided_by").get(pk=request.pk)
    if not moved:
        raise ReleaseRefused(
            _("%(person)s already decided on this date request (%(state)s).")
            % {"person": current.decided_by, "state": current.get_state_display().lower()}  # type: ignore[attr-defined]
        )
    return current


@transaction.atomic
def approve_date(*, actor: User, request: DateRequest, comment: str = "") -> Release:
    """The Kepala Bidang approves the date asked for, in one step: the release's calendar entry
    moves to it (publicly, with the Walidata's reason; a new entry if it has none) and the
    release is scheduled there."""
    request = _decide_date(actor, request, DateRequestState.APPROVED, comment)
    release = Release.objects.select_for_update().get(pk=request.release_id)
    if release.state != ReleaseState.APPROVED:
        raise ReleaseRefused(
            _("This release is %(state)s now; the date asked for no longer applies.")
            % {"state": release.state_label().lower()}
        )
    entry = _entry_for_date(actor, release, request)
    Release.objects.filter(pk=release.pk).update(
        entry=entry,
        approved_entry=entry,
        approved_date_at=request.new_at,
        approved_date_precision=Precision.EXACT,
    )
    record(
        "releases.date_approved",
        actor=actor,
        obj=release,
        summary=f"Tanggal rilis disetujui: {release.title}, {entry_wording(entry)}",
        changes={"date": entry_wording(entry), "comment": comment.strip()},
    )
    release = schedule_release(actor=actor, release=release, entry=entry)
    _tell(
        [request.requested_by],
        release,
        _("New release date approved and scheduled: %(title)s") % {"title": release.title},
        entry_wording(entry),
    )
    return release


def _entry_for_date(actor: User, release: Release, request: DateRequest) -> ReleaseEntry:
    """The release's calendar entry confirmed on the date asked for: its own entry moved there
    (a public date change with the reason given), or a new entry if it has none."""
    fresh = release.entry_id is None
    if fresh:
        entry = plan_entry(
            actor=actor,
            title=release.title,
            agency=release.agency,
            item=release.releasable.release_item(),
            planned_at=request.new_at,
            kind=release.kind,
            contact=_agency_contact(release.agency),
        )
    else:
        entry = _locked_entry(ReleaseEntry(pk=release.entry_id))
    before = entry_wording(entry)
    if not fresh and (entry.planned_at, entry.precision) != (request.new_at, Precision.EXACT):
        DateChange.objects.create(
            entry=entry,
            previous_at=entry.planned_at,
            previous_precision=entry.precision,
            new_at=request.new_at,
            new_precision=Precision.EXACT,
            reason=request.reason,
            changed_by=request.requested_by,
            approved_by=actor,
        )
    _confirm(entry, request.new_at)
    entry.save()
    record(
        "releases.entry_rescheduled",
        actor=actor,
        obj=entry,
        summary=f"Tanggal rilis {entry.title} diubah: {before} → {entry_wording(entry)}",
        changes={"planned": [before, entry_wording(entry)], "reason": request.reason},
    )
    return entry


@transaction.atomic
def refuse_date(*, actor: User, request: DateRequest, comment: str) -> DateRequest:
    """The Kepala Bidang refuses the date asked for, saying why; the Walidata may ask again."""
    if not comment.strip():
        raise ReleaseRefused(_("Say why the date is refused, so the Walidata can ask again."))
    request = _decide_date(actor, request, DateRequestState.REFUSED, comment)
    record(
        "releases.date_refused",
        actor=actor,
        obj=request.release,
        summary=f"Tanggal rilis ditolak: {request.release.title}, {_when(request.new_at)}",
        changes={"date": _when(request.new_at), "comment": comment.strip()},
    )
    _tell(
        [request.requested_by],
        request.release,
        _("Release date refused: %(title)s") % {"title": request.release.title},
        comment.strip(),
    )
    return request


@transaction.atomic
def publish_now(*, actor: User, release: Release, reason: str) -> Release:
    """The Kepala Bidang releases at once, outside the calendar (an unannounced or late
    release, or a correction): allowed, explained, and counted as such."""
    require(actor, Capability.APPROVE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(
            _("Say why this release goes out now rather than on an announced date.")
        )
    now = timezone.now()
    release = _transition(
        release,
        [ReleaseState.DRAFT, ReleaseState.SUBMITTED, ReleaseState.APPROVED, ReleaseState.RETURNED],
        _("released"),
        state=ReleaseState.SCHEDULED,
        decided_at=now,
        decided_by=actor,
        scheduled_at=now,
        scheduled_by=actor,
        release_at=now,
        unscheduled_reason=reason.strip(),
    )
    release.releasable.put_out(now, actor)
    if release.entry is not None:
        ReleaseEntry.objects.filter(pk=release.entry.pk).update(released_at=now)
    record(
        "releases.published_now",
        actor=actor,
        obj=release,
        summary=f"Rilis terbit saat itu juga: {release.title}. Alasan: {reason[:300]}",
    )
    finish_task_of(
        subject=release, step=STEP, note=f"Diterbitkan langsung oleh Kepala Bidang: {reason}"
    )
    return release


@transaction.atomic
def release_at_once(*, actor: User, content: Any, reason: str) -> Release:
    """Prepare (if need be) and release ``content`` now: the Kepala Bidang's one step."""
    from satudata.releases.content import kind_for

    release = prepare_release(actor=actor, content=content, kind=kind_for(content))
    return publish_now(actor=actor, release=release, reason=reason)


@transaction.atomic
def withdraw_release(*, actor: User, release: Release, reason: str) -> Release:
    """Take a published release back from the public (the Kepala Bidang). A notice with the
    reason stays where it was."""
    require(actor, Capability.APPROVE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(_("Say why the release is withdrawn: the notice shows it."))
    now = timezone.now()
    if not release.is_published(now):
        raise ReleaseRefused(_("Only a published release can be withdrawn."))
    release = _transition(
        release,
        [ReleaseState.SCHEDULED],
        _("withdrawn"),
        state=ReleaseState.WITHDRAWN,
        withdrawn_at=now,
        withdrawn_by=actor,
        withdrawal_reason=reason.strip(),
    )
    release.releasable.withdraw(now)
    record(
        "releases.withdrawn",
        actor=actor,
        obj=release,
        summary=f"Rilis ditarik: {release.title}. Alasan: {reason[:300]}",
    )
    _tell(
        [release.submitted_by, *_people(Role.WALIDATA)],
        release,
        _("Release withdrawn: %(title)s") % {"title": release.title},
        reason,
    )
    return release


@transaction.atomic
def add_erratum(
    *,
    actor: User,
    release: Release,
    note: str,
    significant: bool,
    corrected_by: Release | None = None,
) -> Erratum:
    """Note an error found in a published release: what was wrong, what changed, whether it
    could mislead (significant), and the release that corrects it if there is one."""
    require(actor, Capability.MANAGE_RELEASES)
    if not note.strip():
        raise ReleaseRefused(_("Describe the error and its correction."))
    if not release.is_published():
        raise ReleaseRefused(_("Errata are for published releases."))
    erratum = Erratum.objects.create(
        release=release,
        note=note.strip(),
        significant=significant,
        corrected_by=corrected_by,
        created_by=actor,
    )
    weight = "signifikan" if significant else "tidak signifikan"
    record(
        "releases.corrected",
        actor=actor,
        obj=release,
        summary=f"Ralat ({weight}) pada {release.title}: {note[:300]}",
    )
    if significant:
        _tell(
            _people(Role.KEPALA_BIDANG),
            release,
            _("Significant erratum: %(title)s") % {"title": release.title},
            note,
        )
    return erratum


# --- Pre-release access -------------------------------------------------------------------------


@transaction.atomic
def grant_access(
    *,
    actor: User,
    release: Release,
    person: User,
    organisation: str,
    justification: str,
    access_from: dt.datetime,
    position: str = "",
) -> PreReleaseAccess:
    """Let a named person read a scheduled release before its time, for at most 24 hours."""
    require(actor, Capability.MANAGE_RELEASES)
    release = Release.objects.get(pk=release.pk)
    if release.state != ReleaseState.SCHEDULED or release.is_published():
        raise ReleaseRefused(_("Pre-release access is given only to a scheduled release."))
    assert release.release_at is not None
    if not justification.strip() or not organisation.strip():
        raise ReleaseRefused(_("Give the person's organisation and why they need access."))
    if access_from < release.release_at - MAX_PRE_RELEASE or access_from >= release.release_at:
        raise ReleaseRefused(
            _("Pre-release access starts at most 24 hours before the release time (%(when)s).")
            % {"when": _when(release.release_at)}
        )
    if not person.is_active:
        raise ReleaseRefused(_("This account is not active."))
    if PreReleaseAccess.objects.filter(release=release, user=person).exists():
        raise ReleaseRefused(_("%(person)s is already on the list.") % {"person": person})
    access = PreReleaseAccess.objects.create(
        release=release,
        user=person,
        organisation=organisation.strip(),
        position=position.strip(),
        justification=justification.strip(),
        access_from=access_from,
        granted_by=actor,
    )
    record(
        "releases.access_granted",
        actor=actor,
        obj=release,
        summary=f"Akses pra-rilis untuk {person} ({organisation}) mulai {_when(access_from)}",
    )
    notify(
        [person],
        title=_("Pre-release access: %(title)s") % {"title": release.title},
        body=_(
            "You may read this release from %(start)s until it is published at %(end)s. "
            "Do not share it or anything about it before then; every access is recorded."
        )
        % {"start": _when(access_from), "end": _when(release.release_at)},
        url=release.releasable.release_url(),
    )
    return access


@transaction.atomic
def revoke_access(*, actor: User, access: PreReleaseAccess) -> PreReleaseAccess:
    require(actor, Capability.MANAGE_RELEASES)
    PreReleaseAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    access.refresh_from_db()
    record(
        "releases.access_revoked",
        actor=actor,
        obj=access.release,
        summary=f"Akses pra-rilis {access.user} dicabut",
    )
    return access
