"""Turning a wide table (years, or other categories, as columns) into long form on request.

A header such as ``SD_2017``, ``SMP 2018`` or ``L 2020`` names two things: a category (the
school level, the sex) and a year. Both are kept, each as its own column, so that reshaping
never loses the part of the header that is not the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading.cells import Cell
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable

# A year, or a school year written with two years ("2017/2018", "2017-18").
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[/-]\s*((?:19|20)\d{2}|\d{2}))?(?!\d)")
# Words that only say "year" ("Tahun 2024"): not a category of their own.
_YEAR_WORDS = re.compile(r"\b(?:tahun ajaran|tahun|thn|th|ta|year)\b\.?", re.IGNORECASE)
_EDGES = re.compile(r"^[\s_\-–—/.:,;()\[\]]+|[\s_\-–—/.:,;()\[\]]+$")

YEAR_COLUMN, CATEGORY_COLUMN, VALUE_COLUMN = "tahun", "kategori", "nilai"


def year_columns(columns: list[str]) -> list[int]:
    """Indexes of columns named by a year ("2023", "Tahun 2024", "SD_2017", "2017/2018")."""
    return [i for i, name in enumerate(columns) if _YEAR_IN_NAME.search(name)]


def split_header(name: str) -> tuple[str, str]:
    """A year column's header as (category, year): ``SD_2017`` -> ("SD", "2017"), ``Tahun
    2024`` -> ("", "2024"), ``PT 2017/2018`` -> ("PT", "2017/2018")."""
    match = _YEAR_IN_NAME.search(name)
    if match is None:
        return name, ""
    year = match.group(1) + (f"/{match.group(2)}" if match.group(2) else "")
    rest = f"{name[: match.start()]} {name[match.end() :]}"
    rest = _YEAR_WORDS.sub(" ", rest)
    rest = " ".join(_EDGES.sub("", part) for part in re.split(r"[\s_]+", rest))
    return " ".join(rest.split()), year


@dataclass
class LongTable:
    columns: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]


def _unique(name: str, taken: list[str]) -> str:
    while name.lower() in {t.lower() for t in taken}:
        name += "_"
    return name


def unpivot(
    columns: list[str],
    rows: list[list[Cell]],
    row_numbers: list[int],
    *,
    value_columns: list[int],
    name: str = YEAR_COLUMN,
    value_name: str = VALUE_COLUMN,
    category_name: str = CATEGORY_COLUMN,
) -> LongTable:
    """One row per original row and value column; the header's year goes to ``name`` and, when
    the headers differ by more than the year (``SD_2017``, ``SMP_2017``), the rest goes to
    ``category_name``. Columns without a year stay columns.

    Each long row keeps the file row it came from, so findings still point at the Excel row.
    """
    chosen = set(value_columns)
    keep = [i for i in range(len(columns)) if i not in chosen]
    parts = [split_header(columns[i]) for i in value_columns]
    categories = [category for category, _year in parts]
    has_category = len(set(categories)) > 1
    kept = [columns[i] for i in keep]
    year_name = _unique(name, kept)
    extra = [_unique(category_name, [*kept, year_name])] if has_category else []
    value_label = _unique(value_name, [*kept, year_name, *extra])
    labels: list[list[Cell]] = [
        [category, year] if has_category else [year] for category, year in parts
    ]
    long_rows, numbers = [], []
    for row, number in zip(rows, row_numbers, strict=True):
        for index, label in zip(value_columns, labels, strict=True):
            long_rows.append([*(row[i] for i in keep), *label, row[index]])
            numbers.append(number)
    return LongTable([*kept, *extra, year_name, value_label], long_rows, numbers)


def unpivot_table(table: SheetTable) -> tuple[SheetTable, Notice]:
    """The table in long form when some columns are named by a year; a notice either way."""
    value_columns = year_columns(table.columns)
    if not value_columns:
        return table, Notice(
            "unpivot_none",
            _("No column is named by a year, so the table was kept as it is."),
        )
    long = unpivot(table.columns, table.rows, table.row_numbers, value_columns=value_columns)
    added = long.columns[len(table.columns) - len(value_columns) :]
    notice = Notice(
        "unpivot",
        _(
            "The %(count)s year columns (%(first)s … %(last)s) were turned into rows: "
            "columns %(columns)s."
        )
        % {
            "count": len(value_columns),
            "first": table.columns[value_columns[0]],
            "last": table.columns[value_columns[-1]],
            "columns": ", ".join(f"“{c}”" for c in added),
        },
    )
    return SheetTable(table.sheet, long.columns, long.rows, long.row_numbers, []), notice
