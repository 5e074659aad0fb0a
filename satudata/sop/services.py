"""The SOP service API that every workflow calls.

Later features open a task when their work starts and finish it when it ends::

    task = open_task(actor=user, step="rilis", title="Rilis Data Kemiskinan 2025",
                     subject=release, executor=staff_member)
    ...
    complete_task(actor=user, task=task)

Steps are named by their stable code (``STEP_CODES``), so a revised SOP keeps working.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import holidays as holiday_calendars
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.accounts.permissions import can, require
from satudata.accounts.roles import Capability
from satudata.core.audit import diff, record, snapshot
from satudata.core.setup import SetupIncomplete
from satudata.sop.models import (
    OPEN_STATUSES,
    Holiday,
    HolidayKind,
    SopDocument,
    SopStep,
    SopTask,
    TaskStatus,
)
from satudata.sop.workdays import due_at

SOP_2024 = Path(__file__).parent / "data" / "sop_penyebarluasan_pringsewu_2024.json"

# The six activities, by their stable codes.
STEP_CODES = ("sinkronisasi", "produk", "rilis", "promosi", "layanan", "laporan")

DOC_FIELDS = (
    "number",
    "title",
    "organisation",
    "made_on",
    "revised_on",
    "approved_by_name",
    "approved_by_title",
    "approved_by_nip",
    "legal_basis",
    "related",
    "warning",
)
STEP_FIELDS = (
    "number",
    "code",
    "activity",
    "activity_en",
    "executors",
    "inputs",
    "time_standard",
    "working_days",
    "output",
    "note",
    "gsbpm",
)


class UnknownStep(SetupIncomplete, LookupError):
    """The current SOP lacks a step a feature needs, or no SOP is loaded at all: a set-up
    problem the operator fixes (``setup_site`` or a revision of the SOP), never a 500."""


class TaskStateError(ValueError):
    """The task is not in a state that allows this action."""


def current_step(code: str) -> SopStep:
    step = SopStep.objects.filter(document__is_current=True, code=code).first()
    if step is None:
        raise UnknownStep(_("the current SOP has no step '%(code)s'") % {"code": code})
    return step


# --- The SOP document -------------------------------------------------------------------------


def _document_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in DOC_FIELDS if k in data}
    for key in ("made_on", "revised_on"):
        if isinstance(values.get(key), str):
            values[key] = dt.date.fromisoformat(values[key])
    return values


@transaction.atomic
def load_sop(path: Path = SOP_2024, *, actor: User | None = None) -> SopDocument:
    """Load the SOP document as its first revision, unless one is already loaded."""
    existing = SopDocument.objects.filter(is_current=True).first()
    if existing is not None:
        return existing
    data = json.loads(path.read_text(encoding="utf-8"))
    document = SopDocument.objects.create(
        revision=1, is_current=True, created_by=actor, **_document_values(data)
    )
    SopStep.objects.bulk_create(
        SopStep(document=document, **{k: s.get(k) for k in STEP_FIELDS if k in s})
        for s in data["steps"]
    )
    record(
        "sop.loaded",
        actor=actor,
        obj=document,
        actor_label="" if actor else "sistem",
        summary=f"SOP {document.number} dimuat dari dokumen ({len(data['steps'])} kegiatan)",
    )
    return document


@transaction.atomic
def revise_sop(
    *, actor: User, changes: Mapping[str, Any], steps: Iterable[Mapping[str, Any]], note: str
) -> SopDocument:
    """Save a new revision of the current SOP; the earlier one stays, no longer current.

    Tasks already open keep the step and due date they were given.
    """
    require(actor, Capability.REVISE_SOP)
    current = SopDocument.objects.select_for_update().get(is_current=True)
    old_steps = {s.number: s for s in current.steps.all()}
    before = snapshot(current, DOC_FIELDS)
    current.is_current = False
    current.save(update_fields=["is_current"])
    values = {**{k: getattr(current, k) for k in DOC_FIELDS}, **_document_values(changes)}
    revision = SopDocument.objects.create(
        revision=current.revision + 1,
        is_current=True,
        created_by=actor,
        revision_note=note,
        **values,
    )
    step_changes: dict[str, Any] = {}
    new_steps = []
    given = {int(data["number"]): data for data in steps}
    # Steps not named in ``steps`` are carried over unchanged.
    for number in sorted({*old_steps, *given}):
        data, old = given.get(number, {}), old_steps.get(number)
        merged = {k: (data[k] if k in data else getattr(old, k, None)) for k in STEP_FIELDS}
        merged["number"] = number
        new_steps.append(SopStep(document=revision, **merged))
        if old is not None:
            changed = diff(snapshot(old, STEP_FIELDS), {k: merged[k] for k in STEP_FIELDS})
            step_changes.update({f"kegiatan {old.number}: {k}": v for k, v in changed.items()})
    SopStep.objects.bulk_create(new_steps)
    record(
        "sop.revised",
        actor=actor,
        obj=revision,
        summary=f"SOP direvisi menjadi revisi {revision.revision}: {note[:300]}",
        changes={**diff(before, snapshot(revision, DOC_FIELDS)), **step_changes},
    )
    return revision


# --- Holidays ---------------------------------------------------------------------------------


@transaction.atomic
def load_holidays(years: Iterable[int], *, actor: User | None = None) -> int:
    """Add Indonesia's public holidays for ``years`` from the holidays package.

    Days already in the table are left as they are: an administrator may have corrected them
    to the year's official decree.
    """
    calendar = holiday_calendars.country_holidays("ID", years=list(years), language="id")
    existing = set(Holiday.objects.values_list("date", flat=True))
    added = [
        Holiday(date=day, name=str(name)[:200], kind=HolidayKind.NATIONAL)
        for day, name in sorted(calendar.items())
        if day not in existing
    ]
    Holiday.objects.bulk_create(added)
    if added:
        record(
            "sop.holidays_loaded",
            actor=actor,
            actor_label="" if actor else "sistem",
            summary=f"{len(added)} hari libur nasional ditambahkan",
        )
    return len(added)


def load_holiday_calendar(years: Iterable[int], *, actor: User | None = None) -> dict[int, int]:
    """Load the public holidays of each year in ``years`` that has none yet; {year: days added}.

    A year with any day in the table counts as loaded and is never touched again, so an
    administrator's corrections to it (a day moved or removed by the year's SKB) stay.
    """
    loaded = {d.year for d in Holiday.objects.dates("date", "year")}
    return {year: load_holidays([year], actor=actor) for year in years if year not in loaded}


# --- Tasks ------------------------------------------------------------------------------------

_TASK_FIELDS = ("status", "executor", "due_at", "started_at", "completed_at", "note")


def _subject_fields(subject: models.Model | None) -> dict[str, str]:
    if subject is None:
        return {"subject_type": "", "subject_id": "", "subject_repr": ""}
    return {
        "subject_type": subject._meta.label_lower,
        "subject_id": str(subject.pk),
        "subject_repr": str(subject)[:255],
    }


@transaction.atomic
def open_task(
    *,
    actor: User | None,
    step: str,
    title: str,
    subject: models.Model | None = None,
    executor: User | None = None,
    agency: Agency | None = None,
    start_at: dt.datetime | None = None,
    due: dt.datetime | None = None,
) -> SopTask:
    """Open a task for ``step``; the due date follows from the step's time standard.

    For a subject that already has an open task at this step, that task is returned: one piece
    of work, one task.
    """
    sop_step = current_step(step)
    if subject is not None:
        found = SopTask.objects.open_for(subject, step).first()
        if found is not None:
            return found
    start = start_at or timezone.now()
    task = SopTask.objects.create(
        step=sop_step,
        title=title[:300],
        executor=executor,
        agency=agency,
        created_at=start,
        due_at=due or due_at(start, sop_step.effective_working_days),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **_subject_fields(subject),
    )
    record(
        "sop.task_opened",
        actor=actor,
        obj=task,
        actor_label="" if actor else "sistem",
        summary=f"Tugas kegiatan {sop_step.number} dibuka: {task.title}",
        changes={"due_at": [None, task.due_at], "executor": [None, executor]},
    )
    return task


def _may_work_on(actor: User, task: SopTask) -> bool:
    return can(actor, Capability.MANAGE_TASKS) or (
        task.executor_id is not None and task.executor_id == actor.pk
    )


def _change(
    task: SopTask,
    action: str,
    actor: User | None,
    summary: str,
    *,
    note: str = "",
    **values: Any,
) -> SopTask:
    """Apply ``values`` to an open task under a row lock, append ``note``, and audit it."""
    locked = SopTask.objects.select_for_update().get(pk=task.pk)
    if locked.status not in OPEN_STATUSES:
        raise TaskStateError(locked.get_status_display())
    before = snapshot(locked, _TASK_FIELDS)
    for key, value in values.items():
        setattr(locked, key, value)
    locked.note = "\n".join(filter(None, [locked.note, note.strip()]))
    locked.save()
    record(
        action,
        actor=actor,
        obj=locked,
        actor_label="" if actor else "sistem",
        summary=summary,
        changes=diff(before, snapshot(locked, _TASK_FIELDS)),
    )
    return locked


@transaction.atomic
def start_task(*, actor: User, task: SopTask) -> SopTask:
    if not _may_work_on(actor, task):
        raise PermissionDenied("sop.start_task")
    return _change(
        task,
        "sop.task_started",
        actor,
        f"Tugas mulai dikerjakan: {task.title}",
        status=TaskStatus.IN_PROGRESS,
        started_at=timezone.now(),
        executor=task.executor or actor,
    )


@transaction.atomic
def complete_task(*, actor: User | None, task: SopTask, note: str = "") -> SopTask:
    """Finish a task. ``actor=None`` is the system finishing it when its workflow ends."""
    if actor is not None and not _may_work_on(actor, task):
        raise PermissionDenied("sop.complete_task")
    now = timezone.now()
    late = " (terlambat)" if now > task.due_at else ""
    return _change(
        task,
        "sop.task_completed",
        actor,
        f"Tugas selesai{late}: {task.title}",
        note=note,
        status=TaskStatus.DONE,
        completed_at=now,
        started_at=task.started_at or now,
    )


@transaction.atomic
def note_on_task(*, actor: User | None, subject: models.Model, step: str, note: str) -> None:
    """Write what happened on the subject's open task at ``step`` (if it has one): its
    workflow's transitions are kept on the task that tracks them."""
    task = SopTask.objects.open_for(subject, step).first()
    if task is not None:
        _change(task, "sop.task_noted", actor, f"Catatan tugas: {note[:200]}", note=note)


@transaction.atomic
def finish_task_of(*, subject: models.Model, step: str, note: str) -> SopTask | None:
    """Finish the subject's open task at ``step`` (if it has one), as the system, when the
    workflow it tracks ends."""
    task = SopTask.objects.open_for(subject, step).first()
    return complete_task(actor=None, task=task, note=note) if task is not None else None


@transaction.atomic
def cancel_task(*, actor: User, task: SopTask, reason: str) -> SopTask:
    require(actor, Capability.MANAGE_TASKS)
    return _change(
        task,
        "sop.task_cancelled",
        actor,
        f"Tugas dibatalkan: {reason[:200]}",
        note=f"Dibatalkan: {reason.strip()}",
        status=TaskStatus.CANCELLED,
        completed_at=timezone.now(),
    )


@transaction.atomic
def reassign_task(*, actor: User, task: SopTask, executor: User) -> SopTask:
    require(actor, Capability.MANAGE_TASKS)
    return _change(
        task,
        "sop.task_reassigned",
        actor,
        f"Pelaksana tugas diganti menjadi {executor}",
        executor=executor,
    )
