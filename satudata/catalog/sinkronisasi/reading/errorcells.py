"""Where a workbook holds spreadsheet errors (``#REF!``, ``#DIV/0!``, ``#N/A`` …).

python-calamine (0.9) reads an error cell of an XLSX, ODS or XLS as an empty string, with no
option to see it, so a broken formula would pass as a missing value. An XLSX marks such a cell
with ``t="e"`` and keeps the error's text as its value (ECMA-376 §18.3.1.4, §18.18.11): this
module reads those marks straight from the sheet's XML, streamed in chunks, and only when the
sheet holds any. LibreOffice marks one with ``calcext:value-type="error"`` and shows the error's
text in the cell's paragraph; the cells of ``content.xml`` are counted (with their repeats) to
place them. An XLS (BIFF) stores an error as a code in a BOOLERR record, or as the cached result
of a FORMULA record; xlrd reads both, so its error cells are taken from xlrd.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from html import unescape

import xlrd

logger = logging.getLogger(__name__)

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 4 * 2**20
_ERROR_MARK = re.compile(rb"""\st\s*=\s*["']e["']""")
_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.DOTALL
)
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>|<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*/>")
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)</")
# The workbook's sheet list and its relationships are read with patterns, not an XML parser:
# no entity of an untrusted file is ever expanded.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(sheet|Relationship)\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")

# (row, column), both 0-based from the sheet's first cell A1 -> the error's text.
ErrorCells = dict[tuple[int, int], str]


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _attributes(text: bytes) -> dict[str, str]:
    return {
        name.decode().split(":")[-1]: unescape((double or single).decode("utf-8", "replace"))
        for name, double, single in _ATTRIBUTE.findall(text)
    }


def _tags(data: bytes, tag: bytes) -> list[dict[str, str]]:
    return [_attributes(attrs) for name, attrs in _TAG.findall(data) if name == tag]


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the path of its XML inside the package."""
    targets = {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in _tags(book.read("xl/_rels/workbook.xml.rels"), b"Relationship")
    }
    paths = {}
    for sheet in _tags(book.read("xl/workbook.xml"), b"sheet"):
        target = targets.get(sheet.get("id", ""), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            paths[sheet.get("name", "")] = posixpath.normpath(path)
    return paths


def _cells_in(chunk: bytes, found: ErrorCells) -> None:
    for match in _CELL.finditer(chunk):
        attributes, body = match.group(1), match.group(2) or b""
        if not _ERROR_MARK.search(b" " + attributes):
            continue
        where, value = _REFERENCE.search(b" " + attributes), _VALUE.search(body)
        if where and value:
            row, column = int(where.group(2)) - 1, _column_index(where.group(1))
            found[(row, column)] = value.group(1).decode("utf-8", "replace").strip()


def _errors_of(book: zipfile.ZipFile, path: str) -> ErrorCells:
    found: ErrorCells = {}
    carry = b""
    with book.open(path) as handle:
        while chunk := handle.read(CHUNK):
            text = carry + chunk
            # Only whole cells are searched; the rest waits for the next chunk.
            ends = [m.end() for m in _CELL_END.finditer(text, max(0, len(text) - CHUNK // 4))]
            ends = ends or [m.end() for m in _CELL_END.finditer(text)]
            cut = ends[-1] if ends else 0
            if _ERROR_MARK.search(text, 0, cut):
                _cells_in(text[:cut], found)
            carry = text[cut:]
    if carry and _ERROR_MARK.search(carry):
        _cells_in(carry, found)
    return found


def error_cells(data: bytes) -> dict[str, ErrorCells]:
    """The error cells of each sheet of an XLSX, ODS or XLS workbook; nothing for other kinds
    of files. An XLS is read whole by xlrd: call this only once its sheets are known to be
    within the reading limits."""
    if data.startswith(OLE):
        return _xls_errors(data)
    if not data.startswith(ZIP):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if "xl/workbook.xml" not in book.namelist():
                return _ods_errors(book) if "content.xml" in book.namelist() else {}
            return {
                name: cells
                for name, path in _sheet_paths(book).items()
                if path in book.namelist() and (cells := _errors_of(book, path))
            }
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, UnicodeError):
        # A package calamine could open but this reading cannot: the errors stay unseen, as
        # calamine alone would leave them; the workbook is still read.
        return {}


# --- XLS (BIFF) ---------------------------------------------------------------------------------


def _xls_errors(data: bytes) -> dict[str, ErrorCells]:
    """The error cells of each sheet of an XLS, one sheet in memory at a time."""
    found: dict[str, ErrorCells] = {}
    try:
        book = xlrd.open_workbook(
            file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO()
        )
        try:
            for name in book.sheet_names():
                sheet = book.sheet_by_name(name)
                cells: ErrorCells = {}
                for row in range(sheet.nrows):
                    for column, kind in enumerate(sheet.row_types(row)):
                        if kind == xlrd.XL_CELL_ERROR:
                            code = sheet.cell_value(row, column)
                            cells[(row, column)] = xlrd.error_text_from_code.get(code, "#N/A")
                if cells:
                    found[name] = cells
                book.unload_sheet(name)
        finally:
            book.release_resources()
    except Exception as error:  # xlrd raises many kinds (CompDocError, asserts) on odd files
        # A file calamine could open but xlrd cannot: its errors stay unseen, as calamine alone
        # would leave them; the workbook is still read.
        logger.warning("XLS error cells not read: %s: %s", type(error).__name__, error)
        return {}
    return found


# --- OpenDocument -------------------------------------------------------------------------------

_ODS_ERROR = b'calcext:value-type="error"'
_ODS_TOKEN = re.compile(
    rb"<table:table\s([^>]*)>|<table:table-row\b([^>]*?)(/?)>|</table:table-row>"
    rb"|<table:(?:covered-)?table-cell\b([^>]*?)(/?)>"
)
_ODS_CELL_END = b"</table:table-cell>"
_TAGS = re.compile(rb"<[^>]*>")
# A repeat is how ODS writes a run of equal cells; an error cell repeated further than any real
# table reaches is placed this many times at most.
_MAX_REPEAT = 1000


def _repeat(attributes: bytes, name: str) -> int:
    value = _attributes(attributes).get(name, "1")
    return int(value) if value.isdigit() else 1


def _ods_errors(book: zipfile.ZipFile) -> dict[str, ErrorCells]:
    """The error cells of each table of an ODS, placed by counting rows and cells."""
    content = book.read("content.xml")
    if _ODS_ERROR not in content:
        return {}
    found: dict[str, ErrorCells] = {}
    sheet, row, column, row_repeat = "", 0, 0, 1
    for match in _ODS_TOKEN.finditer(content):
        table, row_attributes, row_closed, cell_attributes, cell_closed = match.groups()
        if table is not None:
            sheet, row = _attributes(table).get("name", ""), 0
        elif row_attributes is not None:
            column, row_repeat = 0, _repeat(row_attributes, "number-rows-repeated")
            if row_closed:
                row += row_repeat
        elif cell_attributes is not None:
            repeat = _repeat(cell_attributes, "number-columns-repeated")
            if _ODS_ERROR in cell_attributes and not cell_closed:
                end = content.find(_ODS_CELL_END, match.end())
                text = unescape(
                    _TAGS.sub(b"", content[match.end() : end]).decode("utf-8", "replace")
                )
                for offset in range(min(repeat, _MAX_REPEAT)):
                    found.setdefault(sheet, {})[(row, column + offset)] = text.strip()
            column += repeat
        else:
            row += row_repeat
    return found
