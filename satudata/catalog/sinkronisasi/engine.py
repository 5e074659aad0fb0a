"""The synchronisation check, run column-wise in DuckDB.

A table, whichever reader produced it, is loaded as text into ``src(_row, c0, c1, …)`` in a
throw-away DuckDB database on disk; ``_row`` is the row number the user sees. Each mapped column
is then typed and checked with one SQL expression, so a million rows cost a few scans, not a
million Python calls. Values with few distinct forms (dates, region codes and names, code-list
answers, text under a rule) are judged once per distinct value in Python, which keeps the
Indonesian reading rules and the suggestions in one place. Rules across columns
(``jumlah == laki_laki + perempuan``) are compiled to SQL and counted in one more scan of the
typed table; a region code column and its name column are compared per distinct pair. Only the
first findings of each kind are fetched; the totals are counted in SQL. The database lives in a
temporary folder with a memory limit, so a file larger than memory spills to disk instead of
failing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi import rule_language
from satudata.catalog.sinkronisasi.reading.cells import Cell, as_text
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.sheets import place
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable
from satudata.catalog.sinkronisasi.reading.values import (
    ERROR_MARKERS,
    MISSING,
    NO_DATA_MARKERS,
    infer_decimal_mark,
    is_missing,
    parse_date,
)
from satudata.catalog.sinkronisasi.rule_language import CrossRule, RuleSyntaxError
from satudata.catalog.sinkronisasi.rules import Rules, compile_rules
from satudata.core.recovery import TEMP_PREFIX
from satudata.regions.names import name_key
from satudata.regions.resolving import RegionReference, RegionResolver

ERROR, WARNING = "error", "warning"
MAX_FINDINGS_PER_KIND = 200
BATCH_ROWS = 128_000
WHITESPACE = " \t\r\n\u00a0"

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Finding:
    severity: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    suggestion: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: int
    warnings: int
    rows: int
    # Per column: how many cells hold no value, the markers written and where the first are.
    missing: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What the check decided and the user should know (the decimal mark of each number column).
    notices: list[Notice] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.errors == 0


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Workspace:
    """A private DuckDB database in a temporary folder, removed on close."""

    def __init__(self) -> None:
        root = Path(settings.SYNC_WORK_DIR) if settings.SYNC_WORK_DIR else None
        if root:
            root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}sync-", dir=root))
        # In memory while it fits; past the memory limit DuckDB spills to the folder.
        self.con = duckdb.connect(str(self.folder / "work.duckdb"))
        self.con.execute(f"SET memory_limit = '{int(settings.SYNC_MEMORY_MB)}MB'")
        self.con.execute(f"SET temp_directory = {sql_text(str(self.folder / 'spill'))}")
        self.con.execute(f"SET threads = {int(settings.SYNC_THREADS)}")
        self.con.execute("SET preserve_insertion_order = true")
        self.sheet = ""
        # The sheets stacked into ``src``, when more than one: ``_row`` then says which (place).
        self.sheets: list[str] = []
        self.columns: list[str] = []
        self.rows = 0
        self.typed_numbers: set[int] = set()
        # Findings of the reading step (rows that could not be read) join the check's.
        self.read_findings: list[Finding] = []
        self.read_errors = 0

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def place(self, row: int) -> tuple[str, int]:
        """The sheet and the row number the user sees for ``_row``."""
        return place(self.sheets, row) if self.sheets else (self.sheet, row)

    def row_label(self, row: int) -> str:
        """``_row`` as the user finds it: the row, and its sheet when several were read."""
        sheet, number = self.place(row)
        if not self.sheets:
            return str(number)
        return _("%(row)s (sheet %(sheet)s)") % {"row": number, "sheet": sheet}

    def placed(self, finding: Finding) -> Finding:
        """``finding`` with the sheet and row of a stacked table's row."""
        if not self.sheets or finding.row is None:
            return finding
        sheet, row = self.place(finding.row)
        return replace(finding, sheet=sheet, row=row)


# --- Loading a table read in Python (spreadsheets, small text files) ---------------------------


_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+")


def _cell_text(cell: Cell, mark: str) -> str:
    """A cell as text the SQL number rules read back to the same value."""
    if type(cell) is str:
        return cell
    if isinstance(cell, bool):
        return as_text(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        text = as_text(cell)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        if _GROUPED.fullmatch(text):
            # A stored 4.512 written "4.512" would read as four thousand in a whole-number
            # column (thousands in groups of three); "4.5120" is the same number, never grouped.
            text += "0"
        return text.replace(".", mark) if mark == "," else text
    return as_text(cell)


def load_sheet(ws: Workspace, table: SheetTable) -> None:
    """``src`` from a table already read into memory."""
    arrays = [pa.array(table.row_numbers, pa.int64())]
    names = ["_row"]
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows]
        # The mark matters only for numbers the spreadsheet stored as numbers; text is read in
        # SQL, where the mark is decided again from the column's own text.
        mark = infer_decimal_mark(
            itertools.islice((c for c in cells if isinstance(c, str) and c[-1:].isdigit()), 5000)
        )
        arrays.append(pa.array([_cell_text(c, mark) for c in cells], pa.string()))
        names.append(f"c{index}")
    arrow_table = pa.Table.from_arrays(arrays, names=names)  # noqa: F841 (read by DuckDB)
    ws.con.execute("CREATE TABLE src AS SELECT * FROM arrow_table")
    ws.sheet, ws.columns, ws.rows = table.sheet, list(table.columns), len(table.rows)
    ws.sheets = list(table.sheets)
    ws.typed_numbers = _typed_number_columns(table)


def _typed_number_columns(table: SheetTable) -> set[int]:
    """Columns whose numbers the spreadsheet stored as numbers, with no number written as text
    with a mark: their decimal mark is the spreadsheet's, nothing was inferred."""
    typed = set()
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows]
        stored = any(isinstance(c, float) and not c.is_integer() for c in cells)
        written = any(
            isinstance(c, str) and c[-1:].isdigit() and ("," in c or "." in c) for c in cells
        )
        if stored and not written:
            typed.add(index)
    return typed


# --- Typing and checking ---------------------------------------------------------------------

_MISSING_SQL = ", ".join(sql_text(m) for m in sorted(NO_DATA_MARKERS))
_ERROR_SQL = ", ".join(sql_text(m) for m in sorted(ERROR_MARKERS))
NUMERIC_KINDS = (DataType.INTEGER, DataType.DECIMAL, DataType.YEAR)
SQL_TYPES = {
    DataType.INTEGER: "BIGINT",
    DataType.YEAR: "SMALLINT",
    DataType.DECIMAL: "DOUBLE",
    DataType.DATE: "DATE",
    DataType.TEXT: "VARCHAR",
    DataType.REGION: "VARCHAR",
    DataType.CATEGORY: "VARCHAR",
}


def _trimmed(column: str) -> str:
    return f"trim({column}, {sql_text(WHITESPACE)})"


def _is_missing(column: str) -> str:
    """No value, on purpose (``-``, ``n/a``, empty) or not (``#REF!``): nothing to type."""
    return (
        f"({column} IS NULL OR lower({_trimmed(column)}) IN ({_MISSING_SQL}) "
        f"OR {_is_cell_error(_trimmed(column))})"
    )


def _is_no_data(column: str) -> str:
    """A cell that says "no data" (``-``, ``…``, ``n/a``, empty): a null, listed per column."""
    return f"({column} IS NULL OR lower({_trimmed(column)}) IN ({_MISSING_SQL}))"


def _is_no_data_trimmed(trimmed: str) -> str:
    """``_is_no_data`` for a text already trimmed (markers are at most 14 characters)."""
    return (
        f"({trimmed} IS NULL OR (length({trimmed}) <= 14 AND lower({trimmed}) IN ({_MISSING_SQL})))"
    )


def _is_cell_error(trimmed: str) -> str:
    """A spreadsheet's error display (``#DIV/0!``, ``Err:502``) in the trimmed text."""
    return (
        f"(length({trimmed}) <= 14 AND (lower({trimmed}) IN ({_ERROR_SQL}) "
        f"OR regexp_full_match(lower({trimmed}), 'err:[0-9]{{3}}')))"
    )


# The problem codes of an error cell: an error where the column is required, else a warning.
CELL_ERROR, CELL_WARNING = "error_cell", "warning_cell"


def _cell_error_finding(ws: Workspace, col: _Column, row: int, text: str, code: str) -> Finding:
    return Finding(
        ERROR if code == CELL_ERROR else WARNING,
        ws.sheet,
        row,
        col.name,
        text,
        _(
            "The cell shows the spreadsheet error %(marker)s: its formula failed. It is "
            "stored as empty."
        )
        % {"marker": text},
        _("Correct the formula or type the value, then upload the file again."),
    )


@dataclass
class _Judged:
    """What the distinct-value pass made of one written value."""

    value: Any
    severity: str = ""
    problem: str = ""
    suggestion: str = ""


class _ValueJudge:
    """Judges each distinct written value of one column (dates, regions, codes, ruled text)."""

    def __init__(
        self, variable: Variable, rules: Rules, regions: RegionReference | None = None
    ) -> None:
        self.variable, self.rules = variable, rules
        self.resolver = (
            RegionResolver(regions, level=variable.region_level)
            if regions is not None and variable.data_type == DataType.REGION
            else None
        )
        codes = list(variable.codes.all())
        self.by_code = {c.code.strip().lower(): c.label for c in codes}
        self.by_label = {name_key(c.label): c.label for c in codes}
        self.labels = [c.label for c in codes]

    def judge(self, text: str) -> _Judged:
        kind = self.variable.data_type
        if kind == DataType.DATE:
            parsed = parse_date(text)
            if parsed in (None, MISSING):
                return _Judged(
                    None,
                    ERROR,
                    _("Not a date."),
                    _("Write dates like 17 Agustus 2025 or 17/08/2025."),
                )
            return _Judged(parsed)
        if kind == DataType.REGION:
            return self.region(text)
        if kind == DataType.CATEGORY:
            return self.category(text)
        problem = self.rules.check_text(text)
        return _Judged(text, ERROR, problem) if problem else _Judged(text)

    def prepare(self, values: list[str]) -> None:
        """Called with every distinct written value before they are judged one by one."""
        if self.resolver is not None:
            self.resolver.prepare(values)

    def region(self, text: str) -> _Judged:
        assert self.resolver is not None
        found = self.resolver.resolve(text)
        return _Judged(found.code, found.severity, found.problem, found.suggestion)

    def category(self, text: str) -> _Judged:
        label = self.by_code.get(text.lower()) or self.by_label.get(name_key(text))
        if label is not None:
            return _Judged(label)
        close = process.extract(text, self.labels, scorer=fuzz.ratio, limit=2, score_cutoff=70)
        hint = "; ".join(found for found, _score, _i in close)
        return _Judged(
            None,
            ERROR,
            _("Not in the code list of this variable."),
            _("Perhaps: %(labels)s.") % {"labels": hint}
            if hint
            else _("Use one of the codes in the variable's metadata."),
        )


@dataclass
class _Column:
    index: int
    name: str
    variable: Variable
    rules: Rules
    value_sql: str = ""
    problem_sql: str = "NULL"
    judged: bool = False
    # For numbers: the decimal mark the column was read with (said in the messages).
    mark: str = ""
    # The decimal mark read in a number column; "" when no number in it has a mark.
    decimal_mark: str = ""
    # The messages and suggestions of the distinct-value verdicts, by position.
    messages: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def _number_problems(col: _Column, number: str) -> str:
    kind = col.variable.data_type
    cases = [f"WHEN {number} IS NULL THEN 'not_number'"]
    if kind in (DataType.INTEGER, DataType.YEAR):
        cases.append(f"WHEN {number} <> floor({number}) THEN 'not_whole'")
    if kind == DataType.YEAR:
        cases.append(f"WHEN {number} NOT BETWEEN 1900 AND 2100 THEN 'not_year'")
    if col.rules.minimum is not None:
        cases.append(f"WHEN {number} < {float(col.rules.minimum)!r} THEN 'below_min'")
    if col.rules.maximum is not None:
        cases.append(f"WHEN {number} > {float(col.rules.maximum)!r} THEN 'above_max'")
    return "CASE " + " ".join(cases) + " END"


def _as_read(number: float | None) -> str:
    """A number as the check read it, written the way the interface writes numbers."""
    if number is None:
        return ""
    value = Decimal(repr(float(number))).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return str(number_format(value, force_grouping=True))


def _number_message(code: str, col: _Column, read: float | None = None) -> tuple[str, str]:
    """What is wrong with a number, saying how the cell was read."""
    rules, seen = col.rules, {"read": _as_read(read)}
    if code == "not_number":
        return _(
            "Not a number: it cannot be read with “%(mark)s” as the decimal mark and "
            "“%(thousands)s” between thousands."
        ) % {"mark": col.mark or ",", "thousands": "." if col.mark != "." else ","}, _(
            "Write only the number; put units in the column name."
        )
    if code == "not_whole":
        return _("Must be a whole number; it was read as %(read)s.") % seen, _(
            "Write whole numbers without a decimal part; thousands may be grouped by three, "
            "as in 4.512 or 4,512."
        )
    if code == "not_year":
        return _("Not a year; it was read as %(read)s.") % seen, ""
    if code == "below_min":
        return _("Below the smallest allowed value, %(min)s; it was read as %(read)s.") % {
            "min": rules.minimum,
            **seen,
        }, ""
    return _("Above the largest allowed value, %(max)s; it was read as %(read)s.") % {
        "max": rules.maximum,
        **seen,
    }, ""


REQUIRED = "required"


def _plain_number(col: _Column) -> str:
    """A test that the raw cell is a number written plainly (``4512``, ``12.5`` where the
    column's mark is the point): such a cell reads the same by a bare cast as by every rule of
    the full reading, so the full reading is spent only on the other cells. Casting an integer
    back to text gives the text only for digits with an optional minus sign and no leading
    zero; decimals are tested by a pattern that admits digits and the column's mark."""
    i = col.index
    if col.variable.data_type in (DataType.INTEGER, DataType.YEAR):
        return f"coalesce(TRY_CAST(c{i} AS BIGINT)::VARCHAR = c{i}, false)"
    digits = "[0-9]{1,15}(\\.[0-9]{1,15})?" if col.mark == "." else "[0-9]{1,15}"
    return f"coalesce(regexp_full_match(c{i}, '{digits}'), false)"


def _sample_marked(ws: Workspace, index: int) -> list[str]:
    """Up to 5,000 written numbers of a column that carry a point or a comma."""
    values = ws.con.execute(
        f"SELECT c{index} FROM src WHERE contains(c{index}, '.') OR contains(c{index}, ',') "
        "LIMIT 5000"
    ).fetchall()
    return [v for (v,) in values if not is_missing(v)]


def _prepare(ws: Workspace, columns: list[_Column], judges: dict[int, _ValueJudge]) -> None:
    """Build the ``typed`` table: a value ``v<i>`` and a problem ``p<i>`` per mapped column.

    In layers, so that each cell is trimmed, tested for a missing marker and read as a number
    once: ``t`` the trimmed text, ``m`` whether it is missing, ``b`` the number's characters,
    ``n`` the number; the last layer joins the distinct-value verdicts and says the problem.
    A number written plainly (``g``) skips the layers: a bare cast reads it. A column judged
    value by value is joined by its raw text to verdicts that also say whether the value is
    missing or an error display, so its cells are not trimmed or tested one by one.
    """
    trims, flags, numbers, selects, joins = ["_row"], ["*"], ["*"], ["_row"], []
    spaces = sql_text(WHITESPACE)
    for col in columns:
        i = col.index
        kind = col.variable.data_type
        missing, error = f"m{i}", f"x{i}"
        if kind in NUMERIC_KINDS:
            sample = _sample_marked(ws, i)
            mark = infer_decimal_mark(sample)
            col.decimal_mark = mark if sample else ""
            thousands = "." if mark == "," else ","
            col.mark = mark
            trims += [f"c{i}", f"{_plain_number(col)} AS g{i}"]
            trims.append(f"CASE WHEN g{i} THEN c{i} ELSE trim(c{i}, {spaces}) END AS t{i}")
            flags.append(
                f"CASE WHEN g{i} THEN false ELSE {_is_no_data_trimmed(f't{i}')} END AS m{i}"
            )
            flags.append(f"CASE WHEN g{i} THEN false ELSE {_is_cell_error(f't{i}')} END AS x{i}")
            # The number's characters: no percent sign, spaces or apostrophes (1'234).
            flags.append(
                f"CASE WHEN g{i} THEN NULL ELSE replace(replace(replace(rtrim(rtrim(t{i}, "
                f"'%'), {spaces}), ' ', ''), chr(160), ''), chr(39), '') END AS b{i}"
            )
            flags.append(f"CASE WHEN g{i} THEN false ELSE suffix(t{i}, '%') END AS pct{i}")
            numbers.append(
                f"CASE WHEN g{i} THEN TRY_CAST(c{i} AS DOUBLE) ELSE "
                f"(CASE {_whole_number_cases(f'b{i}') if kind == DataType.INTEGER else ''}"
                f"WHEN regexp_full_match(b{i}, '[+-]?[0-9.,]*[0-9][0-9.,]*') THEN "
                f"TRY_CAST(replace(replace(b{i}, {sql_text(thousands)}, ''), {sql_text(mark)}, "
                f"'.') AS DOUBLE) END) / CASE WHEN pct{i} THEN 100.0 ELSE 1.0 END END AS n{i}"
            )
            cast = "BIGINT" if kind == DataType.INTEGER else SQL_TYPES[DataType(kind)]
            col.value_sql = (
                f"CASE WHEN m{i} THEN NULL ELSE TRY_CAST(n{i} AS {cast}) END"
                if kind != DataType.DECIMAL
                else f"CASE WHEN m{i} THEN NULL ELSE n{i} END"
            )
            required = f"WHEN m{i} THEN 'required'" if col.rules.required else ""
            col.problem_sql = (
                f"CASE {required} WHEN m{i} THEN NULL ELSE {_number_problems(col, f'n{i}')} END"
            )
        elif kind == DataType.TEXT and col.rules.pattern is None and col.rules.max_length is None:
            trims += [f"c{i}", f"trim(c{i}, {spaces}) AS t{i}"]
            flags.append(f"{_is_no_data_trimmed(f't{i}')} AS m{i}")
            flags.append(f"{_is_cell_error(f't{i}')} AS x{i}")
            required = f"WHEN m{i} THEN 'required'" if col.rules.required else ""
            col.value_sql = f"CASE WHEN m{i} THEN NULL ELSE t{i} END"
            col.problem_sql = f"CASE {required} END" if required else "NULL"
        else:
            col.judged = True
            trims.append(f"c{i}")
            _judge_distinct(ws, col, judges[i])
            joins.append(f"LEFT JOIN judged_{i} j{i} ON j{i}.raw = x.c{i}")
            # Only a null cell finds no verdict: every distinct written text has one.
            missing, error = f"coalesce(j{i}.m, true)", f"coalesce(j{i}.x, false)"
            required = f"WHEN {missing} THEN 'required'" if col.rules.required else ""
            col.value_sql = f"CASE WHEN {missing} THEN NULL ELSE j{i}.val END"
            col.problem_sql = f"CASE {required} WHEN {missing} THEN NULL ELSE j{i}.problem END"
        selects += _with_cell_errors(col, error)
        selects.append(f"{missing} AS nd{i}")  # "no data" written: counted by missing_values
        if kind in NUMERIC_KINDS:
            selects.append(f"n{i} AS r{i}")  # the number as read, for the messages
    # Materialised once: the counts, the samples, the coverage and the Parquet all read it.
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS SELECT {', '.join(selects)} FROM ("
        f"SELECT {', '.join(numbers)} FROM (SELECT {', '.join(flags)} FROM ("
        f"SELECT {', '.join(trims)} FROM src))) x {' '.join(joins)}"
    )


def _whole_number_cases(text: str) -> str:
    """How a whole-number column reads separators, whatever the mark of other columns: groups
    of three after one to three digits are thousands (``4,512``, ``3.876``; spaces are already
    gone from ``2 954``); one mark followed by other than three digits is a decimal mark
    (``4,5`` is four and a half, so "not a whole number"). Anything else follows the column's
    own decimal mark."""
    grouped = "[+-]?[0-9]{1,3}(\\.[0-9]{3})+|[+-]?[0-9]{1,3}(,[0-9]{3})+"
    single = "[+-]?[0-9]*[.,]([0-9]{1,2}|[0-9]{4,})"
    return (
        f"WHEN regexp_full_match({text}, '{grouped}') THEN "
        f"TRY_CAST(replace(replace({text}, '.', ''), ',', '') AS DOUBLE) "
        f"WHEN regexp_full_match({text}, '{single}') THEN "
        f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE) "
    )


def _with_cell_errors(col: _Column, error: str) -> list[str]:
    """The value and problem of ``col``, an error cell (``error`` true) first: no value, and
    its own finding."""
    i = col.index
    code = CELL_ERROR if col.rules.required else CELL_WARNING
    return [
        f"CASE WHEN {error} THEN NULL ELSE {col.value_sql} END AS v{i}",
        f"CASE WHEN {error} THEN '{code}' ELSE {col.problem_sql} END AS p{i}",
    ]


def _judge_distinct(ws: Workspace, col: _Column, judge: _ValueJudge) -> None:
    """Judge each distinct written value once; the verdicts become a table joined by the raw
    text, saying also whether that text is missing on purpose or a spreadsheet error."""
    source = f"c{col.index}"
    distinct = ws.con.execute(
        f"SELECT c, {_is_no_data('c')}, {_is_cell_error(_trimmed('c'))}, {_trimmed('c')} "
        f"FROM (SELECT DISTINCT {source} AS c FROM src) WHERE c IS NOT NULL"
    ).fetchall()
    raws: list[str] = []
    values: list[Any] = []
    problems: list[str | None] = []
    missing: list[bool] = []
    errors: list[bool] = []
    texts = [text for _raw, no_data, error, text in distinct if not no_data and not error]
    judge.prepare(list(dict.fromkeys(texts)))
    verdicts: dict[str, tuple[Any, str | None]] = {}
    for raw, no_data, error, text in distinct:
        raws.append(raw)
        missing.append(bool(no_data))
        errors.append(bool(error))
        if no_data or error:
            values.append(None)
            problems.append(None)
            continue
        if text not in verdicts:
            verdict = judge.judge(text)
            problem = f"{verdict.severity}:{len(col.messages)}" if verdict.severity else None
            if verdict.severity:
                col.messages.append(verdict.problem)
                col.suggestions.append(verdict.suggestion)
            verdicts[text] = (verdict.value, problem)
        value, problem = verdicts[text]
        values.append(value)
        problems.append(problem)
    kind = SQL_TYPES[DataType(col.variable.data_type)]
    value_type = pa.date32() if kind == "DATE" else pa.string()
    verdict_table = pa.table(  # noqa: F841 (read by DuckDB)
        {
            "raw": pa.array(raws, pa.string()),
            "val": pa.array(values, value_type),
            "problem": pa.array(problems, pa.string()),
            "m": pa.array(missing, pa.bool_()),
            "x": pa.array(errors, pa.bool_()),
        }
    )
    ws.con.execute(f"CREATE OR REPLACE TABLE judged_{col.index} AS SELECT * FROM verdict_table")


def _finding_for(
    ws: Workspace,
    col: _Column,
    row: int,
    raw: str | None,
    problem: str,
    read: float | None = None,
) -> Finding:
    text = (raw or "").strip()[:100]
    if problem in (CELL_ERROR, CELL_WARNING):
        return _cell_error_finding(ws, col, row, text, problem)
    if problem == REQUIRED:
        return Finding(
            ERROR,
            ws.sheet,
            row,
            col.name,
            text,
            _("This column may not be empty."),
            _("Fill in the value, or ask the Walidata whether it may be missing."),
        )
    if col.judged:
        severity, position = problem.split(":", 1)
        n = int(position)
        return Finding(severity, ws.sheet, row, col.name, text, col.messages[n], col.suggestions[n])
    message, suggestion = _number_message(problem, col, read)
    return Finding(ERROR, ws.sheet, row, col.name, text, message, suggestion)


def check(
    ws: Workspace,
    mapping: dict[int, Variable],
    *,
    region_within: str | None = None,
    key_columns: Iterable[int] = (),
    excluded: Iterable[int] = (),
    period: tuple[int, str] | None = None,
    progress: Progress = _no_progress,
) -> CheckResult:
    """Every finding for the loaded table read with ``mapping`` (column index -> variable).

    A column that is neither mapped nor ``excluded`` (marked "not published" by the producer)
    blocks: data leaves the agency only with every column accounted for.
    """
    findings: list[Finding] = list(ws.read_findings)
    errors, warnings = ws.read_errors, len(ws.read_findings) - ws.read_errors
    left_out = set(excluded)
    for index, column in enumerate(ws.columns):
        if index in mapping:
            continue
        if index in left_out:
            findings.append(
                Finding(
                    WARNING,
                    ws.sheet,
                    None,
                    column,
                    "",
                    _("Marked as not published: this column is not stored."),
                )
            )
            warnings += 1
            continue
        findings.append(
            Finding(
                ERROR,
                ws.sheet,
                None,
                column,
                "",
                _("This column matches no variable in the metadata."),
                _(
                    "Choose its variable below, or mark it as not published; or add the "
                    "variable to the metadata."
                ),
            )
        )
        errors += 1
    unit_findings = [f for f in (_unit_finding(ws, i, v) for i, v in mapping.items()) if f]
    findings.extend(unit_findings)
    warnings += len(unit_findings)
    columns = [
        _Column(i, ws.columns[i], v, compile_rules(v.rules)) for i, v in sorted(mapping.items())
    ]
    regions = RegionReference(within=region_within)
    judges = {c.index: _ValueJudge(c.variable, c.rules, regions) for c in columns}
    _prepare(ws, columns, judges)
    if columns:
        counts = ws.con.execute(
            "SELECT "
            + ", ".join(
                f"count(*) FILTER (WHERE p{c.index} LIKE 'error%' OR p{c.index} IN "
                f"('required','not_number','not_whole','not_year','below_min','above_max')), "
                f"count(*) FILTER (WHERE p{c.index} LIKE 'warning%')"
                for c in columns
            )
            + " FROM typed"
        ).fetchone()
        assert counts is not None
        for n, _col in enumerate(columns):
            errors += counts[2 * n]
            warnings += counts[2 * n + 1]
    for done, col in enumerate(columns, start=1):
        progress("check", done, len(columns))
        read = f"r{col.index}" if col.variable.data_type in NUMERIC_KINDS else "NULL"
        rows = ws.con.execute(
            f"SELECT _row, p{col.index}, {read} FROM typed "
            f"WHERE p{col.index} IS NOT NULL ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
        ).fetchall()
        if not rows:
            continue
        # The text as written, for the few rows reported (typed keeps only values).
        written = dict(
            ws.con.execute(
                f"SELECT _row, c{col.index} FROM src WHERE _row IN "
                f"({', '.join(str(int(r)) for r, _p, _n in rows)})"
            ).fetchall()
        )
        findings.extend(
            _finding_for(ws, col, row, written.get(row), problem, number)
            for row, problem, number in rows
        )
    found, rule_errors = check_row_rules(ws, columns, period_year=period[0] if period else None)
    findings.extend(found)
    errors += rule_errors
    warnings += sum(1 for f in found if not f.is_error)
    found, pair_errors = check_region_pairs(ws, columns, judges)
    findings.extend(found)
    errors += pair_errors
    keys = [i for i in key_columns if 0 <= i < len(ws.columns)]
    found, duplicate_errors, duplicate_warnings = _duplicates(ws, keys)
    findings.extend(found)
    errors += duplicate_errors
    warnings += duplicate_warnings
    if period:
        coverage = _coverage(ws, columns, *period)
        findings.extend(coverage)
        warnings += len(coverage)
    return CheckResult(
        [ws.placed(f) for f in findings],
        errors,
        warnings,
        ws.rows,
        missing_values(ws, columns),
        decimal_notices(ws, columns),
    )


def _region_pairs(
    columns: list[_Column], judges: dict[int, _ValueJudge]
) -> list[tuple[_Column, _Column, int, RegionResolver]]:
    """(code column, name column, the name column's level) triples: a region column written
    mostly in codes, and a region column written mostly in names or a text column declaring a
    region level, at the code's level or above it (a desa code beside its kecamatan's name)."""
    codes: list[tuple[_Column, int, RegionResolver]] = []
    names: list[tuple[_Column, int]] = []
    for col in columns:
        resolver = judges[col.index].resolver
        if resolver is not None and resolver.level:
            if resolver.written_as_code >= resolver.written_as_name:
                codes.append((col, resolver.level, resolver))
            else:
                names.append((col, resolver.level))
        elif col.variable.data_type == DataType.TEXT and col.variable.region_level:
            names.append((col, col.variable.region_level))
    return [
        (code_col, name_col, name_level, resolver)
        for code_col, level, resolver in codes
        for name_col, name_level in names
        if level >= name_level
    ]


def check_region_pairs(
    ws: Workspace, columns: list[_Column], judges: dict[int, _ValueJudge]
) -> tuple[list[Finding], int]:
    """Rows whose code and name columns name different regions ("18.10.03" beside
    "Pagelaran", or a desa code beside another kecamatan's name). Set-based: each distinct
    (code, name) pair is judged once, then the pairs that disagree are joined back to the rows."""
    findings: list[Finding] = []
    errors = 0
    for code_col, name_col, level, resolver in _region_pairs(columns, judges):
        found, count = _disagreeing_rows(ws, code_col, name_col, level, resolver)
        findings.extend(found)
        errors += count
    return findings, errors


def _disagreeing_rows(
    ws: Workspace, code_col: _Column, name_col: _Column, level: int, resolver: RegionResolver
) -> tuple[list[Finding], int]:
    a, b = code_col.index, name_col.index
    pairs = ws.con.execute(
        f"SELECT DISTINCT v{a}, v{b} FROM typed WHERE v{a} IS NOT NULL AND v{b} IS NOT NULL"
    ).fetchall()
    bad = resolver.disagreeing(
        pairs, level=level, names_as_codes=name_col.variable.data_type == DataType.REGION
    )
    if not bad:
        return [], 0
    disagreeing = pa.table(  # noqa: F841 (read by DuckDB)
        {
            "code": pa.array([c for c, _n in bad], pa.string()),
            "name": pa.array([n for _c, n in bad], pa.string()),
        }
    )
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE region_pairs AS SELECT t._row, t.v{a}, t.v{b} "
        f"FROM typed t JOIN disagreeing d ON t.v{a} = d.code AND t.v{b} = d.name"
    )
    count = int(ws.scalar("SELECT count(*) FROM region_pairs"))
    rows = ws.con.execute(
        f"SELECT * FROM region_pairs ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    found = []
    for row, code, name in rows:
        region, written = bad[(code, name)]
        message = (
            _("The code %(code)s is %(region)s, but the name column says %(name)s.")
            if code.count(".") + 1 == level
            else _("The code %(code)s lies in %(region)s, but the name column says %(name)s.")
        )
        found.append(
            Finding(
                ERROR,
                ws.sheet,
                row,
                f"{code_col.name} / {name_col.name}",
                f"{code} / {written}",
                message % {"code": code, "region": region, "name": written},
                _("Correct the code or the name so that both mean the same region."),
            )
        )
    return found, count


_RULE_KINDS = {
    DataType.INTEGER: rule_language.INTEGER,
    DataType.YEAR: rule_language.INTEGER,
    DataType.DECIMAL: rule_language.NUMBER,
    DataType.DATE: rule_language.DATE,
}


def _rule_columns(columns: list[_Column]) -> dict[str, rule_language.Column]:
    """Each name a rule may use for a mapped column: the stored name, the variable's name and
    its alias."""
    named: dict[str, rule_language.Column] = {}
    for col in columns:
        kind = _RULE_KINDS.get(DataType(col.variable.data_type), rule_language.TEXT)
        for name in (column_name(col.variable), col.variable.name, col.variable.alias):
            if name:
                named.setdefault(name, rule_language.Column(f"v{col.index}", kind))
    return named


def check_row_rules(
    ws: Workspace, columns: list[_Column], *, period_year: int | None
) -> tuple[list[Finding], int]:
    """The rules across columns (``jumlah == laki_laki + perempuan``) over ``typed``: one SQL
    pass counts the rows breaking each rule, then the first rows of each broken rule are
    fetched with the values involved. Returns the findings and the number of rows in error."""
    named = _rule_columns(columns)
    rules = list({r.text: r for col in columns for r in col.rules.across}.values())
    findings: list[Finding] = []
    checked: list[tuple[CrossRule, str]] = []
    for rule in rules:
        absent = rule_language.unknown_names(rule, named)
        if absent:
            findings.append(_rule_not_checked(ws, rule, absent))
            continue
        try:
            checked.append((rule, rule_language.to_sql(rule, named, period_year=period_year)))
        except RuleSyntaxError as error:
            findings.append(_rule_not_checked(ws, rule, [], str(error)))
    counts = _count_broken(ws, checked)
    errors = 0
    for (rule, sql), count in zip(checked, counts, strict=True):
        if count is None:
            findings.append(_rule_not_checked(ws, rule, [], _("The columns' types do not fit.")))
        elif count:
            errors += count
            findings.extend(_broken_rows(ws, rule, sql, named))
    return findings, errors


def _count_broken(ws: Workspace, checked: list[tuple[CrossRule, str]]) -> list[int | None]:
    """Rows breaking each rule, all counted in one scan; a rule DuckDB cannot run is None."""
    if not checked:
        return []
    filters = [f"count(*) FILTER (WHERE NOT coalesce({sql}, TRUE))" for _rule, sql in checked]
    try:
        row = ws.con.execute(f"SELECT {', '.join(filters)} FROM typed").fetchone()
        return list(row) if row else [0] * len(checked)
    except duckdb.Error:
        pass
    # One rule does not run (text against a number, an overflow): find which, one by one.
    counts: list[int | None] = []
    for one in filters:
        try:
            counts.append(int(ws.scalar(f"SELECT {one} FROM typed")))
        except duckdb.Error:
            counts.append(None)
    return counts


def _broken_rows(
    ws: Workspace, rule: CrossRule, sql: str, named: dict[str, rule_language.Column]
) -> list[Finding]:
    keys = {rule_language.name_key(k): c for k, c in named.items()}
    used = [(name, keys[rule_language.name_key(name)].sql) for name in rule.names]
    selects = ", ".join(["_row", *(column for _name, column in used)]) if used else "_row"
    rows = ws.con.execute(
        f"SELECT {selects} FROM typed WHERE NOT coalesce({sql}, TRUE) "
        f"ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    label = ", ".join(name for name, _c in used)
    found = []
    for row, *values in rows:
        by_name = dict(zip((name for name, _c in used), values, strict=True))
        found.append(
            Finding(
                ERROR,
                ws.sheet,
                row,
                label,
                " / ".join(rule_language.shown(v) for v in values),
                _("The row breaks the rule: %(broken)s.")
                % {"broken": rule_language.broken(rule, by_name)},
                _("Correct the values of this row; the rule is %(rule)s.") % {"rule": rule.text},
            )
        )
    return found


def _rule_not_checked(ws: Workspace, rule: CrossRule, absent: list[str], why: str = "") -> Finding:
    if absent:
        why = _("This table has no column %(names)s.") % {"names": ", ".join(absent)}
    return Finding(
        WARNING,
        ws.sheet,
        None,
        ", ".join(rule.names),
        rule.text,
        _("The rule “%(rule)s” was not checked: %(why)s") % {"rule": rule.text, "why": why},
        _("Add the column, or correct the rule in the variable's metadata (MS-Var)."),
    )


MISSING_PLACES = 5


def missing_values(ws: Workspace, columns: list[_Column]) -> dict[str, dict[str, Any]]:
    """Per column, the cells that say "no data": how many, each marker as written with its
    count, and where the first few are. One grouped scan per column; the places are the
    smallest rows of each marker, so no list grows with the table."""
    report: dict[str, dict[str, Any]] = {}
    if not columns:
        return report
    # The typed table knows which cells said "no data": one pass counts them all, and only a
    # column that has some is grouped by marker.
    counts = ws.con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE nd{c.index})" for c in columns)
        + " FROM typed"
    ).fetchall()[0]
    for col, count in zip(columns, counts, strict=True):
        if not count:
            continue
        source = f"c{col.index}"
        groups = ws.con.execute(
            f"SELECT coalesce({_trimmed(source)}, '') AS marker, count(*), "
            f"min(_row, {MISSING_PLACES}) FROM src WHERE {_is_no_data(source)} "
            f"GROUP BY marker ORDER BY count(*) DESC, marker"
        ).fetchall()
        if not groups:
            continue
        rows = sorted(row for _marker, _count, first in groups for row in first)
        places = [ws.place(row) for row in rows[:MISSING_PLACES]]
        report[col.name] = {
            "count": sum(count for _marker, count, _first in groups),
            "markers": [{"marker": marker, "count": count} for marker, count, _f in groups[:10]],
            "places": [{"sheet": sheet, "row": row} for sheet, row in places],
        }
    return report


def decimal_notices(ws: Workspace, columns: list[_Column]) -> list[Notice]:
    """Per number column written with marks: which mark was read as decimal, and what was done
    with the other one (thousands separators removed)."""
    notices = []
    for col in columns:
        mark = col.decimal_mark
        if not mark or col.index in ws.typed_numbers:
            continue
        thousands = "." if mark == "," else ","
        # fetchall, not fetchone: an unfinished result would block the Parquet writer's reader.
        ((grouped,),) = ws.con.execute(
            f"SELECT count(*) FILTER (WHERE CASE WHEN contains(c{col.index}, "
            f"{sql_text(thousands)}) THEN NOT {_is_missing(f'c{col.index}')} ELSE false END) "
            "FROM src"
        ).fetchall()
        notices.append(Notice("decimal_mark", _decimal_message(col.name, mark, grouped)))
    return notices


def _decimal_message(column: str, mark: str, grouped: int) -> str:
    if mark == ",":
        if grouped:
            return _(
                "Column %(column)s: the comma is read as the decimal mark; the points in "
                "%(count)s values were read as thousands separators and removed."
            ) % {"column": column, "count": grouped}
        return _("Column %(column)s: the comma is read as the decimal mark.") % {"column": column}
    if grouped:
        return _(
            "Column %(column)s: the point is read as the decimal mark; the commas in "
            "%(count)s values were read as thousands separators and removed."
        ) % {"column": column, "count": grouped}
    return _("Column %(column)s: the point is read as the decimal mark.") % {"column": column}


def _has_repeats(ws: Workspace, columns: list[int]) -> bool:
    """Whether two rows agree on ``columns`` (trimmed, any case): one hash aggregate, far cheaper
    than the window passes that name the rows, which run only when it finds something. An
    exact copy shares its original's key, so with a key this also rules out copies."""
    if all(_reads_alike(ws, i) for i in columns):
        # No two written values of any column become one once trimmed and lowered: the texts
        # as written can be grouped, without trimming a million cells.
        group = ", ".join(f"c{i}" for i in columns)
    else:
        group = ", ".join(f"lower(coalesce({_trimmed(f'c{i}')}, ''))" for i in columns)
    return bool(
        ws.con.execute(f"SELECT 1 FROM src GROUP BY {group} HAVING count(*) > 1 LIMIT 1").fetchall()
    )


def _reads_alike(ws: Workspace, index: int) -> bool:
    """Whether trimming and lowering keeps the distinct texts of a column distinct (a null and
    an empty text count as one)."""
    ((written, compared),) = ws.con.execute(
        f"SELECT count(*), count(DISTINCT lower(coalesce({_trimmed('c')}, ''))) "
        f"FROM (SELECT DISTINCT c{index} AS c FROM src)"
    ).fetchall()
    return bool(written == compared)


def _duplicates(ws: Workspace, keys: list[int]) -> tuple[list[Finding], int, int]:
    """Rows pasted twice and rows that share a key: the findings, the errors, the warnings.

    Two kinds, each naming both rows: an exact copy (every cell the same, once trimmed) of an
    earlier row, and a row with the key of an earlier row but other values, with the first
    column where they differ. Without a declared key a copy is only a warning (some tables
    repeat rows on purpose); with one, both kinds block. Set-based: two window passes and a
    join, whatever the number of rows.
    """
    cells = [f"c{i}" for i in range(len(ws.columns))]
    if not cells or not _has_repeats(ws, keys or list(range(len(cells)))):
        return [], 0, 0
    trimmed = ", ".join(f"{_trimmed(c)} AS {c}" for c in cells)
    conflicts = ""
    if keys:
        key = ", ".join(f"lower(coalesce(c{i}, ''))" for i in keys)
        differs = " ".join(
            f"WHEN k.{c} IS DISTINCT FROM f.{c} THEN {n}" for n, c in enumerate(cells)
        )
        # Only the first of each set of copies is compared by key: a copy is reported once.
        conflicts = (
            f", k AS (SELECT *, min(_row) OVER (PARTITION BY {key}) AS first FROM e "
            f"WHERE same = _row) "
            f"SELECT k._row, k.first, 'key' AS kind, CASE {differs} END AS diff "
            f"FROM k JOIN t f ON f._row = k.first WHERE k._row <> k.first UNION ALL"
        )
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE dup AS WITH t AS (SELECT _row, {trimmed} FROM src), "
        f"e AS (SELECT *, min(_row) OVER (PARTITION BY {', '.join(cells)}) AS same FROM t)"
        f"{conflicts} SELECT _row, same AS first, 'same' AS kind, NULL::INTEGER AS diff "
        f"FROM e WHERE same <> _row"
    )
    counts = dict(ws.con.execute("SELECT kind, count(*) FROM dup GROUP BY kind").fetchall())
    sample = ws.con.execute(
        f"SELECT _row, first, kind, diff FROM dup ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    involved = {int(r) for row, first, _k, _d in sample for r in (row, first)}
    written = {
        int(r[0]): [(c or "").strip()[:100] for c in r[1:]]
        for r in ws.con.execute(
            f"SELECT _row, {', '.join(cells)} FROM src WHERE _row IN "
            f"({', '.join(str(n) for n in sorted(involved)) or 'NULL'})"
        ).fetchall()
    }
    label = ", ".join(ws.columns[i] for i in keys)
    found = []
    for row, first, kind, diff in sample:
        value = " / ".join(written[row][i] for i in keys)
        if kind == "same":
            found.append(_copy_finding(ws, row, first, label, value, bool(keys)))
        else:
            message = _(
                "Row %(row)s has the same key as row %(first)s but other values: column "
                "%(column)s %(value)s ≠ %(other)s."
            ) % {
                "row": ws.row_label(row),
                "first": ws.row_label(first),
                "column": ws.columns[diff],
                "value": written[row][diff] or "—",
                "other": written[first][diff] or "—",
            }
            found.append(
                Finding(
                    ERROR,
                    ws.sheet,
                    row,
                    label,
                    value,
                    message,
                    _("Correct the key of one of the two rows, or remove the wrong one."),
                )
            )
    copies = counts.get("same", 0)
    errors = counts.get("key", 0) + (copies if keys else 0)
    return found, errors, 0 if keys else copies


def _copy_finding(
    ws: Workspace, row: int, first: int, label: str, value: str, keyed: bool
) -> Finding:
    return Finding(
        ERROR if keyed else WARNING,
        ws.sheet,
        row,
        label,
        value,
        _("Row %(row)s is an exact copy of row %(first)s.")
        % {"row": ws.row_label(row), "first": ws.row_label(first)},
        _("Remove one of the two rows.")
        if keyed
        else _(
            "Remove one of the two rows; if the table repeats rows on purpose, ignore this warning."
        ),
    )


_UNIT_IN_HEADER = re.compile(r"[\(\[]\s*([^\)\]]+?)\s*[\)\]]\s*$")
_UNIT_SYNONYMS = {"orang": "jiwa", "km2": "km²", "persen": "%", "rp": "rupiah"}


def _unit_key(text: str) -> str:
    key = re.sub(r"[\s.]+", "", text.lower())
    return _UNIT_SYNONYMS.get(key, key)


def _unit_finding(ws: Workspace, index: int, variable: Variable) -> Finding | None:
    """A header that names a unit other than the variable's (``Luas (ha)`` against km²)."""
    match = _UNIT_IN_HEADER.search(ws.columns[index])
    if not match or not variable.unit or _unit_key(match.group(1)) == _unit_key(variable.unit):
        return None
    return Finding(
        WARNING,
        ws.sheet,
        None,
        ws.columns[index],
        match.group(1),
        _("The column names the unit “%(found)s”; the metadata says “%(unit)s”.")
        % {"found": match.group(1), "unit": variable.unit},
        _("Convert the values to %(unit)s, or correct the metadata.") % {"unit": variable.unit},
    )


def _coverage(ws: Workspace, columns: list[_Column], year: int, frequency: str) -> list[Finding]:
    """Whether the table covers the Daftar Data year at the item's frequency."""
    found: list[Finding] = []
    for col in columns:
        kind = col.variable.data_type
        if kind == DataType.YEAR:
            years = {
                int(y)
                for (y,) in ws.con.execute(
                    f"SELECT DISTINCT v{col.index} FROM typed WHERE v{col.index} IS NOT NULL"
                ).fetchall()
            }
            if years and year not in years:
                found.append(
                    Finding(
                        WARNING,
                        ws.sheet,
                        None,
                        col.name,
                        ", ".join(str(y) for y in sorted(years)[-5:]),
                        _("The table has no rows for %(year)s, the year of this Daftar Data.")
                        % {"year": year},
                        _("Add the data of %(year)s, or upload it to the right year's item.")
                        % {"year": year},
                    )
                )
        elif kind == DataType.DATE and frequency in ("bulanan", "triwulanan"):
            months = {
                m
                for (m,) in ws.con.execute(
                    f"SELECT DISTINCT month(v{col.index}) FROM typed "
                    f"WHERE year(v{col.index}) = {int(year)}"
                ).fetchall()
            }
            wanted = set(range(1, 13)) if frequency == "bulanan" else {3, 6, 9, 12}
            if frequency == "triwulanan":
                months = {((m - 1) // 3 + 1) * 3 for m in months}
            absent = sorted(wanted - months)
            if absent:
                names = ", ".join(dt.date(year, m, 1).strftime("%m/%Y") for m in absent)
                found.append(
                    Finding(
                        WARNING,
                        ws.sheet,
                        None,
                        col.name,
                        "",
                        _("Periods of %(year)s without rows: %(periods)s.")
                        % {"year": year, "periods": names},
                        _("Add the missing periods, or explain them in a note to the Walidata."),
                    )
                )
    return found


# --- Writing what passed ---------------------------------------------------------------------

_ARROW = {
    DataType.INTEGER: pa.int64(),
    DataType.YEAR: pa.int16(),
    DataType.DECIMAL: pa.float64(),
    DataType.DATE: pa.date32(),
    DataType.TEXT: pa.string(),
    DataType.REGION: pa.string(),
    DataType.CATEGORY: pa.string(),
}


_NOT_IDENTIFIER = re.compile(r"[^a-z0-9_]+")


def column_name(variable: Variable) -> str:
    """The stored column's name: the MS-Var alias (or name) as the metadata writes it, made a
    safe identifier only by lower-casing and turning other characters into ``_``.

    Never through the region-name normaliser: that one drops words such as "kabupaten" and
    "kota", which would turn ``kabupaten_kota`` into an empty name.
    """
    base = (variable.alias or variable.name).strip().lower()
    name = re.sub(r"_{2,}", "_", _NOT_IDENTIFIER.sub("_", base)).strip("_")
    return name or f"v{variable.pk}"


def write_parquet(
    ws: Workspace,
    mapping: dict[int, Variable],
    target: Path,
    *,
    meta: dict[str, str],
    progress: Progress = _no_progress,
) -> list[dict[str, str]]:
    """The mapped columns, typed, as Parquet at ``target``; a description of each column.

    Written batch by batch from the ``typed`` view, so memory stays flat whatever the size.
    """
    fields, selects, described, used = [], [], [], set()
    for index, variable in sorted(mapping.items()):
        name = column_name(variable)
        while name in used:
            name += "_"
        used.add(name)
        field_meta = {
            "variable": variable.name,
            "unit": variable.unit,
            "source_column": ws.columns[index],
            "data_type": variable.data_type,
        }
        fields.append(pa.field(name, _ARROW[DataType(variable.data_type)], metadata=field_meta))
        selects.append(f"v{index}")
        described.append({"name": name, **field_meta})
    schema = pa.schema(fields, metadata=meta)
    reader = ws.con.sql(f"SELECT {', '.join(selects)} FROM typed ORDER BY _row").to_arrow_reader(
        BATCH_ROWS
    )
    written = 0
    with pq.ParquetWriter(str(target), schema, compression="zstd") as writer:
        for batch in reader:
            arrays = [batch.column(i).cast(schema.field(i).type) for i in range(batch.num_columns)]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            written += batch.num_rows
            progress("store", written, ws.rows)
    return described
