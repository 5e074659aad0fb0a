"""The content workflow: prepare, submit, return or approve, schedule on the approved date, take
off the schedule, release now, withdraw, errata."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import User
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability, Role
from satudata.core.audit import record
from satudata.releases.dates import at_release_time, window, wording
from satudata.releases.models import (
    EntryState,
    Erratum,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseState,
)
from satudata.releases.services.calendar import entry_wording, locked_entry
from satudata.releases.services.common import STEP, ReleaseRefused, people_in, tell, when_text
from satudata.releases.signals import release_scheduled
from satudata.sop.services import finish_task_of, note_on_task, open_task

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
            "when": when_text(when),
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
    _finish_composing(release)
    tell(
        people_in(Role.KEPALA_BIDANG),
        release,
        _("Release waiting for your approval: %(title)s") % {"title": release.title},
        note,
    )
    return release


def _finish_composing(release: Release) -> None:
    """A product's activity-2 task (composing it) ends when its first release is submitted."""
    product = getattr(release.releasable, "product", None)
    if product is not None:
        finish_task_of(subject=product, step="produk", note=f"Diajukan: {release.title}.")


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
    tell(
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
    tell(
        [release.submitted_by, *people_in(Role.WALIDATA)],
        release,
        _("Release approved, ready to schedule: %(title)s") % {"title": release.title},
        comment,
    )
    return release


def content_problem(release: Release, at: Any) -> str:
    """What the content says against coming out at ``at`` (a product built from data not yet
    out then), or empty. Content without such a rule (a dataset version) has none."""
    check = getattr(release.releasable, "release_problem", None)
    return str(check(at)) if check is not None else ""


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
    entry = locked_entry(entry)
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
    problem = date_problem(release, entry) or content_problem(release, entry.planned_at)
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
    release_scheduled.send(sender=Release, release=release, actor=actor)
    tell(
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
def publish_now(*, actor: User, release: Release, reason: str) -> Release:
    """The Kepala Bidang releases at once, outside the calendar (an unannounced or late
    release, or a correction): allowed, explained, and counted as such."""
    require(actor, Capability.APPROVE_RELEASES)
    if not reason.strip():
        raise ReleaseRefused(
            _("Say why this release goes out now rather than on an announced date.")
        )
    now = timezone.now()
    problem = content_problem(release, now)
    if problem:
        raise ReleaseRefused(problem)
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
    release_scheduled.send(sender=Release, release=release, actor=actor)
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
    tell(
        [release.submitted_by, *people_in(Role.WALIDATA)],
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
        tell(
            people_in(Role.KEPALA_BIDANG),
            release,
            _("Significant erratum: %(title)s") % {"title": release.title},
            note,
        )
    return erratum
