"""Compliance with the SOP Penyebarluasan Data, from its tasks (``satudata.sop``): for each of
the six activities, and per person and per agency, in a period —

- ``opened``: tasks opened in the period; ``finished``: tasks finished (done) in the period;
- ``on_time``: of those finished, finished by their due time (the step's time standard in
  working days, ``SopTask.due_at``); ``on_time_share`` = on_time / finished × 100;
- ``mean_late_days``: the mean lateness, in working days (Monday–Friday less the holidays of
  the sop app) from the due day to the day finished, over the tasks finished late; 0 when
  tasks were finished and none late;
- ``overdue``: tasks still open at the end of the period whose due time had passed then.

The SOP's own warning — if the SOP is not carried out the data cannot be used to the full —
made measurable: an activity with no task at all in the period (none opened, finished or
overdue) is "not available", and the ``warning`` names it; so does one with overdue tasks.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.reports import periods
from satudata.sop.models import SopDocument, SopStep, SopTask, TaskStatus
from satudata.sop.workdays import WIB, holiday_dates, working_days_between

STEP_CODES = ("sinkronisasi", "produk", "rilis", "promosi", "layanan", "laporan")


@dataclass
class Tally:
    """The counts of one group of tasks."""

    opened: int = 0
    finished: int = 0
    on_time: int = 0
    late_days: list[int] = field(default_factory=list)
    overdue: int = 0

    @property
    def has_tasks(self) -> bool:
        return bool(self.opened or self.finished or self.overdue)

    def as_dict(self) -> dict[str, Any]:
        return {
            "opened": self.opened,
            "finished": self.finished,
            "on_time": self.on_time,
            "on_time_share": (
                round(100 * self.on_time / self.finished, 1) if self.finished else None
            ),
            "mean_late_days": (
                (round(statistics.fmean(self.late_days), 1) if self.late_days else 0.0)
                if self.finished
                else None
            ),
            "overdue": self.overdue,
        }


def _tasks(low: dt.datetime, high: dt.datetime) -> list[SopTask]:
    """Every task that counts in the period: opened in it, finished in it, or open (not
    cancelled, not yet finished) at its end."""
    in_period = (
        Q(created_at__gte=low, created_at__lt=high)
        | Q(status=TaskStatus.DONE, completed_at__gte=low, completed_at__lt=high)
        | (
            Q(created_at__lt=high, due_at__lt=high)
            & ~Q(status=TaskStatus.CANCELLED)
            & (Q(completed_at__isnull=True) | Q(completed_at__gte=high))
        )
    )
    return list(
        SopTask.objects.filter(in_period).select_related("step", "executor", "agency").order_by()
    )


def _count(
    tasks: Iterable[SopTask],
    key: Callable[[SopTask], Any],
    low: dt.datetime,
    high: dt.datetime,
    holidays: set[dt.date],
) -> dict[Any, Tally]:
    tallies: dict[Any, Tally] = {}
    for task in tasks:
        tally = tallies.setdefault(key(task), Tally())
        if low <= task.created_at < high:
            tally.opened += 1
        done = task.completed_at
        if task.status == TaskStatus.DONE and done is not None and low <= done < high:
            tally.finished += 1
            if done <= task.due_at:
                tally.on_time += 1
            else:
                tally.late_days.append(
                    max(
                        1,
                        working_days_between(
                            task.due_at.astimezone(WIB).date(),
                            done.astimezone(WIB).date(),
                            holidays,
                        ),
                    )
                )
        still_open = task.status != TaskStatus.CANCELLED and (done is None or done >= high)
        if still_open and task.created_at < high and task.due_at < high:
            tally.overdue += 1
    return tallies


def _steps() -> list[SopStep]:
    document = SopDocument.current()
    if document is None:
        return []
    return [step for step in document.steps.all() if step.code in STEP_CODES]


def compliance_table(start: dt.date, end: dt.date) -> dict[str, Any]:
    """SOP compliance of the days ``start``–``end`` (both included, WIB), JSON-ready:
    ``{"activities": [...], "people": [...], "agencies": [...], "available", "warning"}``."""
    low, high = periods.moments(start, end)
    # A period still running is read up to now: a task due later this month is not overdue yet.
    high = max(low, min(high, timezone.now()))
    tasks = _tasks(low, high)
    holidays = holiday_dates(start - dt.timedelta(days=400), end + dt.timedelta(days=31))
    by_step = _count(tasks, lambda t: t.step.code, low, high, holidays)
    activities, missing = [], []
    for step in _steps():
        tally = by_step.get(step.code, Tally())
        row = {
            "number": step.number,
            "code": step.code,
            "name": step.activity,
            "standard": step.time_standard,
            "standard_working_days": step.effective_working_days,
            "available": tally.has_tasks,
            **tally.as_dict(),
        }
        if not tally.has_tasks:
            missing.append(step)
        activities.append(row)
    return {
        "activities": activities,
        "people": _people(tasks, low, high, holidays),
        "agencies": _agencies(tasks, low, high, holidays),
        "available": any(row["available"] for row in activities),
        "warning": _warning(activities, missing),
    }


def _people(
    tasks: list[SopTask], low: dt.datetime, high: dt.datetime, holidays: set[dt.date]
) -> list[dict[str, Any]]:
    tallies = _count(tasks, lambda t: t.executor_id, low, high, holidays)
    names = {t.executor_id: t.executor for t in tasks}
    rows = []
    for user_id, tally in tallies.items():
        person = names[user_id]
        name = (person.full_name or person.get_username()) if person else _("No executor yet")
        rows.append({"user": user_id, "name": name, **tally.as_dict()})
    return sorted(rows, key=lambda r: (r["user"] is None, str(r["name"]).lower()))


def _agencies(
    tasks: list[SopTask], low: dt.datetime, high: dt.datetime, holidays: set[dt.date]
) -> list[dict[str, Any]]:
    tallies = _count(tasks, lambda t: t.agency_id, low, high, holidays)
    agencies = {t.agency_id: t.agency for t in tasks}
    rows = []
    for agency_id, tally in tallies.items():
        agency = agencies[agency_id]
        name = agency.name if agency is not None else _("No agency")
        rows.append({"agency": agency_id, "name": name, **tally.as_dict()})
    return sorted(rows, key=lambda r: (r["agency"] is None, str(r["name"]).lower()))


def _warning(activities: list[dict[str, Any]], missing: list[SopStep]) -> str:
    """The SOP's warning, said of this period: which activities left no trace, and which
    have overdue tasks."""
    parts = []
    if not activities:
        return _("No current SOP is loaded, so compliance cannot be measured.")
    if missing:
        names = ", ".join(f"{s.number}. {s.activity}" for s in missing)
        parts.append(
            _(
                "No task of these SOP activities in the period, so they cannot be shown to "
                "have been carried out: %(names)s. If the SOP is not carried out, the data "
                "cannot be used to the full."
            )
            % {"names": names}
        )
    late = [row for row in activities if row["overdue"]]
    if late:
        names = ", ".join(f"{row['number']}. {row['name']} ({row['overdue']})" for row in late)
        parts.append(_("Overdue tasks at the end of the period: %(names)s.") % {"names": names})
    return " ".join(parts)
