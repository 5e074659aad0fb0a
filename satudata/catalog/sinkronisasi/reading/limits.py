"""Bounds on what a file may make the reader build, checked before anything is expanded.

A workbook is a ZIP of XML (XLSX, ODS): a few megabytes can unpack to gigabytes (a "zip bomb"),
and one cell written at XFD1048576 makes calamine allocate the whole 17-billion-cell grid, which
kills the worker outright. So the archive is inflated here first, counting the bytes it really
gives (the sizes its directory declares can lie) and noting the farthest cell each worksheet
names, and refused before calamine sees it when anything passes a bound. Text files are bounded
by line length as they stream past. Every bound is a setting (``READ_MAX_*``).

Each check returns the message to show, or None: the caller raises its own kind of error, so the
upload ends refused with the message, never as an unexpected error.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading.cells import Cell

CHUNK = 2**20
PIECE = 2**16
# Small members (styles, relationships) compress far better than any table; the ratio bound is
# for members large enough to matter.
RATIO_FLOOR = 2**20
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
# The row and the column letters of a reference in worksheet XML: <c r="AB12" …>, <row r="12" …>
# (no other element there has an ``r`` attribute).
_ROW = re.compile(rb' r="[A-Z]*([0-9]+)"')
_COLUMN = re.compile(rb' r="([A-Z]+)[0-9]')
_OVERLAP = 256
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _mb(size: int) -> str:
    return _number(round(size / 2**20))


def _number(value: int) -> str:
    """``value`` grouped as the reader's language writes it (1.000 in Indonesian)."""
    return number_format(value, force_grouping=True)


def column_name(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index`` (0 → A, 27 → AB)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


class _Extent:
    """The rectangle the cells of one worksheet span (calamine allocates all of it), and how
    many cells and rows the worksheet writes.

    The references are read only up to the workbook's budget of written cells (twice
    ``READ_MAX_CELLS``), so a hostile sheet costs a few seconds at most.
    """

    def __init__(self) -> None:
        self.rows: tuple[int, int] | None = None
        self.cols: tuple[int, int] | None = None
        self.written = 0  # cell and row elements (and a few others starting so), counted
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        if b"<" not in chunk:  # white space only: each test below is another pass over it
            self.tail = b""
            return
        self.written += chunk.count(b"<c") + chunk.count(b"<row")
        text = self.tail + chunk
        self.tail = text[-_OVERLAP:]
        if b'r="' not in text:
            return
        rows = list(map(int, _ROW.findall(text)))
        if rows:
            self.rows = _widened(self.rows, min(rows), max(rows))
        columns = [_column_index(letters) for letters in set(_COLUMN.findall(text))]
        if columns:
            self.cols = _widened(self.cols, min(columns), max(columns))

    @property
    def cells(self) -> int:
        if self.rows is None:
            return 0
        cols = self.cols[1] - self.cols[0] + 1 if self.cols else 1
        return (self.rows[1] - self.rows[0] + 1) * cols


_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>"
)
_REPEATED = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]+)"')
_TABLE_NAME = re.compile(rb'table:name="([^"]*)"')


class _OdsExtent:
    """The largest grid a table of an ODS content part spans once its repeated rows and cells
    are expanded (calamine expands them, up to 100 million cells, at open): the rows down to the
    last one with a value, times the columns across to the last value.

    Empty repeated cells and rows (LibreOffice writes a million of them for formatting) count
    only when a value follows them.
    """

    def __init__(self) -> None:
        self.written = 0
        self.cells = 0
        self.sheet = ""
        self.tail = b""
        self._table(b"")

    def _table(self, attributes: bytes) -> None:
        name = _TABLE_NAME.search(attributes)
        self.name = html.unescape(name.group(1).decode("utf-8", "replace")) if name else ""
        self.row = self.col = self.valued_end = self.max_row = self.max_col = 0
        self.row_repeat = 1

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        cut = text.rfind(b">") + 1
        self.tail = text[cut:][-4096:]
        self.written += text.count(b"<table:table-cell", 0, cut)
        self.written += text.count(b"<table:covered-table-cell", 0, cut)
        self.written += text.count(b"<table:table-row", 0, cut)
        if self.written > 2 * settings.READ_MAX_CELLS:
            return  # the caller refuses the workbook; its elements are not walked
        for closing, name, attributes in _ODS_TOKEN.findall(text, 0, cut):
            self._token(bool(closing), name, attributes)

    def _token(self, closing: bool, name: bytes, attributes: bytes) -> None:
        repeated = _REPEATED.search(attributes)
        times = int(repeated.group(1)) if repeated else 1
        empty = attributes.rstrip().endswith(b"/")
        if name == b"table":
            if closing:
                self._end_table()
            else:
                self._table(attributes)
        elif name == b"table-row" and not closing:
            self.col = self.valued_end = 0
            self.row_repeat = times
            if empty:
                self.row += times
        elif name == b"table-row":
            if self.valued_end:
                self.max_row = self.row + self.row_repeat
                self.max_col = max(self.max_col, self.valued_end)
            self.row += self.row_repeat
        elif not closing:
            self.col += times
            if b"office:value-type" in attributes or not empty:
                self.valued_end = self.col

    def _end_table(self) -> None:
        if self.max_row * self.max_col > self.cells:
            self.cells, self.sheet = self.max_row * self.max_col, self.name


def _extent_for(member: str) -> _Extent | _OdsExtent | None:
    if _WORKSHEET.match(member):
        return _Extent()
    return _OdsExtent() if member == "content.xml" else None


def _widened(span: tuple[int, int] | None, low: int, high: int) -> tuple[int, int]:
    return (low, high) if span is None else (min(span[0], low), max(span[1], high))


def _inflated(data: bytes, info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> Iterator[bytes]:
    """The member's bytes as a reader inflating its whole stream gets them, chunk by chunk."""
    if info.compress_type == zipfile.ZIP_STORED:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                yield chunk
        return
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile(info.filename)
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    end = start + info.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    # Packed bytes go in by small pieces: what is left of a piece is copied at every call.
    pending = b""
    while not inflater.eof:
        if not pending:
            if start >= end:
                return
            pending, start = data[start : min(start + PIECE, end)], start + PIECE
        chunk = inflater.decompress(pending, CHUNK)
        pending = inflater.unconsumed_tail
        if chunk:
            yield chunk


def _declared_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    # Excel and LibreOffice store or deflate; another method (bzip2, Deflate64…) could not be
    # counted here, so it is not handed on.
    if any(info.compress_type not in _METHODS for info in infos):
        return _(
            "The file could not be opened as a spreadsheet: it is damaged "
            "or is another kind of file with a spreadsheet's name. Open it "
            "in Excel or LibreOffice, save it again as XLSX and upload "
            "that."
        )
    if len(infos) > settings.READ_MAX_ZIP_MEMBERS:
        return _(
            "The workbook is made of %(count)s parts; at most %(max)s are read. "
            "Save it again from Excel or LibreOffice as XLSX and upload that."
        ) % {"count": _number(len(infos)), "max": _number(settings.READ_MAX_ZIP_MEMBERS)}
    declared = sum(info.file_size for info in infos)
    if declared > settings.READ_MAX_UNPACKED_BYTES:
        return _unpacked(declared)
    for info in infos:
        if info.file_size > RATIO_FLOOR and (
            info.file_size > settings.READ_MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            return _ratio(info.filename, info.file_size, info.compress_size)
    return None


def _unpacked(size: int) -> str:
    return _(
        "The workbook unpacks to more than %(size)s MB; at most %(max)s MB are read. "
        "Save the table as CSV (which is read as a stream) or split it over several files."
    ) % {"size": _mb(size), "max": _mb(settings.READ_MAX_UNPACKED_BYTES)}


def _ratio(part: str, size: int, packed: int) -> str:
    return _(
        "The workbook's part “%(part)s” unpacks from %(packed)s KB to %(size)s MB, more than "
        "%(ratio)s times its packed size: no real table compresses that well, so the file was "
        "not opened. Open it in Excel or LibreOffice, save it again and upload that."
    ) % {
        "part": part[:80],
        "packed": _number(max(packed // 1024, 1)),
        "size": _mb(size),
        "ratio": settings.READ_MAX_ZIP_RATIO,
    }


def cells_problem(sheet: str, cells: int) -> str | None:
    """Why a sheet spanning ``cells`` cells is not read, or None."""
    if cells <= settings.READ_MAX_CELLS:
        return None
    return _(
        "The sheet “%(sheet)s” spans %(count)s cells; at most %(max)s are read from a workbook. "
        "Delete what lies outside the table (a stray value far to the right or below it), or "
        "save the table as CSV, which is read as a stream."
    ) % {"sheet": sheet, "count": _number(cells), "max": _number(settings.READ_MAX_CELLS)}


def workbook_problem(data: bytes) -> str | None:
    """Why the ZIP-based workbook in ``data`` must not be opened, or None when it may be.

    A file that is not a readable ZIP is left to the workbook reader to call damaged.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return None
    with archive:
        infos = archive.infolist()
        problem = _declared_problem(infos)
        if problem:
            return problem
        try:
            return _inflation_problem(data, archive, infos)
        except (zipfile.BadZipFile, zlib.error, struct.error, NotImplementedError, EOFError):
            return None


def _inflation_problem(
    data: bytes, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> str | None:
    total, written = 0, 0  # bytes unpacked; cells, rows and shared strings written
    for info in infos:
        size = 0
        extent = _extent_for(info.filename)
        strings = info.filename.lower() == "xl/sharedstrings.xml"
        for chunk in _inflated(data, info, archive):
            size += len(chunk)
            problem = _size_problem(info, size, total + size)
            if problem:
                return problem
            if extent is not None:
                extent.feed(chunk)
            # Every sheet is read, so the workbook as a whole is bounded too.
            written += chunk.count(b"<si") if strings else 0
            if written + (extent.written if extent else 0) > 2 * settings.READ_MAX_CELLS:
                return _too_many_cells()
        total += size
        if extent is not None:
            written += extent.written
            if cells_problem(info.filename, extent.cells):
                sheet = getattr(extent, "sheet", "") or _sheet_name(archive, info.filename)
                return cells_problem(sheet, extent.cells)
    return None


def _size_problem(info: zipfile.ZipInfo, size: int, total: int) -> str | None:
    if total > settings.READ_MAX_UNPACKED_BYTES:
        return _unpacked(total)
    if size > RATIO_FLOOR and size > settings.READ_MAX_ZIP_RATIO * max(info.compress_size, 1):
        return _ratio(info.filename, size, info.compress_size)
    return None


def _too_many_cells() -> str:
    return _(
        "The workbook holds more than %(max)s cells, all sheets together; no more are read "
        "from one workbook. Save the table as CSV, which is read as a stream, or split it over "
        "several files."
    ) % {"max": _number(settings.READ_MAX_CELLS)}


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
_RELATION = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")


def _sheet_name(archive: zipfile.ZipFile, member: str) -> str:
    """The name the user gave the sheet stored in ``member`` (xl/worksheets/sheet2.xml), read
    from the workbook's small index parts; the part's own name when they do not say."""
    fallback = member.rsplit("/", 1)[-1].removesuffix(".xml")
    try:
        parts = [archive.getinfo(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")]
        if any(part.file_size > RATIO_FLOOR for part in parts):
            return fallback
        book, relations = (archive.read(part) for part in parts)
    except (KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError):
        return fallback
    targets = {rid: target.rsplit(b"/", 1)[-1] for rid, target in _RELATION.findall(relations)}
    wanted = member.rsplit("/", 1)[-1].encode()
    for name, rid in _SHEET.findall(book):
        if targets.get(rid) == wanted:
            return html.unescape(name.decode("utf-8", "replace"))
    return fallback


def columns_problem(count: int, sheet: str = "") -> str | None:
    """Why a table of ``count`` columns is not read, or None."""
    if count <= settings.READ_MAX_COLUMNS:
        return None
    values = {"sheet": sheet, "count": _number(count), "max": _number(settings.READ_MAX_COLUMNS)}
    if sheet:
        return (
            _(
                "The sheet “%(sheet)s” has %(count)s columns; at most %(max)s can be read. "
                "If years or villages run across the columns, turn the table so that they run "
                "down the rows."
            )
            % values
        )
    return (
        _(
            "The file has %(count)s columns; at most %(max)s can be read. If years or villages "
            "run across the columns, turn the table so that they run down the rows."
        )
        % values
    )


def long_cell_problem(
    rows: Sequence[Sequence[Cell]], where: str = "", first_column: int = 0
) -> str | None:
    """Why a cell of ``rows`` is too long to read (the first one found), or None.

    ``where`` names the sheet (empty for a text file); row numbers are 1-based positions in
    ``rows``, as Excel shows them.
    """
    limit = settings.READ_MAX_CELL_CHARS
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > limit:
                return _long_cell(where, number, column_name(first_column + index), len(cell))
    return None


def _long_cell(where: str, row: int, column: str, count: int) -> str:
    values = {
        "sheet": where,
        "row": _number(row),
        "column": column,
        "count": _number(count),
        "max": _number(settings.READ_MAX_CELL_CHARS),
    }
    if where:
        return (
            _(
                "The cell in sheet “%(sheet)s”, row %(row)s, column %(column)s holds %(count)s "
                "characters; at most %(max)s are read (Excel's own limit is 32,767). Shorten it "
                "or move the long text out of the table."
            )
            % values
        )
    return (
        _(
            "The cell in row %(row)s, column %(column)s holds %(count)s characters; at most "
            "%(max)s are read (Excel's own limit is 32,767). Shorten it or move the long text "
            "out of the table."
        )
        % values
    )


def runaway_cell(line: int, opens_quote: bool) -> str:
    """The message for a cell, starting on ``line``, that grew past what a CSV reader holds."""
    if opens_quote:
        return open_quote(line)
    return _(
        "A cell starting on line %(line)s is longer than %(max)s characters. Shorten it or move "
        "the long text out of the table, save the file again and upload it."
    ) % {"line": _number(line), "max": _number(settings.READ_MAX_CELL_CHARS)}


def long_line(line: int) -> str:
    """The message for a line longer than the bound."""
    return _(
        "Line %(line)s of the file is longer than %(max)s KB. A row of a table is never that "
        "long: the file may not be a table, or its line breaks were lost. Open it in Excel or "
        "LibreOffice, check it, save it again as CSV and upload that."
    ) % {"line": _number(line), "max": _number(settings.READ_MAX_LINE_BYTES // 1024)}


def open_quote(line: int) -> str:
    """The message for a quotation mark that opens a cell and is never closed."""
    return _(
        'A quotation mark (") opens a cell on line %(line)s and is never closed, so the rest of '
        "the file would be read as one cell. Close that quotation mark (or remove it) and "
        "upload the file again."
    ) % {"line": _number(line)}


def swallowed_rows(line: int, end: int) -> str:
    """The message for a quoted cell that runs over lines that read as rows of the table."""
    return _(
        'A quotation mark (") opens a cell on line %(line)s and the cell runs on to line '
        "%(end)s, so the rows in between would be read as text inside one cell. Remove that "
        "quotation mark (or close it in the same cell) and upload the file again."
    ) % {"line": _number(line), "end": _number(end)}


def stray_quote(line: int) -> str:
    """The message for a cell whose closing quotation mark is followed by more text."""
    return _(
        'On line %(line)s a cell closes its quotation mark (") and more text follows in the '
        "same cell. Remove the quotation marks, or put the whole cell between them, and upload "
        "the file again."
    ) % {"line": _number(line)}


class LineMeter:
    """Finds the first line longer than the bound in bytes that arrive chunk by chunk.

    Cheap on long files: a line longer than the bound contains a whole aligned block of half
    its length without a line break, so only such blocks are looked at closely.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or settings.READ_MAX_LINE_BYTES
        self.lines = 0  # line breaks seen so far
        self.current = 0  # bytes of the line still open

    def feed(self, chunk: bytes) -> int | None:
        """The (1-based) number of a line found too long, or None."""
        first = chunk.find(b"\n")
        if first < 0:
            self.current += len(chunk)
            return self.lines + 1 if self.current > self.limit else None
        if self.current + first > self.limit:
            return self.lines + 1
        last = chunk.rfind(b"\n")
        long = self._inside(chunk, first, last)
        if long is not None:
            return long
        self.lines += chunk.count(b"\n")
        self.current = len(chunk) - last - 1
        return self.lines + 1 if self.current > self.limit else None

    def _inside(self, chunk: bytes, first: int, last: int) -> int | None:
        block = max(1, (self.limit + 1) // 2)
        for position in range(first + 1, last, block):
            if chunk.find(b"\n", position, min(position + block, last)) >= 0:
                continue
            start = chunk.rfind(b"\n", 0, position) + 1
            end = chunk.find(b"\n", position)
            if end - start > self.limit:
                return self.lines + chunk.count(b"\n", 0, start) + 1
        return None
