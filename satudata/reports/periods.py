"""Reporting periods as the dissemination report names them: a month ``2026-03``, a quarter
``2026-Q1`` and a year ``2026``. Bounds are WIB calendar days, both included; ``moments``
turns them into aware datetimes [first day 00:00 WIB, the day after the last 00:00 WIB).

``parse`` raises ``PeriodError`` with an Indonesian (or English) message a page can show as
it is; ``reference_end`` reads the end of a release's *reference period* (the free text of
``ReleaseEntry.reference_period``) for the timeliness KPI, and gives None when it cannot.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from satudata.core.input_limits import FIRST_YEAR, LAST_YEAR
from satudata.sop.workdays import WIB

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period the user typed that is not one; the message says what is expected."""


@dataclass(frozen=True)
class Period:
    """One reporting period: its kind, the year and its number within the year (month 1–12,
    quarter 1–4, 1 for a year)."""

    kind: str
    year: int
    number: int = 1

    @property
    def start(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == MONTH:
            return _month_end(self.year, self.number)
        if self.kind == QUARTER:
            return _month_end(self.year, 3 * self.number)
        return dt.date(self.year, 12, 31)

    @property
    def code(self) -> str:
        """The period as a URL writes it (``2026-03``, ``2026-Q1``, ``2026``)."""
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        """The period in words, for headings."""
        if self.kind == MONTH:
            return f"{MONTH_NAMES_ID[self.number - 1]} {self.year}"
        if self.kind == QUARTER:
            return _("Quarter %(number)s %(year)s") % {"number": self.number, "year": self.year}
        return str(self.year)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == MONTH:
            year, month = divmod(self.year * 12 + self.number - 2, 12)
            return Period(MONTH, year, month + 1)
        if self.kind == QUARTER:
            year, quarter = divmod(self.year * 4 + self.number - 2, 4)
            return Period(QUARTER, year, quarter + 1)
        return Period(YEAR, self.year - 1)

    def last_year(self) -> Period:
        """The same period one year earlier."""
        return Period(self.kind, self.year - 1, self.number)

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        return moments(self.start, self.end)


MONTH_NAMES_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _checked_year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            _("The year must be from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def parse(text: str) -> Period:
    """``2026-03`` (a month), ``2026-Q1`` (a quarter) or ``2026`` (a year)."""
    value = (text or "").strip()
    if match := _MONTH.match(value):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(_("The month must be from 01 to 12, e.g. 2026-03."))
        return Period(MONTH, _checked_year(match.group(1)), month)
    if match := _QUARTER.match(value):
        return Period(QUARTER, _checked_year(match.group(1)), int(match.group(2)))
    if match := _YEAR.match(value):
        return Period(YEAR, _checked_year(match.group(1)))
    raise PeriodError(
        _(
            "“%(value)s” is not a period. Write a month as 2026-03, a quarter as 2026-Q1 or a "
            "year as 2026."
        )
        % {"value": value[:40]}
    )


def current(kind: str = QUARTER, today: dt.date | None = None) -> Period:
    """The period of ``kind`` that contains ``today`` (WIB)."""
    day = today or dt.datetime.now(WIB).date()
    if kind == MONTH:
        return Period(MONTH, day.year, day.month)
    if kind == QUARTER:
        return Period(QUARTER, day.year, (day.month - 1) // 3 + 1)
    return Period(YEAR, day.year)


def moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00 WIB, the day after end 00:00 WIB): the period as aware datetimes."""
    from satudata.support.stats import bounds

    return bounds(start, end)


def shifted(
    start: dt.date, end: dt.date
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(previous, same period last year) of any span of days: a whole month, quarter or year
    steps by its own kind; any other span steps back by its own length."""
    period = as_period(start, end)
    if period is not None:
        before, last = period.previous(), period.last_year()
        return (before.start, before.end), (last.start, last.end)
    length = end - start + dt.timedelta(days=1)
    return (start - length, end - length), (year_back(start), year_back(end))


def year_back(day: dt.date) -> dt.date:
    """The same date a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def as_period(start: dt.date, end: dt.date) -> Period | None:
    """The month, quarter or year these bounds are exactly, or None."""
    candidates = [
        Period(MONTH, start.year, start.month),
        Period(QUARTER, start.year, (start.month - 1) // 3 + 1),
        Period(YEAR, start.year),
    ]
    return next((p for p in candidates if (p.start, p.end) == (start, end)), None)


# --- The end of a reference period, read from the calendar's free text ---------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH_WORDS = {
    **{name.lower(): i + 1 for i, name in enumerate(MONTH_NAMES_ID)},
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    **{name.lower()[:3]: i + 1 for i, name in enumerate(MONTH_NAMES_ID)},
    "agu": 8,
    "agt": 8,
    "okt": 10,
    "des": 12,
}
_REF_QUARTER = re.compile(
    r"^(?:(\d{4})\s*-?\s*(?:q|tw|triwulan|kuartal)\s*(i{1,3}|iv|[1-4])"
    r"|(?:q|tw|triwulan|kuartal)\s*(i{1,3}|iv|[1-4])\s*(?:tahun\s*)?(\d{4}))$"
)
_REF_SEMESTER = re.compile(r"^(?:semester|smt|s)\s*(i{1,2}|[12])\s*(?:tahun\s*)?(\d{4})$")
_REF_SCHOOL = re.compile(r"^(\d{4})\s*/\s*(\d{4})$")
_REF_MONTH_WORD = re.compile(r"^([a-z]+)\.?\s*(\d{4})$")


def _number(text: str) -> int:
    return _ROMAN[text] if text in _ROMAN else int(text)


def reference_end(text: str) -> dt.date | None:
    """The last day of a reference period written as the calendar writes it, or None when it
    cannot be read (then the release's timeliness is not known, never guessed):

    - a year ``2025`` → 31 December 2025; a month ``2025-03`` or ``Maret 2025`` → its last day;
    - a quarter ``2025-Q1``, ``Triwulan I 2025``, ``TW III 2025`` → the quarter's last day;
    - a semester ``Semester I 2025`` → 30 June (II → 31 December);
    - a school year ``2024/2025`` → 30 June 2025, the end of the Indonesian school year.
    """
    value = re.sub(r"\s+", " ", (text or "").strip().lower())
    if not value:
        return None
    try:
        return _reference_end(value)
    except (ValueError, KeyError):
        return None


def _reference_end(value: str) -> dt.date | None:
    if _YEAR.match(value):
        return dt.date(int(value), 12, 31)
    if match := _MONTH.match(value):
        return _month_end(int(match.group(1)), int(match.group(2)))
    if match := _REF_QUARTER.match(value):
        year = match.group(1) or match.group(4)
        quarter = _number(match.group(2) or match.group(3))
        return _month_end(int(year), 3 * quarter)
    if match := _REF_SEMESTER.match(value):
        return _month_end(int(match.group(2)), 6 * _number(match.group(1)))
    if match := _REF_SCHOOL.match(value):
        first, second = int(match.group(1)), int(match.group(2))
        return dt.date(second, 6, 30) if second == first + 1 else None
    if match := _REF_MONTH_WORD.match(value):
        month = _MONTH_WORDS.get(match.group(1))
        return _month_end(int(match.group(2)), month) if month else None
    return None
