"""Counting working days: Monday to Friday, less the public holidays in the Holiday table.

SOP time standards ("2 hari", "1 minggu") are working time in Indonesian government practice;
a task opened on a given day starts counting on the next working day, and is due at the end
(23:59 WIB) of its last working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
END_OF_DAY = dt.time(23, 59)
# Calendar days of holidays to fetch beyond twice the standard: a Lebaran season fits.
_HOLIDAY_MARGIN_DAYS = 60


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, count: int, holidays: Collection[dt.date]) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts)."""
    day, counted = start, 0
    while counted < count:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date]) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    days = (start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(1 for day in days if is_working_day(day, holidays))


def holiday_dates(start: dt.date, end: dt.date) -> set[dt.date]:
    from satudata.sop.models import Holiday

    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def due_at(start: dt.datetime, working_days: int) -> dt.datetime:
    """When a task opened at ``start`` with a standard of ``working_days`` falls due."""
    local_start = start.astimezone(WIB).date()
    holidays = holiday_dates(
        local_start, local_start + dt.timedelta(days=working_days * 2 + _HOLIDAY_MARGIN_DAYS)
    )
    day = add_working_days(local_start, working_days, holidays)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=WIB)
