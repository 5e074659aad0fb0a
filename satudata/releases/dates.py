"""Release dates as the calendar announces them: in WIB, at the standard release time, worded
by their precision ("12 Maret 2026 pukul 10.00 WIB", "Maret 2026", "Maret–April 2026").

Times are stored in UTC (aware datetimes) and shown in WIB, which has no daylight saving, so a
release at 10.00 WIB is 03.00 UTC on every day of the year.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satudata.releases.models import Precision


def standard_time() -> dt.time:
    """The configured standard release time (``RELEASE_TIME``, WIB)."""
    hours, _sep, minutes = str(settings.RELEASE_TIME).partition(":")
    return dt.time(int(hours), int(minutes or 0))


def at_release_time(day: dt.date, time: dt.time | None = None) -> dt.datetime:
    """``day`` at ``time`` (the standard release time by default), in WIB, as an aware
    datetime."""
    moment = dt.datetime.combine(day, time or standard_time())
    return timezone.make_aware(moment, timezone.get_default_timezone())


def month_start(year: int, month: int) -> dt.datetime:
    return at_release_time(dt.date(year, month, 1))


def window(planned_at: dt.datetime, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day an announced date covers."""
    day = timezone.localtime(planned_at).date()
    if precision == Precision.EXACT:
        return day, day
    months = 2 if precision == Precision.TWO_MONTHS else 1
    first = day.replace(day=1)
    year, month = divmod(first.month - 1 + months, 12)
    after = dt.date(first.year + year, month + 1, 1)
    return first, after - dt.timedelta(days=1)


def wording(planned_at: dt.datetime, precision: str) -> str:
    """How the calendar writes an announced date, in the active language with Django's locale
    month names ("12 Maret 2026 pukul 10.00 WIB", "March–April 2026")."""
    local = timezone.localtime(planned_at)
    month = date_format(local, "F")
    if precision == Precision.EXACT:
        return _("%(date)s at %(time)s WIB") % {
            "date": date_format(local, "j F Y"),
            "time": f"{local:%H.%M}",
        }
    if precision == Precision.MONTH:
        return f"{month} {local.year}"
    _first, last = window(planned_at, precision)
    if last.year != local.year:
        return f"{month} {local.year}–{date_format(last, 'F')} {last.year}"
    return f"{month}–{date_format(last, 'F')} {local.year}"
