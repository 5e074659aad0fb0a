"""Turning a spreadsheet cell into the text the layout rules read, and back into a number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from satudata.catalog.sinkronisasi.reading.values import Missing, parse_number

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta


def as_text(value: Cell) -> str:
    """The text a person would read in the cell; numbers with a '.' decimal, no grouping."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def as_number(value: Cell, *, decimal: str = ",") -> Decimal | Missing | None:
    """A typed spreadsheet number as it is; text through the Indonesian number rules."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, str):
        return parse_number(value, decimal=decimal)
    return None
