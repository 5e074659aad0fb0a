"""Queries over a dataset version's Parquet table, run by DuckDB inside the web process.

A query is described, never written: filters, words to look for, columns, sort, paging and
group-by aggregates. Every column name is checked against the table's own columns and every
value is converted to the column's type and passed as a parameter, so nothing a caller sends
becomes SQL. There is no raw SQL entry point. Each query stops after
``DATASTORE_TIME_LIMIT`` seconds and returns at most ``DATASTORE_MAX_ROWS`` rows, saying
``truncated`` when more matched.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from satudata.catalog.models import DatasetVersion, DataType

ROW_ID = "_id"
# CKAN DataStore type names, as clients expect them in ``fields``.
CKAN_TYPES = {
    DataType.INTEGER: "int",
    DataType.YEAR: "int",
    DataType.DECIMAL: "numeric",
    DataType.DATE: "date",
    DataType.TEXT: "text",
    DataType.REGION: "text",
    DataType.CATEGORY: "text",
}
AGGREGATES = ("count", "sum", "avg", "min", "max")
NUMERIC = {DataType.INTEGER, DataType.YEAR, DataType.DECIMAL}
OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
MAX_FILTER_VALUES = 1000
MAX_Q_WORDS = 10


class QueryError(ValueError):
    """The query cannot run as asked. ``field`` names the parameter at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class QueryTimeout(QueryError):
    """The query ran past the time limit and was stopped."""


@dataclass
class Condition:
    column: str
    operator: str  # a key of OPERATORS
    value: Any


@dataclass
class Query:
    filters: Mapping[str, Sequence[Any]] = field(default_factory=dict)  # column -> any of
    conditions: Sequence[Condition] = ()
    q: str | Mapping[str, str] = ""  # words anywhere, or per column
    fields: Sequence[str] | None = None
    sort: Sequence[tuple[str, bool]] = ()  # (column, descending)
    limit: int = 100
    offset: int = 0
    include_total: bool = True
    group_by: Sequence[str] = ()
    aggregates: Sequence[tuple[str, str]] = ()  # (function, column or "*")

    def narrows_rows(self) -> bool:
        """Whether filters or words pick some of the rows (sort and fields keep them all)."""
        words = self.q.strip() if isinstance(self.q, str) else self.q
        return bool(self.filters or self.conditions or words)


@dataclass
class Answer:
    fields: list[dict[str, Any]]
    rows: list[tuple[Any, ...]]
    total: int | None
    limit: int
    offset: int
    truncated: bool

    def records(self) -> list[dict[str, Any]]:
        names = [f["id"] for f in self.fields]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


# --- the table -------------------------------------------------------------------------------


def local_path(version: DatasetVersion) -> Path:
    """A path on this machine to the version's Parquet file. Versions never change, so a copy
    fetched from object storage is kept and reused."""
    try:
        return Path(default_storage.path(version.path))
    except NotImplementedError:
        pass
    target = Path(settings.DATASTORE_CACHE_DIR) / version.path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with default_storage.open(version.path, "rb") as source, partial.open("wb") as sink:
            for chunk in iter(lambda: source.read(2**20), b""):
                sink.write(chunk)
        partial.replace(target)
    return target


def columns_of(version: DatasetVersion) -> dict[str, dict[str, Any]]:
    """The version's columns by name, with ``_id`` (row number in the file) first."""
    found: dict[str, dict[str, Any]] = {
        ROW_ID: {"id": ROW_ID, "type": "int", "data_type": DataType.INTEGER}
    }
    for column in version.columns:
        data_type = DataType(column.get("data_type") or DataType.TEXT)
        found[column["name"]] = {
            "id": column["name"],
            "type": CKAN_TYPES[data_type],
            "data_type": data_type,
            "info": {
                "label": column.get("variable", ""),
                "unit": column.get("unit", ""),
            },
        }
    return found


_database: duckdb.DuckDBPyConnection | None = None
_opening = threading.Lock()


def _connection() -> duckdb.DuckDBPyConnection:
    """The process's one in-memory DuckDB; each query takes its own cursor from it, so requests
    in several threads never share one."""
    global _database
    with _opening:
        if _database is None:
            spill = Path(settings.DATASTORE_CACHE_DIR) / "spill"
            spill.mkdir(parents=True, exist_ok=True)
            _database = duckdb.connect(
                ":memory:",
                config={
                    "threads": settings.DATASTORE_THREADS,
                    # Bounded: a large sort or grouping spills past it, up to four times it.
                    "memory_limit": f"{settings.DATASTORE_MEMORY_MB}MB",
                    "temp_directory": str(spill),
                    "max_temp_directory_size": f"{4 * settings.DATASTORE_MEMORY_MB}MB",
                },
            )
        return _database.cursor()


@contextmanager
def _cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor that is interrupted when the time limit passes."""
    cursor = _connection()
    timer = threading.Timer(settings.DATASTORE_TIME_LIMIT, cursor.interrupt)
    timer.start()
    try:
        yield cursor
    except duckdb.InterruptException:
        raise QueryTimeout(
            _(
                "The query took longer than %(seconds)s seconds and was stopped. Narrow it with "
                "filters or ask for fewer rows."
            )
            % {"seconds": settings.DATASTORE_TIME_LIMIT}
        ) from None
    finally:
        timer.cancel()
        cursor.close()


# --- building the query ----------------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(columns: Mapping[str, dict[str, Any]], name: Any, parameter: str) -> dict[str, Any]:
    if not isinstance(name, str) or name not in columns:
        raise QueryError(
            _("Unknown column %(name)s. The columns are: %(known)s.")
            % {"name": repr(name)[:100], "known": ", ".join(columns)},
            parameter,
        )
    return columns[name]


def typed(column: Mapping[str, Any], value: Any, parameter: str) -> Any:
    """``value`` as the column's type, or a QueryError saying what was expected."""
    data_type = column["data_type"]
    if value is None:
        return None
    text = str(value).strip() if not isinstance(value, bool) else ""
    try:
        if data_type in (DataType.INTEGER, DataType.YEAR):
            if isinstance(value, bool) or not re.fullmatch(r"-?\d{1,18}", text):
                raise ValueError
            return int(text)
        if data_type == DataType.DECIMAL:
            if isinstance(value, bool):
                raise ValueError
            number = float(text)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
        if data_type == DataType.DATE:
            return dt.date.fromisoformat(text)
    except ValueError:
        kinds = {
            DataType.INTEGER: _("a whole number"),
            DataType.YEAR: _("a year such as 2024"),
            DataType.DECIMAL: _("a number such as 12.5"),
            DataType.DATE: _("a date written YYYY-MM-DD"),
        }
        raise QueryError(
            _("%(value)s is not %(kind)s, which column %(column)s holds.")
            % {"value": repr(value)[:60], "kind": kinds[data_type], "column": column["id"]},
            parameter,
        ) from None
    if isinstance(value, dict | list):
        raise QueryError(
            _("Column %(column)s compares with one value, not a list or an object.")
            % {"column": column["id"]},
            parameter,
        )
    return str(value)


class _Builder:
    def __init__(self, version: DatasetVersion) -> None:
        self.columns = columns_of(version)
        self.source = "read_parquet(?, file_row_number = true)"
        self.params: list[Any] = [str(local_path(version))]

    def expression(self, name: str) -> str:
        return "(file_row_number + 1)" if name == ROW_ID else quote(name)

    def where(self, query: Query) -> str:
        clauses: list[str] = []
        for name, values in query.filters.items():
            column = _column(self.columns, name, "filters")
            wanted = list(values) if isinstance(values, list | tuple) else [values]
            if not wanted or len(wanted) > MAX_FILTER_VALUES:
                raise QueryError(
                    _("A filter takes between 1 and %(max)s values; %(column)s has %(n)s.")
                    % {"max": MAX_FILTER_VALUES, "column": name, "n": len(wanted)},
                    "filters",
                )
            converted = [typed(column, value, "filters") for value in wanted]
            present = [value for value in converted if value is not None]
            parts = []
            if present:
                parts.append(f"{self.expression(name)} IN ({', '.join('?' * len(present))})")
                self.params.extend(present)
            if len(present) < len(converted):
                parts.append(f"{self.expression(name)} IS NULL")
            clauses.append("(" + " OR ".join(parts) + ")")
        for condition in query.conditions:
            column = _column(self.columns, condition.column, "filters")
            if condition.operator not in OPERATORS:
                raise QueryError(
                    _("Unknown comparison %(op)s; use one of %(known)s.")
                    % {"op": condition.operator, "known": ", ".join(OPERATORS)},
                    "filters",
                )
            clauses.append(f"{self.expression(condition.column)} {OPERATORS[condition.operator]} ?")
            self.params.append(typed(column, condition.value, "filters"))
        if isinstance(query.q, Mapping):
            for name, text in query.q.items():
                _column(self.columns, name, "q")
                clauses.append(f"CAST({self.expression(name)} AS VARCHAR) ILIKE ? ESCAPE '\\'")
                self.params.append(f"%{_escape_like(str(text))}%")
        elif query.q.strip():
            words = query.q.split()
            if len(words) > MAX_Q_WORDS:
                raise QueryError(
                    _("Search with at most %(max)s words.") % {"max": MAX_Q_WORDS}, "q"
                )
            everything = (
                "concat_ws(' ', "
                + ", ".join(
                    f"CAST({quote(name)} AS VARCHAR)" for name in self.columns if name != ROW_ID
                )
                + ")"
            )
            for word in words:
                clauses.append(f"{everything} ILIKE ? ESCAPE '\\'")
                self.params.append(f"%{_escape_like(word)}%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""

    def order(self, sort: Sequence[tuple[str, bool]], allowed: Mapping[str, str]) -> str:
        parts = []
        for name, descending in sort:
            if name not in allowed:
                raise QueryError(
                    _("Cannot sort by %(name)s. Sort by one of: %(known)s.")
                    % {"name": repr(name)[:100], "known": ", ".join(allowed)},
                    "sort",
                )
            parts.append(f"{allowed[name]} {'DESC' if descending else 'ASC'} NULLS LAST")
        return " ORDER BY " + ", ".join(parts) if parts else ""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _limits(query: Query, cap: int) -> tuple[int, int, bool]:
    if query.limit < 0:
        raise QueryError(_("limit cannot be negative."), "limit")
    if query.offset < 0:
        raise QueryError(_("offset cannot be negative."), "offset")
    if query.offset > 10**12:
        raise QueryError(_("offset is too large."), "offset")
    return min(query.limit, cap), query.offset, query.limit > cap


def run(version: DatasetVersion, query: Query) -> Answer:
    """Rows of the version that match ``query`` (or its group-by aggregates)."""
    if query.group_by or query.aggregates:
        return _aggregate(version, query)
    builder = _Builder(version)
    names = list(query.fields) if query.fields else list(builder.columns)
    chosen = [_column(builder.columns, name, "fields") for name in names]
    where = builder.where(query)
    order = builder.order(
        query.sort or [(ROW_ID, False)],
        {name: builder.expression(name) for name in builder.columns},
    )
    limit, offset, capped = _limits(query, settings.DATASTORE_MAX_ROWS)
    select = ", ".join(f"{builder.expression(c['id'])} AS {quote(c['id'])}" for c in chosen)
    sql = f"SELECT {select} FROM {builder.source}{where}{order} LIMIT {limit + 1} OFFSET {offset}"
    with _cursor() as cursor:
        rows = cursor.execute(sql, builder.params).fetchall()
        total = None
        if query.include_total:
            total = cursor.execute(
                f"SELECT count(*) FROM {builder.source}{where}", builder.params
            ).fetchone()[0]  # type: ignore[index]
    more = len(rows) > limit
    return Answer(
        fields=[public(c) for c in chosen],
        rows=[tuple(row) for row in rows[:limit]],
        total=total,
        limit=limit,
        offset=offset,
        truncated=capped and more,
    )


def _aggregate(version: DatasetVersion, query: Query) -> Answer:
    builder = _Builder(version)
    groups = [_column(builder.columns, name, "group_by") for name in query.group_by]
    if len(groups) > 5:
        raise QueryError(_("Group by at most 5 columns."), "group_by")
    selects = [f"{builder.expression(g['id'])} AS {quote(g['id'])}" for g in groups]
    fields = [public(g) for g in groups]
    for function, name in query.aggregates or [("count", "*")]:
        if function not in AGGREGATES:
            raise QueryError(
                _("Unknown aggregate %(fn)s; use one of %(known)s.")
                % {"fn": repr(function)[:40], "known": ", ".join(AGGREGATES)},
                "aggregate",
            )
        if name == "*":
            if function != "count":
                raise QueryError(_("Only count can be taken over all rows (*)."), "aggregate")
            label, expression = "count", "count(*)"
            kind = "int"
        else:
            column = _column(builder.columns, name, "aggregate")
            if function in ("sum", "avg") and column["data_type"] not in NUMERIC:
                raise QueryError(
                    _("%(fn)s needs a numeric column; %(column)s is not one.")
                    % {"fn": function, "column": name},
                    "aggregate",
                )
            label = f"{function}_{name}"
            expression = f"{function}({builder.expression(name)})"
            kind = {"count": "int", "avg": "numeric", "sum": column["type"]}.get(
                function, column["type"]
            )
        selects.append(f"{expression} AS {quote(label)}")
        fields.append({"id": label, "type": kind})
    where = builder.where(query)
    group = (
        (" GROUP BY " + ", ".join(builder.expression(g["id"]) for g in groups)) if groups else ""
    )
    allowed = {f["id"]: quote(f["id"]) for f in fields}
    order = builder.order(query.sort or [(g["id"], False) for g in groups], allowed)
    limit, offset, capped = _limits(query, settings.DATASTORE_MAX_ROWS)
    sql = (
        f"SELECT {', '.join(selects)} FROM {builder.source}{where}{group}{order} "
        f"LIMIT {limit + 1} OFFSET {offset}"
    )
    with _cursor() as cursor:
        rows = cursor.execute(sql, builder.params).fetchall()
        total = None
        if query.include_total:
            total = cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {builder.source}{where}{group})",
                builder.params,
            ).fetchone()[0]  # type: ignore[index]
    return Answer(
        fields=fields,
        rows=[tuple(plain(v) for v in row) for row in rows[:limit]],
        total=total,
        limit=limit,
        offset=offset,
        truncated=capped and len(rows) > limit,
    )


def plain(value: Any) -> Any:
    """A cell as JSON carries it: dates in ISO form, DECIMAL sums as numbers."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def public(column: Mapping[str, Any]) -> dict[str, Any]:
    """A column as answers describe it (without the internal data type)."""
    return {key: value for key, value in column.items() if key != "data_type"}


def batches(
    version: DatasetVersion, query: Query, *, size: int = 10_000
) -> Iterator[pa.RecordBatch]:
    """The rows of a download of ``query`` as Arrow batches, streamed: the whole table in its
    own order, else at most ``DATASTORE_EXPORT_MAX_ROWS`` (``export_cap``).
    Callers run ``count`` first, which checks the query before their response starts."""
    select, _counting, params = _download_sql(version, query)
    cursor = _connection()
    try:
        reader = cursor.sql(select, params=params).to_arrow_reader(size)
        yield from reader
    finally:
        cursor.close()


def export_cap(query: Query) -> int | None:
    """The most rows a download of ``query`` holds: ``None`` (all) for the whole table in its
    own order, which streams as it is stored; ``DATASTORE_EXPORT_MAX_ROWS`` when filters or
    words pick the rows, or when it is sorted (a sort of a whole large table would hold every
    row; with the cap DuckDB keeps only the first ones)."""
    if query.narrows_rows() or query.sort:
        return settings.DATASTORE_EXPORT_MAX_ROWS
    return None


def _download_sql(version: DatasetVersion, query: Query) -> tuple[str, str, list[Any]]:
    """A download's SELECT, the count of the rows it matches, and their parameters; every
    column named in the fields, filters, words and sort is checked here (a QueryError names
    the parameter at fault)."""
    builder = _Builder(version)
    names = list(query.fields) if query.fields else [n for n in builder.columns if n != ROW_ID]
    chosen = [_column(builder.columns, name, "fields") for name in names]
    where = builder.where(query)
    # In the file's own order there is no ORDER BY: DuckDB keeps a scan's order
    # (preserve_insertion_order), while sorting would hold the whole table in memory (1.5 GB
    # for 20 million rows, against 180 MB streamed). A sort ends with the row number, so ties
    # come out the same way every time.
    order = builder.order(
        [*query.sort, (ROW_ID, False)] if query.sort else [],
        {name: builder.expression(name) for name in builder.columns},
    )
    cap = export_cap(query)
    limit = f" LIMIT {int(cap)}" if cap is not None else ""
    select = ", ".join(f"{builder.expression(c['id'])} AS {quote(c['id'])}" for c in chosen)
    return (
        f"SELECT {select} FROM {builder.source}{where}{order}{limit}",
        f"SELECT count(*) FROM {builder.source}{where}",
        builder.params,
    )


def distinct(version: DatasetVersion, column: str, cap: int = 100_000) -> list[Any]:
    """The different values of one column (at most ``cap``), for indexes kept beside the data."""
    builder = _Builder(version)
    name = _column(builder.columns, column, "column")["id"]
    with _cursor() as cursor:
        rows = cursor.execute(
            f"SELECT DISTINCT {builder.expression(name)} FROM {builder.source} "
            f"WHERE {builder.expression(name)} IS NOT NULL LIMIT {int(cap)}",
            builder.params,
        ).fetchall()
    return [row[0] for row in rows]


def count(version: DatasetVersion, query: Query) -> int:
    """How many rows match ``query``'s filters and words. It checks the whole query a download
    runs (fields and sort too), so a view calls it before its response starts: a bad name is a
    400 for every format, never a 200 whose file stops short."""
    _select, counting, params = _download_sql(version, query)
    with _cursor() as cursor:
        return int(cursor.execute(counting, params).fetchone()[0])  # type: ignore[index]
