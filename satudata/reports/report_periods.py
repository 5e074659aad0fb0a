"""The periods a dissemination report covers: a month (``2026-03``), a quarter (``2026-Q1``)
or a year (``2026``), as whole WIB days, first and last included.

The KPI module has its own reader of the same labels (``satudata.reports.periods``); this one is
the report's, kept small so the report works on its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR = "bulan", "triwulan", "tahun"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_ID = [
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
]
_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


class PeriodError(ValueError):
    """The period asked for is not one a report can cover; the message says why."""


@dataclass(frozen=True)
class Period:
    kind: str
    label: str  # 2026-03, 2026-Q1, 2026
    start: dt.date
    end: dt.date

    @property
    def title(self) -> str:
        """How the report's cover names it, in Indonesian: "Maret 2026", "Triwulan I 2026"."""
        if self.kind == MONTH:
            return f"{MONTHS_ID[self.start.month - 1]} {self.start.year}"
        if self.kind == QUARTER:
            return f"Triwulan {ROMAN[(self.start.month - 1) // 3 + 1]} {self.start.year}"
        return f"Tahun {self.start.year}"

    def previous(self) -> Period:
        """The period of the same kind just before."""
        return period_ending(self.kind, self.start - dt.timedelta(days=1))


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise PeriodError(_("The year must be between 2000 and 2100."))


def month(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 12:
        raise PeriodError(_("The month must be a number from 1 to 12."))
    last = calendar.monthrange(year, number)[1]
    return Period(
        MONTH, f"{year}-{number:02d}", dt.date(year, number, 1), dt.date(year, number, last)
    )


def quarter(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 4:
        raise PeriodError(_("The quarter must be a number from 1 to 4."))
    first = month(year, 3 * number - 2)
    return Period(QUARTER, f"{year}-Q{number}", first.start, month(year, 3 * number).end)


def year(number: int) -> Period:
    _check_year(number)
    return Period(YEAR, str(number), dt.date(number, 1, 1), dt.date(number, 12, 31))


def period_ending(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == MONTH:
        return month(day.year, day.month)
    if kind == QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return year(day.year)


def parse(label: str) -> Period:
    """``2026-03``, ``2026-Q1`` or ``2026`` → the period; anything else a ``PeriodError``."""
    found = _LABEL.match((label or "").strip())
    if found is None:
        raise PeriodError(
            _("A report period is written 2026-03 (a month), 2026-Q1 (a quarter) or 2026 (a year).")
        )
    number = int(found["year"])
    if found["month"]:
        return month(number, int(found["month"]))
    if found["quarter"]:
        return quarter(number, int(found["quarter"]))
    return year(number)
