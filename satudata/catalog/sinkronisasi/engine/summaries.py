"""What the report says beside the findings: missing values per column, decimal marks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.engine.columns import (
    Column,
    missing_sql,
    no_data_counts,
    no_data_sql,
    trimmed_sql,
)
from satudata.catalog.sinkronisasi.engine.workspace import Workspace, sql_text
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
    """Per number column written with marks: which mark was read as decimal, and what was done
    with the other one (thousands separators removed)."""
    notices = []
    for col in columns:
        mark = col.decimal_mark
        if not mark or col.index in ws.typed_numbers:
            continue
        thousands = "." if mark == "," else ","
        # fetchall, not fetchone: an unfinished result would block the Parquet writer's reader.
        ((grouped,),) = ws.con.execute(
            f"SELECT count(*) FILTER (WHERE CASE WHEN contains(c{col.index}, "
            f"{sql_text(thousands)}) THEN NOT {missing_sql(f'c{col.index}')} ELSE false END) "
            "FROM src"
        ).fetchall()
        notices.append(Notice("decimal_mark", _decimal_message(col.name, mark, grouped)))
    return notices


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
