"""Reading a CSV/TSV file as an agency sends it: encoding, separator, layout, ragged rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.reading.delimiter import detect_delimiter
from satudata.catalog.reading.layout import detect_layout
from satudata.catalog.reading.notices import Notice, ragged_rows
from satudata.catalog.reading.text import decode

DELIMITER_NAMES = {
    ",": gettext_lazy("comma (,)"),
    ";": gettext_lazy("semicolon (;)"),
    "\t": gettext_lazy("tab"),
    "|": gettext_lazy("vertical bar (|)"),
}


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class ReadTable:
    columns: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str
    notices: list[Notice] = field(default_factory=list)


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
    decoded = decode(data)
    delimiter = detect_delimiter(decoded.text)
    records = list(csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter))
    layout = detect_layout(records)
    if not layout.columns:
        raise UnreadableFile(layout.notices[0].message)
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
