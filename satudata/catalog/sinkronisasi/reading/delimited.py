"""Reading a CSV/TSV file as an agency sends it: encoding, separator, layout, ragged rows."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.sinkronisasi.reading import limits
from satudata.catalog.sinkronisasi.reading.delimiter import detect_delimiter
from satudata.catalog.sinkronisasi.reading.layout import detect_layout
from satudata.catalog.sinkronisasi.reading.notices import Notice, encoding_read, ragged_rows
from satudata.catalog.sinkronisasi.reading.text import decode

DELIMITER_NAMES = {
    ",": gettext_lazy("comma (,)"),
    ";": gettext_lazy("semicolon (;)"),
    "\t": gettext_lazy("tab"),
    "|": gettext_lazy("vertical bar (|)"),
}


# A record spanning this many lines is a quotation mark left open, not a cell: cells with a few
# line breaks (an address, a note) are ordinary, a hundred are not.
MANY_LINES = 100


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


CSV_FIELD_LIMIT = 131_072  # the csv module's own default


@dataclass
class WrongWidth:
    """A row with more or fewer cells than the table's rows have: left out and reported."""

    line: int
    cells: int
    width: int
    text: str


@dataclass
class ReadTable:
    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str
    notices: list[Notice] = field(default_factory=list)
    wrong_width: list[WrongWidth] = field(default_factory=list)


def parse_records(
    text: str,
    delimiter: str,
    *,
    whole: bool = True,
    spans: dict[int, tuple[int, int]] | None = None,
) -> list[list[str]]:
    """The rows of ``text``; UnreadableFile naming the line where a cell runs away (a quotation
    mark opened and never closed swallows the rest of the file into one cell).

    Of a ``whole`` file the quotation marks are read strictly, as the large-file reader reads
    them: a closing mark followed by more text in its cell, or a mark left open at the end, is
    refused with its line (spaces between a closing mark and the separator are dropped, as the
    large-file reader drops them). The head of a large file (``whole`` false), which may end
    inside a quoted cell, is read leniently: the large-file reader judges the whole file.
    ``spans``, when given, receives the first and last line of each record that spans lines
    (for ``refuse_swallowed``)."""
    # The csv module's field limit is one setting for the whole process, and libraries raise it
    # (frictionless sets it to sys.maxsize): set it on every read, so that a runaway cell is
    # caught at the same size whatever ran before in this process.
    csv.field_size_limit(max(CSV_FIELD_LIMIT, settings.READ_MAX_CELL_CHARS + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=whole)
    records: list[list[str]] = []
    found: dict[int, tuple[int, int]] = {}
    start = 1  # the line the record being read starts on
    try:
        for record in reader:
            if reader.line_num - start >= MANY_LINES:
                raise UnreadableFile(limits.open_quote(start))
            if reader.line_num > start:
                found[len(records)] = (start, reader.line_num)
            records.append(record)
            start = reader.line_num + 1
    except csv.Error as error:
        if "field limit" in str(error):
            first_line = text.split("\n", start)[start - 1]
            opens_quote = first_line.count('"') % 2 == 1
            raise UnreadableFile(limits.runaway_cell(start, opens_quote)) from None
        if "end of data" in str(error):
            raise UnreadableFile(limits.open_quote(start)) from None
        spaced = _space_after_quote(delimiter)
        if spaced.search(text):  # `"abc" ;`: read as the large-file reader reads it
            return parse_records(spaced.sub('"', text), delimiter, whole=whole, spans=spans)
        if reader.line_num > start:
            raise UnreadableFile(limits.swallowed_rows(start, reader.line_num)) from None
        raise UnreadableFile(limits.stray_quote(start)) from None
    if spans is not None:
        spans.update(found)
    return records


def _space_after_quote(delimiter: str) -> re.Pattern[str]:
    """Spaces or tabs between a closing quotation mark and the separator or the line's end."""
    blanks = " " if delimiter == "\t" else " \t"
    return re.compile(f'"[{blanks}]+(?={re.escape(delimiter)}|\r?\n|$)')


def refuse_swallowed(record: list[str], delimiter: str, width: int, start: int, end: int) -> None:
    """UnreadableFile when a quoted cell of ``record`` (lines ``start`` to ``end``) holds lines
    that read as rows of the table (exactly ``width`` cells): rows swallowed by a stray
    quotation mark, not a note written over a few lines. In a table of three columns or fewer
    a note line may have the row's separators by chance (an address), so two such lines are
    asked for."""
    needed = 1 if width > 3 else 2
    for cell in record:
        if "\n" not in cell:
            continue
        rows = sum(1 for line in cell.splitlines()[1:] if line.count(delimiter) == width - 1)
        if width > 1 and rows >= needed:
            raise UnreadableFile(limits.swallowed_rows(start, end))


def usual_width(widths: list[int], columns: int) -> int:
    """Cells per row as the file writes them: the most frequent count among the data rows
    (a trailing separator on every line gives one more than the header; on a tie the
    narrower), never fewer than the header's columns."""
    width = max(set(widths), key=lambda w: (widths.count(w), -w)) if widths else columns
    return max(width, columns)


def _refuse(problem: str | None) -> None:
    if problem:
        raise UnreadableFile(problem)


def read_delimited(data: bytes) -> ReadTable:
    """The table in a delimited text file, with what was understood about it."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty. Export the table again and upload it."))
    if b"\x00" in data[:4096] and not decode(data[:4096]).encoding.startswith("utf-16"):
        raise UnreadableFile(
            _(
                "This is not a text table (it contains binary data). Upload "
                "a CSV, TSV, XLSX, XLS or ODS file."
            )
        )
    long_line = limits.LineMeter().feed(data)
    if long_line:
        raise UnreadableFile(limits.long_line(long_line))
    decoded = decode(data)
    delimiter = detect_delimiter(decoded.text)
    spans: dict[int, tuple[int, int]] = {}
    records = parse_records(decoded.text, delimiter, spans=spans)
    _refuse(limits.long_cell_problem(records))
    layout = detect_layout(records)
    if not layout.columns:
        raise UnreadableFile(layout.notices[0].message)
    _refuse(limits.columns_problem(len(layout.columns)))
    width = len(layout.columns)
    cells = usual_width([len(records[i]) for i in layout.data_rows], width)
    rows, numbers, ragged, wrong = [], [], [], []
    for index in layout.data_rows:
        record = records[index]
        if index in spans:
            refuse_swallowed(record, delimiter, cells, *spans[index])
        if len(record) > cells and not any(cell.strip() for cell in record[cells:]):
            record = record[:cells]  # separators ending the row: empty cells, as DuckDB reads
        if len(record) != cells:
            # As the large-file reader does: a row of another width is reported, not padded
            # or cut (its cells would land in the wrong columns).
            wrong.append(WrongWidth(index + 1, len(record), cells, delimiter.join(record)[:100]))
            continue
        extra = [cell for cell in record[width:] if cell.strip()]
        if extra:
            ragged.append(index + 1)
        rows.append(record[:width])
        numbers.append(index + 1)
    notices = [
        encoding_read(decoded.encoding),
        *decoded.notices,
        Notice(
            "delimiter",
            _("Columns are separated by %(name)s.") % {"name": DELIMITER_NAMES[delimiter]},
        ),
    ]
    if ragged:
        notices.append(ragged_rows(ragged))
    return ReadTable(
        layout.columns,
        rows,
        numbers,
        decoded.encoding,
        delimiter,
        [*notices, *layout.notices],
        wrong_width=wrong,
    )
