"""Reading a large CSV/TSV file without holding it in memory.

The head of the file (its first 256 KB) goes through the same rules as a small file: encoding,
separator, title rows, a header of several rows. DuckDB then reads the body in parallel, as text,
into the check's workspace. One streaming pass beforehand counts the lines, finds blank lines and
checks the encoding, so the row numbers the user is shown are the lines of the file; a file that
is not UTF-8 is rewritten as UTF-8 in the workspace first. Rows with the wrong number of cells
are rejected by DuckDB with their line number and reported; total rows and trailing footnotes
are left out with a notice, as for a small file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.engine import ERROR, Finding, Workspace, sql_text
from satudata.catalog.sinkronisasi.reading import limits
from satudata.catalog.sinkronisasi.reading.delimited import (
    DELIMITER_NAMES,
    UnreadableFile,
    WrongWidth,
    parse_records,
    refuse_swallowed,
    usual_width,
)
from satudata.catalog.sinkronisasi.reading.delimiter import detect_delimiter
from satudata.catalog.sinkronisasi.reading.filetype import foreign_problem
from satudata.catalog.sinkronisasi.reading.layout import FOOTNOTE, TOTAL, detect_layout
from satudata.catalog.sinkronisasi.reading.notices import (
    Notice,
    blank_rows,
    encoding_read,
    footnote,
    mixed_encoding,
    ragged_rows,
    total_row,
)
from satudata.catalog.sinkronisasi.reading.text import FALLBACK, decode

HEAD_BYTES = 256 * 1024
CHUNK_BYTES = 8 * 2**20
MAX_REPORTED = 200
LAYOUT_RECORDS = 1000
_BLANK_LINE = re.compile(rb"\n(?=[ \t]*\r?\n)")
_BLANK_GATE = re.compile(rb"\n[ \t\r\n]")

Progress = Callable[[str, int, int], None]


@dataclass
class TextPlan:
    encoding: str
    delimiter: str
    skip: int  # lines before the first data row
    columns: list[str]
    width: int  # cells per row as the file writes them (may exceed the named columns)
    notices: list[Notice] = field(default_factory=list)


def _refuse(problem: str | None) -> None:
    if problem:
        raise UnreadableFile(problem)


def _first_lines_fit(handle: BinaryIO, head: bytes) -> None:
    """UnreadableFile when a line of the head, or its last line running on past it, is too
    long: the head's rules would otherwise read a piece of it as a table."""
    meter = limits.LineMeter()
    line = meter.feed(head)
    if line is None and len(head) == HEAD_BYTES and not head.endswith(b"\n"):
        while chunk := handle.read(CHUNK_BYTES):
            line = meter.feed(chunk)
            if line or b"\n" in chunk:
                break
    if line:
        raise UnreadableFile(limits.long_line(line))


def plan_text(path: Path) -> TextPlan:
    """What the head of the file says about all of it."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        _first_lines_fit(handle, head)
    if not head.strip():
        raise UnreadableFile(_("The file is empty. Export the table again and upload it."))
    _refuse(foreign_problem(head))
    if len(head) == HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1] or head
    decoded = decode(head)
    if "\x00" in decoded.text:
        raise UnreadableFile(
            _(
                "This is not a text table (it contains binary data). Upload "
                "a CSV, TSV, XLSX, XLS or ODS file."
            )
        )
    delimiter = detect_delimiter(decoded.text)
    # The layout (titles, header rows, the usual width) shows in the first rows; totals and
    # footnotes are looked for over the whole file afterwards.
    records = parse_records(decoded.text, delimiter, whole=False)[:LAYOUT_RECORDS]
    layout = detect_layout(records)
    if not layout.columns:
        raise UnreadableFile(layout.notices[0].message)
    _refuse(limits.columns_problem(len(layout.columns)))
    data = layout.data_rows or [layout.header_rows[-1] + 1]
    width = usual_width([len(records[i]) for i in data if i < len(records)], len(layout.columns))
    # Title and header notices only: totals and footnotes are found again over the whole file.
    notices = [
        encoding_read(decoded.encoding),
        *decoded.notices,
        Notice(
            "delimiter",
            _("Columns are separated by %(name)s.") % {"name": DELIMITER_NAMES[delimiter]},
        ),
        *(n for n in layout.notices if n.code in ("title_row", "merged_header")),
    ]
    return TextPlan(
        encoding=decoded.encoding,
        delimiter=delimiter,
        skip=layout.header_rows[-1] + 1,
        columns=layout.columns,
        width=width,
        notices=notices,
    )


@dataclass
class _Scan:
    lines: int = 0
    blank: list[int] = field(default_factory=list)
    utf8: bool = True


def _scan(path: Path, progress: Progress) -> _Scan:
    """Count lines, note blank ones, and check that the bytes are UTF-8, in one pass."""
    scan = _Scan()
    size = path.stat().st_size
    decoder = codecs.getincrementaldecoder("utf-8")()
    meter = limits.LineMeter()
    done, carry, last = 0, b"\n", b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            lines_before = meter.lines
            long_line = meter.feed(chunk)  # it also counts the chunk's line breaks
            if long_line:
                raise UnreadableFile(limits.long_line(long_line))
            # ASCII is UTF-8: only a chunk with other bytes is decoded.
            if scan.utf8 and (not chunk.isascii() or decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    scan.utf8 = False
            # A line break followed by an empty line. The line break and blank start of a line
            # left open by the chunk before are put in front, so that a blank line across two
            # chunks is seen. Most files have none: the pattern runs only where a line break is
            # followed by a blank, a tab or another break.
            if carry or _BLANK_GATE.search(chunk):
                text = carry + chunk
                line = lines_before - (1 if carry else 0)  # the carry's break is counted
                position = 0
                for match in _BLANK_LINE.finditer(text):
                    line += text.count(b"\n", position, match.start() + 1)
                    position = match.start() + 1
                    scan.blank.append(line + 1)
            carry = _open_blank(carry, chunk)
            scan.lines = meter.lines
            last = chunk[-1:]
            done += len(chunk)
            progress("read", done, size)
    if scan.utf8:
        try:
            decoder.decode(b"", final=True)  # a character cut off at the end
        except UnicodeDecodeError:
            scan.utf8 = False
    if last != b"\n":
        scan.lines += 1  # the last line has no line break
    scan.blank = sorted(set(scan.blank))
    return scan


def _open_blank(carry: bytes, chunk: bytes) -> bytes:
    """The last line break and what follows it at the end of ``chunk`` (after ``carry``, the
    same from the chunks before) while that line is blank so far; else nothing."""
    last = chunk.rfind(b"\n")
    if last < 0 and not carry:
        return b""
    tail = carry + chunk if last < 0 else chunk[last:]
    return tail if not tail[1:].strip(b" \t\r") else b""


def _to_utf8(path: Path, target: Path, encoding: str) -> list[int]:
    """Rewrite the file as UTF-8; lines that were not UTF-8 in a mostly UTF-8 file are read as
    Windows-1252 and their numbers returned."""
    fallback_lines: list[int] = []
    with path.open("rb") as source, target.open("wb") as out:
        if encoding.startswith("utf-16"):
            reader = codecs.getreader(encoding)(source, "replace")
            while text := reader.read(CHUNK_BYTES):
                out.write(text.encode("utf-8"))
            return fallback_lines
        mixed = encoding.startswith("utf-8")
        for number, line in enumerate(source, start=1):
            if mixed:
                try:
                    out.write(line.decode("utf-8").encode("utf-8"))
                    continue
                except UnicodeDecodeError:
                    fallback_lines.append(number)
            out.write(line.decode(FALLBACK, errors="replace").encode("utf-8"))
    return fallback_lines


def load_text(ws: Workspace, path: Path, plan: TextPlan, progress: Progress) -> list[Notice]:
    """``src`` from a delimited file on disk; the notices of what was understood."""
    notices = list(plan.notices)
    scan = _scan(path, progress)
    source = path
    if not scan.utf8 or plan.encoding.startswith("utf-16"):
        source = ws.folder / "utf8.csv"
        # Text whose head was UTF-8 but whose body is not is read line by line (mixed).
        encoding = plan.encoding if plan.encoding != "utf-8-sig" else "utf-8"
        fallback = _to_utf8(path, source, encoding)
        if fallback:
            notices.append(mixed_encoding(fallback))
    progress("load", 0, 0)
    names = [f"c{i}" for i in range(plan.width)]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    ws.con.execute(
        f"CREATE TABLE raw AS SELECT * FROM read_csv({sql_text(str(source))}, "
        f"delim = {sql_text(plan.delimiter)}, quote = '\"', escape = '\"', header = false, "
        f"skip = {plan.skip}, columns = {columns}, auto_detect = false, strict_mode = true, "
        f"max_line_size = {max(2**21, settings.READ_MAX_LINE_BYTES + 2)}, "
        f"store_rejects = true, rejects_table = 'rejected', rejects_scan = 'rejected_scan')"
    )
    rejected = ws.con.execute(
        "SELECT line, csv_line, error_type FROM rejected ORDER BY line"
    ).fetchall()
    _refuse_runaway(rejected)
    excluded = sorted({*(b for b in scan.blank if b > plan.skip), *(r[0] for r in rejected)})
    # Record k (0-based, file order) sits on line skip + 1 + k + (excluded lines before it).
    # Several excluded lines in a row share one record index: the last shift counts.
    by_record: dict[int, int] = {}
    for position, line in enumerate(excluded):
        by_record[line - plan.skip - 1 - position] = position + 1
    shifts = sorted(by_record.items())
    records = int(ws.scalar("SELECT count(*) FROM raw"))
    cols = ", ".join(names)
    if shifts:
        shift_table = pa.table(  # noqa: F841 (read by DuckDB)
            {
                "k": pa.array([s[0] for s in shifts], pa.int64()),
                "shift": pa.array([s[1] for s in shifts], pa.int64()),
            }
        )
        ws.con.execute("CREATE TABLE shifts AS SELECT * FROM shift_table")
        ws.con.execute(
            f"CREATE VIEW src AS SELECT r.k + {plan.skip + 1} + coalesce(s.shift, 0) AS _row, "
            f"{cols} FROM (SELECT rowid AS k, * FROM raw) r "
            f"ASOF LEFT JOIN shifts s ON r.k >= s.k"
        )
    else:
        # The usual case, no blank or rejected lines: the row is the record's position.
        ws.con.execute(
            f"CREATE VIEW src AS SELECT rowid + {plan.skip + 1} AS _row, {cols} FROM raw"
        )
        ws.src_in_order = True
    body_lines = scan.lines - plan.skip - len(excluded)
    if records != body_lines:
        _refuse_swallowed_rows(ws, plan)
        notices.append(
            Notice(
                "line_breaks_in_cells",
                _(
                    "Some cells contain line breaks, so row numbers in this report may be a few "
                    "rows off from the file's lines."
                ),
            )
        )
    notices.extend(_set_aside(ws, plan, rejected))
    ws.columns = list(plan.columns)
    ws.rows = int(ws.scalar("SELECT count(*) FROM src"))
    return notices


def _refuse_runaway(rejected: list[tuple[int, str, str]]) -> None:
    """UnreadableFile for a row DuckDB set aside because a quotation mark left open swallowed
    the lines after it, or because it is longer than DuckDB reads."""
    for line, text, kind in rejected:
        if kind == "UNQUOTED VALUE" and "\n" in text.rstrip("\r\n"):
            if text.count('"') % 2:  # still open where DuckDB gave up: the end of the file
                raise UnreadableFile(limits.open_quote(line))
            # Closed on a later line, with more text after it in the cell.
            end = line + text.rstrip("\r\n").count("\n")
            raise UnreadableFile(limits.swallowed_rows(line, end))
        if kind == "UNQUOTED VALUE":  # `"Kab." Pringsewu`: closed, then more text
            raise UnreadableFile(limits.stray_quote(line))
        if kind == "LINE SIZE OVER MAXIMUM":
            opens_quote = text.split("\n", 1)[0].count('"') % 2 == 1
            raise UnreadableFile(limits.runaway_cell(line, opens_quote))


def _refuse_swallowed_rows(ws: Workspace, plan: TextPlan) -> None:
    """UnreadableFile when a cell with line breaks holds lines that read as rows of the table
    (a stray quotation mark closed at the end of a later line), as for a small file. Only the
    first cells with line breaks are looked at: a file has few, or a quotation mark problem."""
    broken = " OR ".join(f"contains(c{i}, chr(10))" for i in range(plan.width))
    for row, *cells in ws.con.execute(
        f"SELECT _row, {', '.join(f'c{i}' for i in range(plan.width))} FROM src "
        f"WHERE {broken} ORDER BY _row LIMIT 1000"
    ).fetchall():
        record = [c or "" for c in cells]
        end = row + sum(c.count("\n") for c in record)
        refuse_swallowed(record, plan.delimiter, plan.width, row, end)


def _filled_sql(width: int) -> str:
    return " + ".join(f"(c{i} IS NOT NULL AND length(trim(c{i})) > 0)::INT" for i in range(width))


def _set_aside(ws: Workspace, plan: TextPlan, rejected: list[tuple[int, str, str]]) -> list[Notice]:
    """Leave out totals, empty rows and trailing footnotes; report rows of the wrong width."""
    notices: list[Notice] = []
    filled = _filled_sql(plan.width)
    total = TOTAL.pattern.lstrip("^").rstrip("$")

    def is_total(cell: str) -> str:
        return f"regexp_full_match(lower(trim({cell})), {sql_text(total)})"

    first = range(min(2, plan.width))
    first_cells = " OR ".join(is_total(f"c{i}") for i in first)
    # Whether any total row is there, judged on the first two columns' distinct texts (a
    # column of region codes has a few thousand; patterns on a million cells cost more).
    any_total = ws.scalar(
        "SELECT count(*) FROM ("
        + " UNION ALL ".join(f"SELECT DISTINCT c{i} AS c FROM raw" for i in first)
        + f") WHERE {is_total('c')}"
    )
    ((last_full, last, any_empty),) = ws.con.execute(
        f"SELECT coalesce(max(_row) FILTER (WHERE {filled} >= 2), 0), max(_row), "
        f"bool_or({filled} = 0) FROM src"
    ).fetchall()
    if any_total:
        totals = ws.con.execute(
            f"SELECT _row, c0 FROM src WHERE {first_cells} ORDER BY _row LIMIT 20"
        ).fetchall()
        for row, text in totals:
            notices.append(total_row(row, text or ""))
        ws.con.execute(f"DELETE FROM raw WHERE {first_cells}")
    if last is not None and last > last_full:  # rows after the last full one: footnotes
        for row, text in ws.con.execute(
            f"SELECT _row, concat_ws(' ', {', '.join(f'c{i}' for i in range(plan.width))}) "
            f"FROM src WHERE _row > {int(last_full)} AND {filled} >= 1 ORDER BY _row LIMIT 20"
        ).fetchall():
            notices.append(footnote(row, text.strip()))
        ws.con.execute(
            f"DELETE FROM raw WHERE rowid > (SELECT coalesce(max(rowid), -1) FROM raw "
            f"WHERE {filled} >= 2)"
        )
    # Rows with no cell filled are counted and left out only when there are some.
    empty = int(ws.scalar(f"SELECT count(*) FROM src WHERE {filled} = 0")) if any_empty else 0
    if empty:
        ws.con.execute(f"DELETE FROM raw WHERE {filled} = 0")
        notices.append(blank_rows(empty))
    if plan.width > len(plan.columns):
        extra = " OR ".join(
            f"coalesce(trim(c{i}), '') <> ''" for i in range(len(plan.columns), plan.width)
        )
        rows = [
            r
            for (r,) in ws.con.execute(
                f"SELECT _row FROM src WHERE {extra} ORDER BY _row LIMIT 10"
            ).fetchall()
        ]
        if rows:
            notices.append(ragged_rows(rows))
    ws.read_errors = 0
    for line, text, _kind in rejected:
        cells = next(csv.reader([text.strip("\r\n")], delimiter=plan.delimiter), [])
        filled_cells = [c for c in cells if c.strip()]
        if not filled_cells:
            continue
        if line > last_full and (len(filled_cells) <= 1 or FOOTNOTE.match(filled_cells[0])):
            notices.append(footnote(line, filled_cells[0]))
            continue
        report_wrong_width(ws, WrongWidth(line, len(cells), plan.width, text.strip()[:100]))
    return notices


def report_wrong_width(ws: Workspace, row: WrongWidth) -> None:
    """An error for a row left out because it has more or fewer cells than the table's."""
    ws.read_errors += 1
    if len(ws.read_findings) < MAX_REPORTED:
        ws.read_findings.append(
            Finding(
                ERROR,
                ws.sheet,
                row.line,
                "",
                row.text,
                _("This row has %(found)s cells; the table has %(width)s columns.")
                % {"found": row.cells, "width": row.width},
                _(
                    "Check the separators in this row: a cell may contain the separator "
                    "without quotes, or cells may be missing."
                ),
            )
        )
