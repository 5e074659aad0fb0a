"""What the report says beside the findings: missing values per column, decimal marks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from satudata.catalog.models import DataType
from satudata.catalog.sinkronisasi.engine.columns import (
    Column,
    no_data_counts,
    no_data_sql,
    separator_counts,
    trimmed_sql,
)
from satudata.catalog.sinkronisasi.engine.workspace import Workspace
from satudata.catalog.sinkronisasi.reading.notices import Notice

MISSING_PLACES = 5


def missing_values(ws: Workspace, columns: list[Column]) -> dict[str, dict[str, Any]]:
    """Per column, the cells that say "no data": how many, each marker as written with its
    count, and where the first few are. One grouped scan per column; the places are the
    smallest rows of each marker, so no list grows with the table."""
    report: dict[str, dict[str, Any]] = {}
    if not columns:
        return report
    # The check knows which cells said "no data": only a column that has some is grouped by
    # marker.
    counts = no_data_counts(ws, columns)
    for col in columns:
        if not counts[col.index]:
            continue
        source = f"c{col.index}"
        groups = ws.con.execute(
            f"SELECT coalesce({trimmed_sql(source)}, '') AS marker, count(*), "
            f"min(_row, {MISSING_PLACES}) FROM src WHERE {no_data_sql(source)} "
            f"GROUP BY marker ORDER BY count(*) DESC, marker"
        ).fetchall()
        if not groups:
            continue
        rows = sorted(row for _marker, _count, first in groups for row in first)
        places = [ws.place(row) for row in rows[:MISSING_PLACES]]
        report[col.name] = {
            "count": sum(count for _marker, count, _first in groups),
            "markers": [{"marker": marker, "count": count} for marker, count, _f in groups[:10]],
            "places": [{"sheet": sheet, "row": row} for sheet, row in places],
        }
    return report


def decimal_notices(ws: Workspace, columns: list[Column]) -> list[Notice]:
    """Per number column written with marks: which mark was read as decimal, and in how many
    values the other one was read as a thousands separator and removed. A whole-number column
    claims no decimal mark: it reads thousands in groups of three after either mark or a space,
    so its notice says only in how many values separators were removed."""
    notices = []
    separated = separator_counts(ws, columns)
    for col in columns:
        count = separated.get(col.index, 0)
        if col.variable.data_type == DataType.INTEGER:
            if count:
                notices.append(Notice("thousands_separators", _whole_message(col.name, count)))
            continue
        mark = col.decimal_mark
        if not mark or col.index in ws.typed_numbers:
            continue
        notices.append(Notice("decimal_mark", _decimal_message(col.name, mark, count)))
    return notices


def _whole_message(column: str, count: int) -> str:
    return _(
        "Column %(column)s holds whole numbers: the thousands separators (comma, point or "
        "space) in %(count)s values were removed."
    ) % {"column": column, "count": count}


def _decimal_message(column: str, mark: str, grouped: int) -> str:
    if mark == ",":
        if grouped:
            return _(
                "Column %(column)s: the comma is read as the decimal mark; the points in "
                "%(count)s values were read as thousands separators and removed."
            ) % {"column": column, "count": grouped}
        return _("Column %(column)s: the comma is read as the decimal mark.") % {"column": column}
    if grouped:
        return _(
            "Column %(column)s: the point is read as the decimal mark; the commas in "
            "%(count)s values were read as thousands separators and removed."
        ) % {"column": column, "count": grouped}
    return _("Column %(column)s: the point is read as the decimal mark.") % {"column": column}
