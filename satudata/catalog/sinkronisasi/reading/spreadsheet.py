"""Reading XLSX, XLS and ODS workbooks (python-calamine): every sheet, merged cells filled,
formula cells as their last computed value."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import python_calamine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.sinkronisasi.reading import limits
from satudata.catalog.sinkronisasi.reading.cells import Cell, as_text
from satudata.catalog.sinkronisasi.reading.delimited import WrongWidth
from satudata.catalog.sinkronisasi.reading.errorcells import ErrorCells, error_cells
from satudata.catalog.sinkronisasi.reading.layout import detect_layout
from satudata.catalog.sinkronisasi.reading.notices import Notice


class UnreadableWorkbook(ValueError):
    """The workbook cannot be opened; the message says why and what to do."""


def _refuse(problem: str | None) -> None:
    if problem:
        raise UnreadableWorkbook(problem)


@dataclass
class SheetTable:
    sheet: str
    columns: list[str]
    rows: list[list[Cell]]
    row_numbers: list[int]
    notices: list[Notice] = field(default_factory=list)
    # The sheets stacked into this table, when several alike ones were (see reading.sheets).
    sheets: list[str] = field(default_factory=list)
    # Hidden in the workbook (a lookup or an old copy, often): read only when chosen.
    hidden: bool = False
    # Rows of a text file with more or fewer cells than the table's: left out, each an error.
    wrong_width: list[WrongWidth] = field(default_factory=list)


# An encrypted XLSX is an OLE container holding an "EncryptionInfo" stream (MS-OFFCRYPTO);
# the stream's name is stored in UTF-16 in the container's directory.
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_PASSWORD = gettext_lazy(
    "The workbook is protected with a password. Remove the "
    "password in Excel (File › Info › Protect Workbook) and upload "
    "it again."
)


def open_workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    """The workbook, or UnreadableWorkbook with what to do when it is protected or damaged."""
    if data.startswith(_OLE) and _ENCRYPTED_OOXML in data:
        raise UnreadableWorkbook(str(_PASSWORD))
    # Bounded before calamine expands anything: a zip bomb or one far cell would exhaust memory.
    _refuse(limits.workbook_problem(data))
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise UnreadableWorkbook(str(_PASSWORD)) from None
    except Exception:  # calamine raises several error kinds for damaged or foreign files
        raise UnreadableWorkbook(
            _(
                "The file could not be opened as a spreadsheet: it is damaged "
                "or is another kind of file with a spreadsheet's name. Open it "
                "in Excel or LibreOffice, save it again as XLSX and upload "
                "that."
            )
        ) from None


Range = tuple[tuple[int, int], tuple[int, int]]


def _fill_merged(grid: list[list[Cell]], ranges: list[Range], origin: tuple[int, int]) -> None:
    """Give every cell of a merged range the value shown in it (stored in its first cell)."""
    row0, col0 = origin
    for (top, left), (bottom, right) in ranges:
        top, bottom, left, right = top - row0, bottom - row0, left - col0, right - col0
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, min(right, len(grid[r]) - 1) + 1):
                if grid[r][c] == "":
                    grid[r][c] = value


def _show_errors(grid: list[list[Cell]], errors: ErrorCells, origin: tuple[int, int]) -> None:
    """Put each error's text (``#DIV/0!``) in its cell, which calamine leaves empty."""
    for (row, column), marker in errors.items():
        row, column = row - origin[0], column - origin[1]
        if 0 <= row < len(grid) and 0 <= column < len(grid[row]) and grid[row][column] == "":
            grid[row][column] = marker


def _read_sheet(
    book: python_calamine.CalamineWorkbook, name: str, errors: ErrorCells | None = None
) -> SheetTable:
    sheet = book.get_sheet_by_name(name)
    _refuse(limits.columns_problem(sheet.width, name))
    _refuse(limits.cells_problem(name, sheet.height * sheet.width))
    grid: list[list[Cell]] = [list(row) for row in sheet.iter_rows()]
    _refuse(limits.long_cell_problem(grid, name, sheet.start[1] if sheet.start else 0))
    # calamine yields rows from the sheet's first row but columns from the first used column;
    # merged ranges and error cells are in absolute coordinates.
    origin = (0, sheet.start[1] if sheet.start else 0)
    _show_errors(grid, errors or {}, origin)
    if not any(str(cell).strip() for row in grid for cell in row):
        return SheetTable(
            name,
            [],
            [],
            [],
            [Notice("empty_sheet", _("The sheet “%(sheet)s” has no data.") % {"sheet": name})],
        )
    _fill_merged(grid, list(sheet.merged_cell_ranges or []), origin)
    layout = detect_layout([[as_text(cell) for cell in row] for row in grid])
    width = len(layout.columns)
    rows = [(grid[i] + [""] * width)[:width] for i in layout.data_rows]
    numbers = [i + 1 for i in layout.data_rows]
    return SheetTable(name, layout.columns, rows, numbers, layout.notices)


def read_workbook(data: bytes) -> list[SheetTable]:
    """Every sheet of the workbook, each with its table and what was understood about it."""
    if not data:
        raise UnreadableWorkbook(_("The file is empty. Export the table again and upload it."))
    book = open_workbook(data)
    try:
        if data.startswith(_OLE):
            # An XLS's error cells come from a second reader that holds a whole sheet: each
            # sheet is first held to the limits by calamine.
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                _refuse(limits.columns_problem(sheet.width, name))
                _refuse(limits.cells_problem(name, sheet.height * sheet.width))
        errors = error_cells(data)
        tables = [_read_sheet(book, name, errors.get(name)) for name in book.sheet_names]
        hidden = {
            sheet.name
            for sheet in book.sheets_metadata
            if sheet.visible != python_calamine.SheetVisibleEnum.Visible
        }
        for table in tables:
            table.hidden = table.sheet in hidden
        return tables
    finally:
        book.close()
