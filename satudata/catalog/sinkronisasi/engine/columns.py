"""Typing a column and judging its values: one SQL expression per column, distinct values
judged once in Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    WARNING,
    WHITESPACE,
    Finding,
    Workspace,
    sql_text,
)
from satudata.catalog.sinkronisasi.reading.values import (
    ERROR_MARKERS,
    MISSING,
    NO_DATA_MARKERS,
    infer_decimal_mark,
    is_missing,
    parse_date,
)
from satudata.catalog.sinkronisasi.rules import Rules
from satudata.regions.names import name_key
from satudata.regions.resolving import RegionReference, RegionResolver

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


def trimmed_sql(column: str) -> str:
    return f"trim({column}, {sql_text(WHITESPACE)})"


def missing_sql(column: str) -> str:
    """No value, on purpose (``-``, ``n/a``, empty) or not (``#REF!``): nothing to type."""
    return (
        f"({column} IS NULL OR lower({trimmed_sql(column)}) IN ({_MISSING_SQL}) "
        f"OR {_is_cell_error(trimmed_sql(column))})"
    )


def no_data_sql(column: str) -> str:
    """A cell that says "no data" (``-``, ``…``, ``n/a``, empty): a null, listed per column."""
    return f"({column} IS NULL OR lower({trimmed_sql(column)}) IN ({_MISSING_SQL}))"


def _is_no_data_trimmed(trimmed: str) -> str:
    """``no_data_sql`` for a text already trimmed (markers are at most 14 characters)."""
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


def _cell_error_finding(ws: Workspace, col: Column, row: int, text: str, code: str) -> Finding:
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


class ValueJudge:
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
class Column:
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
    # The distinct values a judged column was read as (its region codes, its labels).
    values: set[Any] = field(default_factory=set)
    # A column read once per distinct text: the table of verdicts (``raw`` the text, ``v`` the
    # value, ``p`` the problem, ``nd`` whether it says "no data", ``r`` the number as read,
    # ``n`` how many cells hold it, a null text included); ``typed`` then holds only its value.
    verdicts: str = ""
    # Its cells with an error, with a warning and saying "no data", counted from the verdicts.
    tally: tuple[int, int, int] = (0, 0, 0)


def _number_problems(col: Column, number: str) -> str:
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


def _number_message(code: str, col: Column, read: float | None = None) -> tuple[str, str]:
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


def _plain_number(col: Column) -> str:
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


# A number of the plainest shape — digits, one mark, then other than three digits — is a vote
# of 2 for that mark in infer_decimal_mark and nothing for the other: such numbers are counted
# in SQL, and only the others go through Python.
_PLAIN_DECIMAL = {mark: f"[0-9]+\\{mark}([0-9]{{1,2}}|[0-9]{{4,}})" for mark in ".,"}


def _decimal_mark(ws: Workspace, index: int) -> tuple[str, bool]:
    """The decimal mark of number column ``index``, from up to 5,000 of its written numbers
    that carry a point or a comma, and whether there were any."""
    plain = {mark: f"regexp_full_match(c, '{pattern}')" for mark, pattern in _PLAIN_DECIMAL.items()}
    row = ws.con.execute(
        f"SELECT count(*) FILTER (WHERE {plain['.']}), count(*) FILTER (WHERE {plain[',']}), "
        f"list(c) FILTER (WHERE NOT {plain['.']} AND NOT {plain[',']}) FROM ("
        f"SELECT c{index} AS c FROM src WHERE contains(c{index}, '.') OR contains(c{index}, ',') "
        "LIMIT 5000)"
    ).fetchone()
    dots, commas, others = row if row else (0, 0, [])
    rest = [v for v in others or [] if not is_missing(v)]
    mark = infer_decimal_mark(rest, {".": 2 * dots, ",": 2 * commas})
    return mark, bool(dots or commas or rest)


# A number column with at most this many distinct texts is read once per text (its cells then
# take their values by a cast or a join, see _verdict_value); one with more is read cell by
# cell (a table of verdicts that size costs more than it saves).
DISTINCT_NUMBERS = 100_000
# A column read once per distinct text is read by a cast of its cells when at most this many of
# its texts read otherwise than the cast (listed in the cast's CASE); with more, by a join.
CAST_EXCEPTIONS = 64


def prepare_columns(ws: Workspace, columns: list[Column], judges: dict[int, ValueJudge]) -> None:
    """Build ``typed``: a value ``v<i>`` per mapped column, and a problem ``p<i>`` for a column
    read cell by cell (a column read by distinct text has its problems in its verdicts).

    In layers, so that each cell is trimmed, tested for a missing marker and read as a number
    once: ``t`` the trimmed text, ``m`` whether it is missing, ``b`` the number's characters,
    ``n`` the number; the last layer takes the values of the columns read by distinct text and
    says the problems of the others.
    A number written plainly (``g``) skips the layers: a bare cast reads it. A number column
    with few distinct texts (years, counts) goes through the layers once per distinct text, in
    a table of verdicts, like a column judged value by value (dates, regions, codes), whose
    verdicts also say whether the text is missing or an error display; its cells are then read
    by a cast or by a join of the verdicts (see ``_verdict_value``). When every column is read
    by a cast, ``typed`` is a view: nothing is copied, and the rows stay in the file's order.
    """
    trims, flags, numbers, selects = ["_row"], ["*"], ["*"], ["_row"]
    joins: list[str] = []
    every_cast = True
    spaces = sql_text(WHITESPACE)
    numeric = [c.index for c in columns if c.variable.data_type in NUMERIC_KINDS]
    distinct_counts = (
        ws.con.execute(
            "SELECT " + ", ".join(f"approx_count_distinct(c{i})" for i in numeric) + " FROM src"
        ).fetchone()
        if numeric
        else ()
    )
    few_texts = {
        i for i, n in zip(numeric, distinct_counts or (), strict=True) if n <= DISTINCT_NUMBERS
    }
    for col in columns:
        i = col.index
        kind = col.variable.data_type
        missing, error = f"m{i}", f"x{i}"
        if kind in NUMERIC_KINDS:
            layers = _number_layers(ws, col, spaces)
            if i in few_texts:
                _read_distinct_numbers(ws, col, layers)
                trims.append(f"c{i}")
                selects.append(_verdict_value(ws, col, joins))
                continue
            every_cast = False
            trims += layers.trims
            flags += layers.flags
            numbers += layers.numbers
        elif kind == DataType.TEXT and col.rules.pattern is None and col.rules.max_length is None:
            every_cast = False
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
            selects.append(_verdict_value(ws, col, joins))
            continue
        value, problem = _with_cell_errors(col, error)
        selects += [f"{value} AS v{i}", f"{problem} AS p{i}"]
        selects.append(f"{missing} AS nd{i}")  # "no data" written: counted by missing_values
        if kind in NUMERIC_KINDS:
            selects.append(f"n{i} AS r{i}")  # the number as read, for the messages
            selects.append(f"{layers.separated} AS s{i}")  # counted by separator_counts
    # A table, made once: the counts, the samples, the coverage and the Parquet all read it.
    # When every value is a cast of its text, a view costs less than the copy: reading it
    # again is a scan of ``src`` with the casts.
    every_cast = every_cast and not joins
    ws.con.execute(
        f"CREATE OR REPLACE TEMP {'VIEW' if every_cast else 'TABLE'} typed AS "
        f"SELECT {', '.join(selects)} FROM ("
        f"SELECT {', '.join(numbers)} FROM (SELECT {', '.join(flags)} FROM ("
        f"SELECT {', '.join(trims)} FROM src))) x {' '.join(joins)}"
    )
    # Without a join, ``typed`` keeps the rows in the order of ``src``.
    ws.typed_in_order = ws.src_in_order and not joins


def _verdict_value(ws: Workspace, col: Column, joins: list[str]) -> str:
    """The select of the value of ``col``, a column read once per distinct text.

    Every distinct written text has its verdict, with the value already final (none for an
    error display or a text missing on purpose); a null cell finds none. Most verdicts' values
    are what a plain cast of the text gives (clean codes, years, counts written as digits); a
    column where at most ``CAST_EXCEPTIONS`` texts read otherwise (a code list's codes read as
    labels, a few region names) is read by the cast with those texts listed, which keeps the
    rows in order and costs less than a join. The same values, cell for cell: a cast gives the
    same value for the same text. Otherwise the verdicts are joined back by the text, adding to
    ``joins``.
    """
    i = col.index
    kind = SQL_TYPES[DataType(col.variable.data_type)]
    cast = f"TRY_CAST(c{i} AS {kind})"
    exceptions = ws.con.execute(
        f"SELECT raw, CAST(v AS VARCHAR) FROM {col.verdicts} WHERE raw IS NOT NULL "
        f"AND v IS DISTINCT FROM TRY_CAST(raw AS {kind}) LIMIT {CAST_EXCEPTIONS + 1}"
    ).fetchall()
    if len(exceptions) <= CAST_EXCEPTIONS and all(
        _literal_safe(text) for pair in exceptions for text in pair
    ):
        if not exceptions:
            return f"{cast} AS v{i}"
        cases = " ".join(
            f"WHEN {sql_text(raw)} THEN "
            + ("NULL" if value is None else f"CAST({sql_text(value)} AS {kind})")
            for raw, value in exceptions
        )
        return f"CASE c{i} {cases} ELSE {cast} END AS v{i}"
    joins.append(f"LEFT JOIN {col.verdicts} j{i} ON j{i}.raw = x.c{i}")
    return f"j{i}.v AS v{i}"


def _literal_safe(text: str | None) -> bool:
    """Whether ``text`` may be written into the SQL as a literal: short, and without NUL."""
    return text is None or (len(text) <= 200 and "\x00" not in text)


@dataclass
class _Layers:
    """The expressions that read a number column, layer by layer (see prepare_columns)."""

    trims: list[str]
    flags: list[str]
    numbers: list[str]
    # Whether the cell's number was read with thousands separators removed (over the layers).
    separated: str


def _number_layers(ws: Workspace, col: Column, spaces: str) -> _Layers:
    """The layers that read number column ``col``; its value and problem expressions are set on
    the column. The column's decimal mark is inferred from a sample of its written numbers."""
    i = col.index
    kind = col.variable.data_type
    mark, marked = _decimal_mark(ws, i)
    col.decimal_mark = mark if marked else ""
    thousands = "." if mark == "," else ","
    col.mark = mark
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
    return _Layers(
        trims=[
            f"c{i}",
            f"{_plain_number(col)} AS g{i}",
            f"CASE WHEN g{i} THEN c{i} ELSE trim(c{i}, {spaces}) END AS t{i}",
        ],
        flags=[
            f"CASE WHEN g{i} THEN false ELSE {_is_no_data_trimmed(f't{i}')} END AS m{i}",
            f"CASE WHEN g{i} THEN false ELSE {_is_cell_error(f't{i}')} END AS x{i}",
            # The number's characters: no percent sign, spaces or apostrophes (1'234).
            f"CASE WHEN g{i} THEN NULL ELSE replace(replace(replace(rtrim(rtrim(t{i}, "
            f"'%'), {spaces}), ' ', ''), chr(160), ''), chr(39), '') END AS b{i}",
            f"CASE WHEN g{i} THEN false ELSE suffix(t{i}, '%') END AS pct{i}",
        ],
        numbers=[
            f"CASE WHEN g{i} THEN TRY_CAST(c{i} AS DOUBLE) ELSE "
            f"(CASE {_whole_number_cases(f'b{i}') if kind == DataType.INTEGER else ''}"
            f"WHEN regexp_full_match(b{i}, '[+-]?[0-9.,]*[0-9][0-9.,]*') THEN "
            f"TRY_CAST(replace(replace(b{i}, {sql_text(thousands)}, ''), {sql_text(mark)}, "
            f"'.') AS DOUBLE) END) / CASE WHEN pct{i} THEN 100.0 ELSE 1.0 END END AS n{i}"
        ],
        separated=f"CASE WHEN g{i} OR m{i} OR n{i} IS NULL THEN false ELSE "
        f"{_separators_removed(col, f'b{i}', f't{i}', thousands)} END",
    )


def _separators_removed(col: Column, number: str, text: str, thousands: str) -> str:
    """Whether reading ``number`` (the characters of trimmed ``text``) removed thousands
    separators: in a whole-number column, spaces or apostrophes between digits, groups of
    three after either mark, or the column's own thousands mark (as ``_whole_number_cases``
    and the cast read them); in other columns, the column's thousands mark."""
    if col.variable.data_type != DataType.INTEGER:
        return f"contains({number}, {sql_text(thousands)})"
    return (
        f"(regexp_matches({text}, {sql_text(_SPACED)}) "
        f"OR regexp_full_match({number}, '{_GROUPED}') "
        f"OR (NOT regexp_full_match({number}, '{_SINGLE}') "
        f"AND contains({number}, {sql_text(thousands)})))"
    )


def _read_distinct_numbers(ws: Workspace, col: Column, layers: _Layers) -> None:
    """The table ``numbers_<i>``: each distinct written text of number column ``col`` read
    once through ``layers``, with its value, problem, whether it is missing and the number."""
    i = col.index
    value, problem = _with_cell_errors(col, f"x{i}")
    col.verdicts = f"numbers_{i}"
    # A null text goes through the layers too: no value, "no data", required if it must be.
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {col.verdicts} AS SELECT c{i} AS raw, "
        f"{value} AS v, {problem} AS p, m{i} AS nd, n{i} AS r, {layers.separated} AS s, "
        "cells AS n "
        f"FROM (SELECT *, {', '.join(layers.numbers)} FROM ("
        f"SELECT *, {', '.join(layers.flags)} FROM (SELECT {', '.join(layers.trims)}, cells FROM ("
        f"SELECT c{i}, count(*) AS cells FROM src GROUP BY c{i}))))"
    )
    _tally(ws, col)


# In a whole-number column: thousands grouped by three after either mark (4,512 or 3.876), a
# single mark followed by other than three digits (a decimal: 4,5), and a space, no-break space
# or apostrophe between digits (2 954, 1'234), which the reading removes.
_GROUPED = "[+-]?[0-9]{1,3}(\\.[0-9]{3})+|[+-]?[0-9]{1,3}(,[0-9]{3})+"
_SINGLE = "[+-]?[0-9]*[.,]([0-9]{1,2}|[0-9]{4,})"
_SPACED = "[0-9][ \u00a0']+[0-9]"


def _whole_number_cases(text: str) -> str:
    """How a whole-number column reads separators, whatever the mark of other columns: groups
    of three after one to three digits are thousands (``4,512``, ``3.876``; spaces are already
    gone from ``2 954``); one mark followed by other than three digits is a decimal mark
    (``4,5`` is four and a half, so "not a whole number"). Anything else follows the column's
    own decimal mark."""
    return (
        f"WHEN regexp_full_match({text}, '{_GROUPED}') THEN "
        f"TRY_CAST(replace(replace({text}, '.', ''), ',', '') AS DOUBLE) "
        f"WHEN regexp_full_match({text}, '{_SINGLE}') THEN "
        f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE) "
    )


def _with_cell_errors(col: Column, error: str) -> tuple[str, str]:
    """The value and problem expressions of ``col``, an error cell (``error`` true) first: no
    value, and its own finding."""
    code = CELL_ERROR if col.rules.required else CELL_WARNING
    return (
        f"CASE WHEN {error} THEN NULL ELSE {col.value_sql} END",
        f"CASE WHEN {error} THEN '{code}' ELSE {col.problem_sql} END",
    )


def _judge_distinct(ws: Workspace, col: Column, judge: ValueJudge) -> None:
    """Judge each distinct written value once; the verdicts become a table by the raw text
    (read back by ``_verdict_value``), with each text's final value and problem (a spreadsheet
    error display and a text missing on purpose included) and whether it says "no data"."""
    source = f"c{col.index}"
    distinct = ws.con.execute(
        f"SELECT c, {no_data_sql('c')}, {_is_cell_error(trimmed_sql('c'))}, {trimmed_sql('c')}, "
        f"cells FROM (SELECT {source} AS c, count(*) AS cells FROM src GROUP BY {source})"
    ).fetchall()
    raws: list[str | None] = []
    values: list[Any] = []
    problems: list[str | None] = []
    missing: list[bool] = []
    counts: list[int] = []
    cell_error = CELL_ERROR if col.rules.required else CELL_WARNING
    no_value = REQUIRED if col.rules.required else None
    texts = [text for _raw, no_data, error, text, _n in distinct if not no_data and not error]
    judge.prepare(list(dict.fromkeys(texts)))
    verdicts: dict[str, tuple[Any, str | None]] = {}
    for raw, no_data, error, text, cells in distinct:
        raws.append(raw)
        counts.append(cells)
        missing.append(bool(no_data))  # "no data" written; an error display is not that
        if error or no_data:
            values.append(None)
            problems.append(cell_error if error else no_value)
            continue
        if text not in verdicts:
            verdict = judge.judge(text)
            problem = f"{verdict.severity}:{len(col.messages)}" if verdict.severity else None
            if verdict.severity:
                col.messages.append(verdict.problem)
                col.suggestions.append(verdict.suggestion)
            verdicts[text] = (verdict.value, problem)
        value, problem = verdicts[text]
        if value is not None:
            col.values.add(value)
        values.append(value)
        problems.append(problem)
    kind = SQL_TYPES[DataType(col.variable.data_type)]
    value_type = pa.date32() if kind == "DATE" else pa.string()
    verdict_table = pa.table(  # noqa: F841 (read by DuckDB)
        {
            "raw": pa.array(raws, pa.string()),
            "v": pa.array(values, value_type),
            "p": pa.array(problems, pa.string()),
            "nd": pa.array(missing, pa.bool_()),
            "r": pa.nulls(len(raws), pa.float64()),
            "n": pa.array(counts, pa.int64()),
        }
    )
    col.verdicts = f"judged_{col.index}"
    ws.con.execute(f"CREATE OR REPLACE TABLE {col.verdicts} AS SELECT * FROM verdict_table")
    _tally(ws, col)


def _tally(ws: Workspace, col: Column) -> None:
    """Count, once, the cells of ``col`` with an error, a warning or "no data", weighting each
    verdict by its cells."""
    row = ws.con.execute(
        f"SELECT coalesce(sum(n) FILTER (WHERE {_is_error('p')}), 0), "
        f"coalesce(sum(n) FILTER (WHERE p LIKE 'warning%'), 0), "
        f"coalesce(sum(n) FILTER (WHERE nd), 0) FROM {col.verdicts}"
    ).fetchone()
    col.tally = (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


_ERROR_CODES = "('required','not_number','not_whole','not_year','below_min','above_max')"


def _is_error(problem: str) -> str:
    return f"({problem} LIKE 'error%' OR {problem} IN {_ERROR_CODES})"


def problem_counts(ws: Workspace, columns: list[Column]) -> dict[int, tuple[int, int]]:
    """Per column index, the cells with an error and those with a warning: a joined column's
    from its verdicts and their cell counts; the others' from ``typed``, where a cheap count of
    non-null problems first rules out the usual case of none."""
    found = {c.index: c.tally[:2] for c in columns}
    cell_by_cell = [c for c in columns if not c.verdicts]
    if not cell_by_cell:
        return found
    some = ws.con.execute(
        "SELECT " + ", ".join(f"count(p{c.index})" for c in cell_by_cell) + " FROM typed"
    ).fetchone()
    if not some or not any(some):
        return found
    row = ws.con.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE {_is_error(f'p{c.index}')}), "
            f"count(*) FILTER (WHERE p{c.index} LIKE 'warning%')"
            for c in cell_by_cell
        )
        + " FROM typed"
    ).fetchone()
    assert row is not None
    for n, col in enumerate(cell_by_cell):
        found[col.index] = (row[2 * n], row[2 * n + 1])
    return found


def problem_rows(ws: Workspace, col: Column, limit: int) -> list[tuple[int, str, float | None]]:
    """The first ``limit`` rows of ``col`` with a problem: row, problem, the number as read."""
    if col.verdicts:
        return ws.con.execute(
            f"SELECT s._row, j.p, j.r FROM src s JOIN {col.verdicts} j "
            f"ON s.c{col.index} IS NOT DISTINCT FROM j.raw WHERE j.p IS NOT NULL "
            f"ORDER BY s._row LIMIT {int(limit)}"
        ).fetchall()
    read = f"r{col.index}" if col.variable.data_type in NUMERIC_KINDS else "NULL"
    return ws.con.execute(
        f"SELECT _row, p{col.index}, {read} FROM typed "
        f"WHERE p{col.index} IS NOT NULL ORDER BY _row LIMIT {int(limit)}"
    ).fetchall()


def no_data_counts(ws: Workspace, columns: list[Column]) -> dict[int, int]:
    """Per column index, the cells that say "no data" (empty included)."""
    found = {c.index: c.tally[2] for c in columns}
    found.update(_typed_counts(ws, [c for c in columns if not c.verdicts], "nd"))
    return found


def separator_counts(ws: Workspace, columns: list[Column]) -> dict[int, int]:
    """Per number column index, the cells whose number was read with thousands separators
    removed: a column read by distinct text from its verdicts, weighted by their cells; the
    others from ``typed``, in one scan."""
    numbers = [c for c in columns if c.variable.data_type in NUMERIC_KINDS]
    found = {
        c.index: int(
            ws.con.execute(
                f"SELECT coalesce(sum(n) FILTER (WHERE s), 0) FROM {c.verdicts}"
            ).fetchall()[0][0]
        )
        for c in numbers
        if c.verdicts
    }
    found.update(_typed_counts(ws, [c for c in numbers if not c.verdicts], "s"))
    return found


def _typed_counts(ws: Workspace, columns: list[Column], flag: str) -> dict[int, int]:
    """Per column index, the rows of ``typed`` whose ``<flag><index>`` is true, in one scan."""
    if not columns:
        return {}
    (row,) = ws.con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {flag}{c.index})" for c in columns)
        + " FROM typed"
    ).fetchall()
    return {c.index: int(n) for c, n in zip(columns, row, strict=True)}


def finding_for(
    ws: Workspace,
    col: Column,
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
