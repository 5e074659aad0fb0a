"""A new release date asked of the Kepala Bidang (the date belongs to them): asked by the
Walidata with a reason, approved in one step that moves the entry and schedules the release,
or refused with a reason."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import User
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability, Role
from satudata.core.audit import record
from satudata.releases.dates import at_release_time
from satudata.releases.models import (
    DateChange,
    DateRequest,
    DateRequestState,
    Precision,
    Release,
    ReleaseEntry,
    ReleaseState,
)
from satudata.releases.services.calendar import (
    agency_contact,
    confirm_date,
    entry_wording,
    locked_entry,
    plan_entry,
)
from satudata.releases.services.common import STEP, ReleaseRefused, people_in, tell, when_text
from satudata.releases.services.workflow import schedule_release
from satudata.sop.services import note_on_task


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
            % {"when": when_text(pending.new_at)}
        )
    try:
        with transaction.atomic():  # SQLite takes no row lock: the constraint decides a race
            request = DateRequest.objects.create(
                release=release, new_at=new_at, reason=reason.strip(), requested_by=actor
            )
    except IntegrityError:
        raise ReleaseRefused(
            _("Another request for a new date is already waiting for the Kepala Bidang.")
        ) from None
    record(
        "releases.date_requested",
        actor=actor,
        obj=release,
        summary=f"Tanggal rilis baru diminta: {release.title}, {when_text(new_at)}",
        changes={"date": when_text(new_at), "reason": reason.strip()},
    )
    note_on_task(
        actor=actor, subject=release, step=STEP, note=f"Minta tanggal {when_text(new_at)}: {reason}"
    )
    tell(
        people_in(Role.KEPALA_BIDANG),
        release,
        _("New release date waiting for your approval: %(title)s") % {"title": release.title},
        f"{when_text(new_at)}. {reason.strip()}",
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
    if request.new_at <= timezone.now():
        raise ReleaseRefused(
            _(
                "The date asked for, %(when)s, has passed: refuse this request saying so, and "
                "the Walidata can ask for another date."
            )
            % {"when": when_text(request.new_at)}
        )
    request = _decide_date(actor, request, DateRequestState.APPROVED, comment)
    # The entry is locked before the release, the order scheduling and confirming take them in:
    # the other order would let two of them deadlock on PostgreSQL.
    entry_id = Release.objects.filter(pk=request.release_id).values_list("entry_id", flat=True)[0]
    if entry_id is not None:
        locked_entry(ReleaseEntry(pk=entry_id))
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
    tell(
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
            contact=agency_contact(release.agency),
        )
    else:
        entry = locked_entry(ReleaseEntry(pk=release.entry_id))
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
    confirm_date(entry, request.new_at)
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
        summary=f"Tanggal rilis ditolak: {request.release.title}, {when_text(request.new_at)}",
        changes={"date": when_text(request.new_at), "comment": comment.strip()},
    )
    tell(
        [request.requested_by],
        request.release,
        _("Release date refused: %(title)s") % {"title": request.release.title},
        comment.strip(),
    )
    return request
