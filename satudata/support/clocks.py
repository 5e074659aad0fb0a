"""Ticket deadlines in working days (the platform's holiday calendar, WIB).

Every deadline is the end (23:59 WIB) of a working day, counted as the SOP's tasks are
(``satudata.sop.workdays``): a ticket received on a day starts counting on the next working day.

* first response (acknowledgement): the SOP's activity-5 standard, 1 working day;
* answer: per category (``SUPPORT_ANSWER_DAYS``: consultation 3 as at BPS's PST, KIP requests
  10 as UU 14/2008 Pasal 22 ayat 7, …);
* one extension with a written reason (``SUPPORT_EXTENSION_DAYS``: KIP +7, Pasal 22 ayat 8);
* an objection may be filed within 30 working days after its reason arose — the answer
  received, or the answer's deadline passed without one (Pasal 36 ayat 1) — and is decided
  within 30 working days (Pasal 36 ayat 2);
* while the ticket waits for the requester the clock stops: on resuming, the running
  deadlines move by the working days spent waiting.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from satudata.sop.workdays import (
    WIB,
    add_working_days,
    due_at,
    holiday_dates,
    working_days_between,
)

OBJECTION_DAYS = 30  # to decide an objection (UU 14/2008 Pasal 36 ayat 2)
OBJECTION_FILING_DAYS = 30  # to file one after its reason arose (Pasal 36 ayat 1)
_MARGIN = 90  # calendar days of holidays fetched beyond a shift


def first_response_days() -> int:
    """The SOP's activity-5 time standard (1 working day unless the SOP says otherwise)."""
    from satudata.sop.services import UnknownStep, current_step

    try:
        return current_step("layanan").effective_working_days or 1
    except UnknownStep:
        return 1


def answer_days(category: str) -> int:
    return int(settings.SUPPORT_ANSWER_DAYS.get(category, 5))


def extension_days(category: str) -> int:
    return int(settings.SUPPORT_EXTENSION_DAYS.get(category, 3))


def initial_deadlines(category: str, received_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, answer due) for a ticket received at ``received_at``."""
    return due_at(received_at, first_response_days()), due_at(received_at, answer_days(category))


def objection_due(filed_at: dt.datetime) -> dt.datetime:
    return due_at(filed_at, OBJECTION_DAYS)


def objection_filing_ends(reason_arose_at: dt.datetime) -> dt.datetime:
    """The last moment to file an objection whose reason arose at ``reason_arose_at``."""
    return due_at(reason_arose_at, OBJECTION_FILING_DAYS)


def paused_working_days(paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    """Working days the clock stood still: those after the pause's day up to the resume's."""
    start = paused_at.astimezone(WIB).date()
    end = resumed_at.astimezone(WIB).date()
    if end <= start:
        return 0
    return working_days_between(start, end, holiday_dates(start, end))


def shift(deadline: dt.datetime, working_days: int) -> dt.datetime:
    """``deadline`` moved ``working_days`` later (still at the end of a working day)."""
    if working_days <= 0:
        return deadline
    day = deadline.astimezone(WIB).date()
    holidays = holiday_dates(day, day + dt.timedelta(days=working_days * 2 + _MARGIN))
    moved = add_working_days(day, working_days, holidays)
    return dt.datetime.combine(moved, deadline.astimezone(WIB).timetz().replace(tzinfo=None), WIB)


def working_days_late(deadline: dt.datetime, at: dt.datetime) -> int:
    """Whole working days ``at`` is past ``deadline`` (0 when on time)."""
    if at <= deadline:
        return 0
    start = deadline.astimezone(WIB).date()
    end = at.astimezone(WIB).date()
    return max(1, working_days_between(start, end, holiday_dates(start, end)))
