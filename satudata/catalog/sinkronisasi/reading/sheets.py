"""Which sheets of a workbook hold the table, and one table from several alike sheets.

Agencies often keep one sheet per period ("2022", "2023", "2024") with the same columns, next to
a sheet of notes. Sheets are *alike* when their column names are the same set once case and
spaces are set aside, in any order; a sheet with fewer than two columns is not a data table.
Alike sheets are stacked in workbook order, each sheet's columns matched to the first's by name.
When the table has no period column and every sheet name is a period, the period becomes a
column ("Tahun" for years, "Periode" otherwise); sheet names that are not periods become a
"Lembar" column, so no row loses what its sheet said. A period sheet read alone (chosen, or
the first of sheets that differ) keeps its period the same way, in a workbook of several period
sheets. Sheets the producer chooses that are not alike are stacked on the columns they share
when one chosen sheet's columns are in all the others. Each row keeps its sheet: ``_row`` is
``sheet position × ROW_STRIDE + row`` (see ``place``). What is left out that holds data — a
sheet with rows whose columns differ, a column not in every chosen sheet — is a warning, so a
period missing from the version shows among the findings; notes and empty sheets are notices.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading.cells import Cell
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable
from satudata.catalog.sinkronisasi.reading.values import MONTHS

# More rows than any sheet can hold (Excel: 1,048,576; LibreOffice: 1,048,576).
ROW_STRIDE = 10_000_000
YEAR_COLUMN, PERIOD_COLUMN, SHEET_COLUMN = "Tahun", "Periode", "Lembar"
_PERIOD_WORDS = {
    "tahun",
    "thn",
    "periode",
    "bulan",
    "triwulan",
    "semester",
    "tanggal",
    "waktu",
    "year",
    "period",
    "month",
    "quarter",
    "date",
}
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "i": "I", "ii": "II", "iii": "III", "iv": "IV"}
_YEAR = r"((?:19|20)\d{2})"
_PERIODS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(rf"^(?:tahun|thn\.?|th\.?)?\s*{_YEAR}$")),
    ("month", re.compile(rf"^([a-z]+)\.?[\s_-]*{_YEAR}$")),
    ("month_number", re.compile(rf"^{_YEAR}[\s_./-]+(\d{{1,2}})$")),
    ("number_month", re.compile(rf"^(\d{{1,2}})[\s_./-]+{_YEAR}$")),
    (
        "quarter",
        re.compile(rf"^(?:tw|triwulan|trw|q|kuartal)\.?\s*(iv|iii|ii|i|[1-4])[\s_-]*{_YEAR}$"),
    ),
    ("semester", re.compile(rf"^(?:semester|smt|sem|s)\.?\s*(ii|i|[12])[\s_-]*{_YEAR}$")),
]


def place(sheets: Sequence[str], row: int) -> tuple[str, int]:
    """The sheet and its row number for a stacked table's ``_row``."""
    index, number = divmod(row, ROW_STRIDE)
    return (sheets[index] if 0 <= index < len(sheets) else "", number)


def column_key(name: str) -> str:
    return " ".join(name.lower().split())


def is_data_sheet(table: SheetTable) -> bool:
    return len(table.columns) >= 2


def sheet_period(name: str) -> tuple[str, str] | None:
    """The period a sheet's name states, as (kind, value): ("year", "2024"),
    ("month", "Januari 2024"), ("quarter", "Triwulan I 2024"), ("semester", "Semester II 2024")."""
    text = " ".join(name.lower().split())
    for kind, pattern in _PERIODS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "year":
            return "year", match.group(1)
        if kind == "month":
            month = MONTHS.get(match.group(1))
            return ("month", _month_year(int(match.group(2)), month)) if month else None
        if kind in ("month_number", "number_month"):
            year, month_text = match.groups() if kind == "month_number" else match.groups()[::-1]
            month = int(month_text)
            return ("month", _month_year(int(year), month)) if 1 <= month <= 12 else None
        label = "Triwulan" if kind == "quarter" else "Semester"
        return kind, f"{label} {ROMAN[match.group(1)]} {match.group(2)}"
    return None


def _month_year(year: int, month: int) -> str:
    # A period is a value in the data, so it is written in Indonesian whatever the UI language.
    with translation.override("id"):
        return date_format(dt.date(year, month, 1), "F Y")


def _has_period_column(columns: list[str]) -> bool:
    return any(set(column_key(c).replace("/", " ").split()) & _PERIOD_WORDS for c in columns)


@dataclass(kw_only=True)
class SheetWarning:
    """What reading left out of a workbook that looks like data: a sheet, or a sheet's column.
    The check shows it among the findings, so a period missing from the version is seen."""

    sheet: str
    column: str = ""
    message: str
    suggestion: str


@dataclass
class SheetChoice:
    """The table to check, the sheets it was read from, and the sheets left out with why."""

    table: SheetTable
    read: list[str]
    left_out: list[tuple[str, str]] = field(default_factory=list)
    added_column: str = ""
    added_kind: str = ""
    notices: list[Notice] = field(default_factory=list)
    warnings: list[SheetWarning] = field(default_factory=list)


def _keys(table: SheetTable) -> Counter[str]:
    return Counter(column_key(c) for c in table.columns)


def _groups(tables: list[SheetTable]) -> list[list[SheetTable]]:
    """Data sheets in groups of alike sheets, in workbook order."""
    groups: dict[tuple[str, ...], list[SheetTable]] = {}
    for table in tables:
        groups.setdefault(tuple(sorted(_keys(table).elements())), []).append(table)
    return list(groups.values())


def _shared(tables: list[SheetTable]) -> Counter[str] | None:
    """The columns of the chosen sheet whose columns every other chosen sheet has too (2022's,
    when 2024 has one more), or None when no sheet's columns are in all the others."""
    counts = [_keys(t) for t in tables]
    return next((base for base in counts if all(not base - other for other in counts)), None)


def choose_sheets(tables: list[SheetTable], wanted: Sequence[str] = ()) -> SheetChoice:
    """The sheets to read: those ``wanted`` (the producer's choice), stacked on the columns they
    share when one chosen sheet's columns are in all the others, else the first alike ones; with
    no choice, the first group of alike data sheets that has rows. Every other sheet is named
    with its reason, and one with rows whose columns differ is also a warning."""
    data = [t for t in tables if is_data_sheet(t)]
    chosen = [t for t in data if t.sheet in wanted] if wanted else []
    # A hidden sheet is read only when the producer chooses it, or when no sheet is visible.
    visible = [t for t in data if not t.hidden] or data
    shared = _shared(chosen) if len(chosen) > 1 else None
    if chosen:
        group = chosen if shared else _groups(chosen)[0]
    else:
        groups = _groups(visible)
        group = next((g for g in groups if any(t.rows for t in g)), groups[0] if groups else [])
    if not group:
        table = next((t for t in tables if t.columns), tables[0])
        return SheetChoice(table, [table.sheet])
    first = group[0].sheet
    left_out, warnings = [], []
    for table in tables:
        if table in group:
            continue
        if not is_data_sheet(table):
            reason = _("not a data table")
        elif table.hidden and table not in chosen:
            reason = _("it is hidden in the workbook; choose it to read it")
        elif chosen and table not in chosen:
            reason = _("not chosen")
        else:
            reason = _("its columns differ from those of sheet “%(sheet)s”") % {"sheet": first}
            if table.rows:
                warnings.append(_left_out_warning(table.sheet, reason))
        left_out.append((table.sheet, reason))
    # Period sheets the producer sees: a hidden copy (an old year kept aside) does not count.
    seen = [t for t in data if not t.hidden or t in chosen]
    choice = _stack(group, shared, periods=len([t for t in seen if sheet_period(t.sheet)]))
    choice.left_out = left_out
    choice.notices = [*choice.notices, *(_left_out_notice(s, r) for s, r in left_out)]
    choice.warnings = [*warnings, *choice.warnings]
    return choice


def _left_out_notice(sheet: str, reason: str) -> Notice:
    return Notice(
        "sheet_left_out",
        _("Sheet “%(sheet)s” was not read: %(reason)s.") % {"sheet": sheet, "reason": reason},
    )


def _left_out_warning(sheet: str, reason: str) -> SheetWarning:
    period = sheet_period(sheet)
    if period:
        message = _(
            "Sheet “%(sheet)s” holds data but was not read: %(reason)s. This version has no "
            "rows of the period %(period)s."
        ) % {"sheet": sheet, "reason": reason, "period": period[1]}
    else:
        message = _(
            "Sheet “%(sheet)s” holds data but was not read: %(reason)s. None of its rows are "
            "in this version."
        ) % {"sheet": sheet, "reason": reason}
    return SheetWarning(
        sheet=sheet,
        message=message,
        suggestion=_(
            "If its rows belong in this version, tick it under “Sheets to read” on this page "
            "and check again; or give it the columns of the sheets read and upload the file "
            "again."
        ),
    )


def _added_column(group: list[SheetTable], periods: int) -> tuple[str, str, list[str]]:
    """The column the sheet names become (name, kind, one value per sheet), or none. A sheet
    read alone gives its period only in a workbook of several period sheets: a workbook of one
    sheet named "2024" is read as it always was."""
    named = [sheet_period(t.sheet) for t in group]
    kinds = {p[0] for p in named if p}
    if len(group) == 1 and periods < 2:
        return "", "", []
    if all(named) and len(kinds) == 1:
        if _has_period_column(group[0].columns):
            return "", "", []
        kind = kinds.pop()
        name = YEAR_COLUMN if kind == "year" else PERIOD_COLUMN
        return name, kind, [p[1] for p in named if p]
    if len(group) == 1:
        return "", "", []
    return SHEET_COLUMN, "sheet", [t.sheet for t in group]


def _stack(group: list[SheetTable], shared: Counter[str] | None, *, periods: int) -> SheetChoice:
    """One table from the sheets read: the first sheet's columns (those ``shared``, when the
    sheets are not alike), the others' matched by name, and the period its name gives each row.
    """
    wanted = Counter(shared) if shared else _keys(group[0])
    columns = []
    for name in group[0].columns:
        if wanted[column_key(name)] > 0:
            wanted[column_key(name)] -= 1
            columns.append(name)
    added, kind, values = _added_column(group, periods)
    alone = len(group) == 1
    if alone and not added:
        return SheetChoice(group[0], [group[0].sheet])
    while added and column_key(added) in {column_key(c) for c in columns}:
        added += "_"
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    notices: list[Notice] = []
    warnings: list[SheetWarning] = []
    for position, table in enumerate(group):
        where: dict[str, list[int]] = {}
        for index, name in enumerate(table.columns):
            where.setdefault(column_key(name), []).append(index)
        order = [where[column_key(c)].pop(0) for c in columns]
        prefix: list[Cell] = [values[position]] if added else []
        rows.extend(prefix + [row[i] for i in order] for row in table.rows)
        numbers.extend(position * ROW_STRIDE + n for n in table.row_numbers)
        unread = sorted(i for indexes in where.values() for i in indexes)
        warnings.extend(_column_warning(table.sheet, table.columns[i]) for i in unread)
        notices.extend(
            n
            if alone
            else Notice(
                n.code,
                _("Sheet “%(sheet)s”: %(message)s") % {"sheet": table.sheet, "message": n.message},
                n.row,
            )
            for n in table.notices
        )
    names = [t.sheet for t in group]
    if not alone:
        alike = all(_keys(t) == _keys(group[0]) for t in group)
        notices.insert(0, _stacked_notice(names, len(rows), alike=alike))
    if added:
        notices.insert(0 if alone else 1, _added_notice(added, kind, names[0] if alone else ""))
    label = ", ".join(names)
    table = SheetTable(
        label if len(label) <= 100 else label[:99] + "…",
        [added, *columns] if added else columns,
        rows,
        numbers,
        notices,
        sheets=[] if alone else names,
    )
    return SheetChoice(
        table, names, added_column=added, added_kind=kind, notices=[], warnings=warnings
    )


def _stacked_notice(names: list[str], rows: int, *, alike: bool) -> Notice:
    sheets = ", ".join(f"“{n}”" for n in names)
    if alike:
        message = _(
            "Sheets %(sheets)s have the same columns and were read as one table of "
            "%(rows)s rows; each finding names its sheet."
        )
    else:
        message = _(
            "Sheets %(sheets)s were chosen and read as one table of %(rows)s rows, on the "
            "columns they all have; each finding names its sheet."
        )
    return Notice("sheets_stacked", message % {"sheets": sheets, "rows": rows})


def _column_warning(sheet: str, column: str) -> SheetWarning:
    return SheetWarning(
        sheet=sheet,
        column=column,
        message=_(
            "Column “%(column)s” of sheet “%(sheet)s” is not in every sheet chosen, so it was "
            "not read: this version does not have it."
        )
        % {"column": column, "sheet": sheet},
        suggestion=_(
            "Add the column to the other sheets chosen and upload the file again, or choose "
            "only the sheets that have it."
        ),
    )


def _added_notice(column: str, kind: str, sheet: str = "") -> Notice:
    if kind == "sheet":
        message = _(
            "The sheet names are not periods; each row's sheet name is in the added column "
            "“%(column)s”. Choose its variable, or mark it as not published."
        )
    elif sheet:
        message = _(
            "The table has no period column: the column “%(column)s” was added from the name "
            "of the sheet, “%(sheet)s”."
        )
    else:
        message = _(
            "The table has no period column: the column “%(column)s” was added from the sheet "
            "names."
        )
    return Notice("sheet_column", message % {"column": column, "sheet": sheet})
