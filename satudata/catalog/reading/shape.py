"""Turning a wide table (years, or other categories, as columns) into long form on request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from satudata.catalog.reading.cells import Cell
from satudata.catalog.reading.notices import Notice
from satudata.catalog.reading.spreadsheet import SheetTable

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_columns(columns: list[str]) -> list[int]:
    """Indexes of columns named by a year ("2023", "Tahun 2024", "Produksi - 2022")."""
    return [i for i, name in enumerate(columns) if _YEAR_IN_NAME.search(name)]


@dataclass
class LongTable:
    columns: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]


def unpivot(
    columns: list[str],
    rows: list[list[Cell]],
    row_numbers: list[int],
    *,
    value_columns: list[int],
    name: str = "tahun",
    value_name: str = "nilai",
) -> LongTable:
    """One row per original row and value column; the column's year (or name) goes to ``name``.

    Each long row keeps the file row it came from, so findings still point at the Excel row.
    """
    keep = [i for i in range(len(columns)) if i not in set(value_columns)]
    labels = []
    for index in value_columns:
        year = _YEAR_IN_NAME.search(columns[index])
        labels.append(year.group(1) if year else columns[index])
    long_rows, numbers = [], []
    for row, number in zip(rows, row_numbers, strict=True):
        for index, label in zip(value_columns, labels, strict=True):
            long_rows.append([*(row[i] for i in keep), label, row[index]])
            numbers.append(number)
    return LongTable([*(columns[i] for i in keep), name, value_name], long_rows, numbers)


def unpivot_table(table: SheetTable) -> tuple[SheetTable, Notice]:
    """The table in long form when some columns are named by a year; a notice either way."""
    value_columns = year_columns(table.columns)
    if not value_columns:
        return table, Notice(
            "unpivot_none",
            _("No column is named by a year, so the table was kept as it is."),
        )
    long = unpivot(table.columns, table.rows, table.row_numbers, value_columns=value_columns)
    notice = Notice(
        "unpivot",
        _(
            "The %(count)s year columns (%(first)s … %(last)s) were turned into rows: "
            "columns “tahun” and “nilai”."
        )
        % {
            "count": len(value_columns),
            "first": table.columns[value_columns[0]],
            "last": table.columns[value_columns[-1]],
        },
    )
    return SheetTable(table.sheet, long.columns, long.rows, long.row_numbers, []), notice
