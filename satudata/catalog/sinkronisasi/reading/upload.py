"""One entry point for an uploaded file, whatever its name says: the content decides."""

from __future__ import annotations

from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading.cells import Cell
from satudata.catalog.sinkronisasi.reading.delimited import UnreadableFile, read_delimited
from satudata.catalog.sinkronisasi.reading.filetype import foreign_problem
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.spreadsheet import (
    SheetTable,
    UnreadableWorkbook,
    read_workbook,
)

ZIP = b"PK\x03\x04"  # XLSX and ODS
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # XLS, and password-protected XLSX
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class UnreadableUpload(ValueError):
    """Why the upload cannot be read, in the user's language, with what to do."""


def read_upload(data: bytes, filename: str) -> list[SheetTable]:
    """The tables in an uploaded file: one per sheet for a workbook, one for a text file."""
    foreign = foreign_problem(data, filename)
    if foreign:
        raise UnreadableUpload(foreign)
    try:
        if data.startswith((ZIP, OLE)):
            return read_workbook(data)
        table = read_delimited(data)
    except (UnreadableFile, UnreadableWorkbook) as error:
        raise UnreadableUpload(str(error)) from None
    notices = list(table.notices)
    if filename.lower().endswith(SPREADSHEET_SUFFIXES):
        notices.insert(
            0,
            Notice(
                "renamed_text",
                _(
                    "The file is named like a spreadsheet but "
                    "holds plain text; it was read as a CSV file."
                ),
            ),
        )
    rows: list[list[Cell]] = [list(row) for row in table.rows]
    return [
        SheetTable(
            filename, table.columns, rows, table.row_numbers, notices, wrong_width=table.wrong_width
        )
    ]
