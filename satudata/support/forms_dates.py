"""The dates and moments the help desk's forms accept: years 2000 to 2100, as every period form of
the platform (``satudata.reports.periods``, ``satudata.reports.analytics``).

Why a range at all: a day near the calendar's ends (year 1, 9999) overflows when it is turned
from WIB into UTC, stepped to the next day or counted in working days, and a date such as 1900
is a slip of the keyboard, not a request received then. Such input is a form error in the
user's language, never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from satudata.core.input_limits import year_problem


def _check_year(value: dt.date | None) -> None:
    problem = year_problem(value)
    if problem:
        raise forms.ValidationError(problem, code="out_of_range")


class DayField(forms.DateField):
    """A calendar day (a filter's or a period's bound) within ``FIRST_YEAR``–``LAST_YEAR``."""

    def clean(self, value: Any) -> Any:
        day = super().clean(value)
        _check_year(day)
        return day


class MomentField(forms.DateTimeField):
    """A moment typed in WIB (when a visit or a request happened) within the same years; its
    year is read as typed, before any conversion to UTC."""

    def clean(self, value: Any) -> Any:
        moment = super().clean(value)
        _check_year(moment.date() if moment is not None else None)
        return moment
