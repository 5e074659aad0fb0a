"""The periods a dissemination report covers: a month (``2026-03``), a quarter (``2026-Q1``)
or a year (``2026``), as whole WIB days, first and last included.

The labels are read by the KPIs' ``satudata.reports.periods``; this module only names each
period as a report stores it (its kind as ``Report.period_kind``: bulan, triwulan, tahun) and
titles it on the cover.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from satudata.reports import periods as base
from satudata.reports.periods import MONTH_NAMES_ID, PeriodError

__all__ = ["MONTH", "QUARTER", "YEAR", "Period", "PeriodError", "month", "parse", "quarter", "year"]

MONTH, QUARTER, YEAR = "bulan", "triwulan", "tahun"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KINDS = {base.MONTH: MONTH, base.QUARTER: QUARTER, base.YEAR: YEAR}


@dataclass(frozen=True)
class Period:
    kind: str
    label: str  # 2026-03, 2026-Q1, 2026
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, period: base.Period) -> Period:
        return cls(_KINDS[period.kind], period.code, period.start, period.end)

    @property
    def title(self) -> str:
        """How the report's cover names it, in Indonesian: "Maret 2026", "Triwulan I 2026"."""
        if self.kind == MONTH:
            return f"{MONTH_NAMES_ID[self.start.month - 1]} {self.start.year}"
        if self.kind == QUARTER:
            return f"Triwulan {ROMAN[(self.start.month - 1) // 3 + 1]} {self.start.year}"
        return f"Tahun {self.start.year}"

    def previous(self) -> Period:
        """The period of the same kind just before."""
        return Period.of(base.parse(self.label).previous())


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise PeriodError(_("The month must be a number from 1 to 12."))
    return parse(f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise PeriodError(_("The quarter must be a number from 1 to 4."))
    return parse(f"{year}-Q{number}")


def year(number: int) -> Period:
    return parse(str(number))


def parse(label: str) -> Period:
    """``2026-03``, ``2026-Q1`` or ``2026`` → the period; anything else a ``PeriodError``."""
    return Period.of(base.parse(label))
