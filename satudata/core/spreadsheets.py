"""The one way the platform writes CSV and XLSX: every file a person downloads and opens in a
spreadsheet program (dataset downloads, REST and CKAN exports, the Daftar Data, the Daftar
Produk, synchronisation reports, metadata) is written here, so none of them can attack its
reader.

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula: ``=HYPERLINK("http://x")`` in an agency's
cell would become a link that leaks data, ``=cmd|…`` a command. OWASP's CSV-injection advice
is followed to the letter:

- CSV: such *text* gets a leading apostrophe (``'=1+1``), which Excel and LibreOffice show
  as text. Text that merely starts with a dash ("- ", "-", "-5" as text) is prefixed too, as
  OWASP says: a lone "-" (Indonesian tables' "nil") then reads ``'-``, a small price for a
  rule with no exceptions to get wrong. Typed numbers (−5 as a number) are never touched.
- XLSX: every text is written as a string cell (never a formula: ``strings_to_formulas``
  and ``strings_to_numbers`` are off), and a formula-like text also carries Excel's own
  quote prefix (the apostrophe a person types), so the cell shows the value unchanged and
  stays text even when someone edits it. Numbers, booleans and dates are written typed.

JSON, Parquet and the API's JSON keep the raw value: they are data, not documents a
spreadsheet runs.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import xlsxwriter  # type: ignore[import-untyped]
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = "^[=+\\-@\t\r]"  # the same, for Arrow's vectorised check
BOM = "\ufeff".encode()
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a worksheet's limit, less the header
_CHUNK = 64 * 1024


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program would run this value as a formula if it were text."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: object) -> object:
    """The value with a leading apostrophe when it is text a spreadsheet would run; any other
    value (numbers included) unchanged."""
    if is_formula_like(value):
        return "'" + str(value)
    return value


# --- CSV --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvDialect:
    """How numbers and fields are separated: the standard (``,`` between fields, ``.`` in
    decimals) or what Excel in an Indonesian locale opens without an import wizard (``;`` and
    ``,``). Neither writes a thousands separator: Excel would read "1.234" as 1.234."""

    delimiter: str
    decimal_mark: str
    line_end: str = "\r\n"  # RFC 4180's, which Excel writes too


STANDARD = CsvDialect(delimiter=",", decimal_mark=".")
INDONESIAN = CsvDialect(delimiter=";", decimal_mark=",")


def csv_text(value: object, dialect: CsvDialect = STANDARD) -> str:
    """One CSV field: text neutralised, numbers with the dialect's decimal mark, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if not math.isfinite(value) else _decimal(repr(value), dialect)
    if isinstance(value, Decimal):
        return _decimal(format(value, "f"), dialect)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(safe_cell(str(value)))


def _decimal(text: str, dialect: CsvDialect) -> str:
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", dialect.decimal_mark)


def csv_chunks(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    dialect: CsvDialect = STANDARD,
    *,
    bom: bool = True,
    header_row: bool = True,
) -> Iterator[bytes]:
    """A CSV file as UTF-8 chunks of about 64 KB, for a streaming response: the byte order
    mark first (so Excel reads the accents), then the header, then the rows."""
    sink = io.StringIO()
    writer = csv.writer(sink, delimiter=dialect.delimiter, lineterminator=dialect.line_end)
    if bom:
        yield BOM
    if header_row:
        writer.writerow([csv_text(name, dialect) for name in header])
    for row in rows:
        writer.writerow([csv_text(value, dialect) for value in row])
        if sink.tell() >= _CHUNK:
            yield sink.getvalue().encode()
            sink.seek(0)
            sink.truncate()
    yield sink.getvalue().encode()


def csv_bytes(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    dialect: CsvDialect = STANDARD,
    *,
    bom: bool = True,
) -> bytes:
    """A whole CSV file (see ``csv_chunks``)."""
    return b"".join(csv_chunks(header, rows, dialect, bom=bom))


def csv_batches(
    header: Sequence[object],
    batches: Iterable[pa.RecordBatch],
    dialect: CsvDialect = STANDARD,
) -> Iterator[bytes]:
    """A table's Arrow batches as a CSV file, the same rules as ``csv_chunks`` applied a
    column at a time (a million rows in about a second, where a cell-by-cell loop takes ten):
    risky text gets its apostrophe, decimals their dialect's mark."""
    yield from csv_chunks(header, [], dialect)
    options = pacsv.WriteOptions(
        include_header=False, delimiter=dialect.delimiter, eol=dialect.line_end
    )
    for batch in batches:
        sink = io.BytesIO()
        columns = [_safe_column(column, dialect) for column in batch.columns]
        pacsv.write_csv(
            pa.RecordBatch.from_arrays(columns, names=batch.schema.names), sink, options
        )
        yield sink.getvalue()


def _safe_column(column: pa.Array, dialect: CsvDialect) -> pa.Array:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        risky = pc.match_substring_regex(column, _FORMULA_PATTERN)
        return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
    if pa.types.is_floating(kind):  # NaN and infinity are empty, as the cell writer has them
        column = pc.if_else(pc.is_finite(column), column, pa.scalar(None, kind))
    if dialect.decimal_mark != "." and (pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        return pc.replace_substring(pc.cast(column, pa.string()), ".", dialect.decimal_mark)
    return column


# --- XLSX -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A web address the platform itself made (a product's page), written as a clickable link;
    any other value is never turned into one (``strings_to_urls`` is off)."""

    url: str

    def __str__(self) -> str:  # where it is printed rather than linked (PDF)
        return self.url


@dataclass(frozen=True)
class Style:
    """A cell format by its XlsxWriter properties (e.g. ``{"bold": True}``); the workbook
    makes the real format, and its quote-prefixed and dated twins, when first used."""

    properties: tuple[tuple[str, Any], ...] = ()


PLAIN = Style()


class Sheet:
    """A worksheet that writes every value by its type, text always as text."""

    def __init__(self, book: Workbook, worksheet: Any) -> None:
        self._book = book
        self._sheet = worksheet

    def write(self, row: int, col: int, value: object, style: Style = PLAIN) -> None:
        sheet, book = self._sheet, self._book
        if value is None or value == "":
            if style is not PLAIN:
                sheet.write_blank(row, col, None, book.format(style))
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, book.format(style))
        elif isinstance(value, int | float | Decimal) and math.isfinite(value):
            sheet.write_number(row, col, float(value), book.format(style))
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row, col, _naive(value), book.format(style, dated=value))
        elif isinstance(value, Link) and value.url.startswith(("https://", "http://")):
            sheet.write_url(row, col, value.url, book.format(style), string=value.url)
        else:
            text = value.url if isinstance(value, Link) else str(value)
            quoted = text.startswith(FORMULA_START)
            sheet.write_string(row, col, text, book.format(style, quoted=quoted))

    def write_row(self, row: int, col: int, values: Iterable[object], style: Style = PLAIN) -> None:
        for offset, value in enumerate(values):
            self.write(row, col + offset, value, style)

    def set_column(self, first: int, last: int, width: float) -> None:
        self._sheet.set_column(first, last, width)

    def freeze_panes(self, row: int, col: int) -> None:
        self._sheet.freeze_panes(row, col)


def _naive(value: date) -> date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class Workbook:
    """An XlsxWriter workbook that never turns text into a formula, a number or a link.
    ``Workbook()`` builds in memory (``to_bytes``); ``Workbook(path)`` writes a file row by
    row in constant memory, for tables of a million rows."""

    def __init__(self, path: Path | None = None) -> None:
        options: dict[str, Any] = {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        }
        self._buffer: io.BytesIO | None = None
        if path is None:
            self._buffer = io.BytesIO()
            self._book = xlsxwriter.Workbook(self._buffer, {**options, "in_memory": True})
        else:
            self._book = xlsxwriter.Workbook(
                str(path), {**options, "constant_memory": True, "in_memory": False}
            )
        self._formats: dict[tuple[Style, bool, str], Any] = {}

    def style(self, **properties: Any) -> Style:
        return Style(tuple(sorted(properties.items())))

    def add_sheet(self, name: str) -> Sheet:
        """A worksheet; the name is cut to Excel's 31 characters."""
        return Sheet(self, self._book.add_worksheet(name[:31]))

    def format(self, style: Style, *, quoted: bool = False, dated: object = None) -> Any:
        number_format = ""
        if isinstance(dated, datetime):
            number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(dated, date):
            number_format = "yyyy-mm-dd"
        key = (style, quoted, number_format)
        if key not in self._formats:
            properties = dict(style.properties)
            if quoted:
                properties["quote_prefix"] = True
            if number_format:
                properties["num_format"] = number_format
            self._formats[key] = self._book.add_format(properties) if properties else None
        return self._formats[key]

    def close(self) -> None:
        self._book.close()

    def to_bytes(self) -> bytes:
        """Close the in-memory workbook and give its bytes."""
        self._book.close()
        assert self._buffer is not None, "a workbook written to a file has no bytes"
        return self._buffer.getvalue()
