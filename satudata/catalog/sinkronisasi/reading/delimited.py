"""Reading a CSV/TSV file as an agency sends it: encoding, separator, layout, ragged rows."""

from __future__ import annotations

import csv
import io
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
class ReadTable:
    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str
    notices: list[Notice] = field(default_factory=list)


def parse_records(text: str, delimiter: str) -> list[list[str]]:
    """The rows of ``text``; UnreadableFile naming the line where a cell runs away (a quotation
    mark opened and never closed swallows the rest of the file into one cell)."""
    # The csv module's field limit is one setting for the whole process, and libraries raise it
    # (frictionless sets it to sys.maxsize): set it on every read, so that a runaway cell is
    # caught at the same size whatever ran before in this process.
    csv.field_size_limit(max(CSV_FIELD_LIMIT, settings.READ_MAX_CELL_CHARS + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    start = 1  # the line the record being read starts on
    try:
        for record in reader:
            if reader.line_num - start >= MANY_LINES:
                raise UnreadableFile(limits.open_quote(start))
            records.append(record)
            start = reader.line_num + 1
    except csv.Error:  # "field larger than field limit"
        first_line = text.split("\n", start)[start - 1]
        raise UnreadableFile(limits.runaway_cell(start, first_line.count('"') % 2 == 1)) from None
    return records


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
    records = parse_records(decoded.text, delimiter)
    _refuse(limits.long_cell_problem(records))
    layout = detect_layout(records)
    if not layout.columns:
        raise UnreadableFile(layout.notices[0].message)
    _refuse(limits.columns_problem(len(layout.columns)))
    width = len(layout.columns)
    rows, numbers, ragged = [], [], []
    for index in layout.data_rows:
        record = records[index]
        extra = [cell for cell in record[width:] if cell.strip()]
        if extra:
            ragged.append(index + 1)
        rows.append((record + [""] * width)[:width])
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
        layout.columns, rows, numbers, decoded.encoding, delimiter, [*notices, *layout.notices]
    )
