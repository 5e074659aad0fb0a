"""The grouped sums behind statistical tables: one DuckDB GROUP BY over one or more versions'
Parquet files, with the same guarantees as ``query`` (checked column names, bound parameters,
the time limit).

A table asks two things of the data: the different values of a column (a dimension's
categories, kept per file because versions never change) and the aggregate of the measures
for every combination of the chosen values. Both are here so that DuckDB stays inside the
datastore.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from satudata.catalog.models import DatasetVersion
from satudata.datastore.query import _cursor, columns_of, local_path, quote, typed

FUNCTIONS = {"sum": "sum", "mean": "avg", "count": "count", "min": "min", "max": "max"}
_DISTINCT_CACHE: dict[tuple[tuple[str, ...], str], list[Any]] = {}
_DISTINCT_CACHE_MAX = 512
_cache_lock = threading.Lock()


def columns_of_all(versions: Sequence[DatasetVersion]) -> dict[str, dict[str, Any]]:
    """The columns of every version by name (the first version's description wins); the row
    number column is left out, a table never groups by it."""
    found: dict[str, dict[str, Any]] = {}
    for version in versions:
        for name, column in columns_of(version).items():
            if name != "_id":
                found.setdefault(name, column)
    return found


def _source(versions: Sequence[DatasetVersion]) -> tuple[str, list[Any]]:
    paths = [str(local_path(version)) for version in versions]
    return "read_parquet(?, union_by_name = true)", [paths]


def distinct(versions: Sequence[DatasetVersion], column: str, cap: int = 100_000) -> list[Any]:
    """The different values of ``column`` (not NULL) over the versions, at most ``cap``; kept
    for the process's life, as a version's file never changes."""
    source, params = _source(versions)
    # Keyed by each file's path, size and time too: a path is reused when a test database is
    # rolled back, never in production.
    files = [Path(path).stat() for path in params[0]]
    identity = tuple(
        sorted(f"{p}:{s.st_size}:{s.st_mtime_ns}" for p, s in zip(params[0], files, strict=True))
    )
    key = (identity, column)
    with _cache_lock:
        if key in _DISTINCT_CACHE:
            return _DISTINCT_CACHE[key]
    with _cursor() as cursor:
        rows = cursor.execute(
            f"SELECT DISTINCT {quote(column)} FROM {source} WHERE {quote(column)} IS NOT NULL "
            f"LIMIT {int(cap)}",
            params,
        ).fetchall()
    values = [row[0] for row in rows]
    with _cache_lock:
        if len(_DISTINCT_CACHE) >= _DISTINCT_CACHE_MAX:
            _DISTINCT_CACHE.clear()
        _DISTINCT_CACHE[key] = values
    return values


def cells(
    versions: Sequence[DatasetVersion],
    *,
    dimensions: Mapping[str, Sequence[Any]],
    strides: Mapping[str, int],
    measures: Sequence[str],
    function: str,
    filters: Mapping[str, Sequence[Any]] | None = None,
    complete: Collection[str] = (),
) -> tuple[list[int], list[list[float | None]]]:
    """The cells of a table that have rows, in one GROUP BY: each cell's position (the sum over
    the dimensions of the place of the row's value in that dimension's list, times the
    dimension's stride, as the cube orders its values) and ``function`` of each measure, as a
    number. Only rows whose dimension values are among those given count (the dimensions in
    ``complete`` are given all their values: no row is left out for them, which saves the
    test); ``filters`` (column -> any of the values) narrow the rows first. Column names must
    have been checked against ``columns_of_all`` by the caller.

    The data is grouped by the dimensions' own columns, then DuckDB places each group, so the
    answer is two plain columns: a table of 100,000 cells costs no Python work per row."""
    columns = columns_of_all(versions)
    source, paths = _source(versions)
    typed_values = {
        name: [typed(columns[name], value, f"select.{name}") for value in values]
        for name, values in dimensions.items()
    }
    params: list[Any] = []
    terms = []
    for name, values in typed_values.items():
        terms.append(f"(list_position(?, {quote(name)}) - 1) * {int(strides[name])}")
        params.append(values)
    params.extend(paths)
    clauses: list[str] = []
    wanted = {name: v for name, v in typed_values.items() if name not in complete}
    for name, wanted_values in wanted.items():
        clauses.append(f"{quote(name)} IN ({', '.join('?' * len(wanted_values))})")
        params.extend(wanted_values)
    for name, given in (filters or {}).items():
        converted = [typed(columns[name], value, "filters") for value in given]
        clauses.append(f"{quote(name)} IN ({', '.join('?' * len(converted))})")
        params.extend(converted)
    names = [quote(name) for name in typed_values]
    aggregates = [
        f"round(CAST({FUNCTIONS[function]}({quote(name)}) AS DOUBLE), 9) AS m{i}"
        for i, name in enumerate(measures)
    ]
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    group = f" GROUP BY {', '.join(names)}" if names else ""
    inner = f"SELECT {', '.join([*names, *aggregates])} FROM {source}{where}{group}"
    placed = (
        f"SELECT CAST({' + '.join(terms) or '0'} AS BIGINT) AS position, "
        f"{', '.join(f'm{i}' for i in range(len(measures)))} FROM ({inner})"
    )
    sql = f"SELECT * FROM ({placed}) WHERE position IS NOT NULL"
    with _cursor() as cursor:
        table = cursor.sql(sql, params=params).to_arrow_table()
    assert table is not None, "a query with a SELECT gives a table"
    found = table.column(0).to_pylist()
    return found, [_numbers(table.column(i + 1)) for i in range(len(measures))]


def _numbers(column: pa.ChunkedArray) -> list[Any]:
    """A column of aggregates as Python numbers: whole numbers as integers when every value is
    one (sums and counts of counts), else floats rounded to 9 decimals (no binary noise)."""
    try:
        return pc.cast(column, pa.int64()).to_pylist()  # type: ignore[no-any-return]
    except pa.ArrowInvalid:
        return column.to_pylist()  # type: ignore[no-any-return]
