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
from collections.abc import Mapping, Sequence
from typing import Any

from satudata.catalog.models import DatasetVersion
from satudata.datastore.query import _cursor, columns_of, local_path, plain, quote, typed

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
    key = (tuple(sorted(str(v.path) for v in versions)), column)
    with _cache_lock:
        if key in _DISTINCT_CACHE:
            return _DISTINCT_CACHE[key]
    source, params = _source(versions)
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


def grouped(
    versions: Sequence[DatasetVersion],
    *,
    dimensions: Mapping[str, Sequence[Any]],
    measures: Sequence[str],
    function: str,
    filters: Mapping[str, Sequence[Any]] | None = None,
) -> list[tuple[Any, ...]]:
    """One row per combination of the dimensions' values that has data: the dimensions' values
    then ``function`` of each measure. Only rows whose dimension values are among those given
    count; ``filters`` (column -> any of the values) narrow the rows first. Column names must
    have been checked against ``columns_of_all`` by the caller."""
    columns = columns_of_all(versions)
    source, params = _source(versions)
    clauses: list[str] = []
    wanted = [(name, values, f"select.{name}") for name, values in dimensions.items()]
    wanted += [(name, values, "filters") for name, values in (filters or {}).items()]
    for name, values, parameter in wanted:
        converted = [typed(columns[name], value, parameter) for value in values]
        clauses.append(f"{quote(name)} IN ({', '.join('?' * len(converted))})")
        params.extend(converted)
    sql_function = FUNCTIONS[function]
    selects = [quote(name) for name in dimensions] + [
        f"{sql_function}({quote(name)})" for name in measures
    ]
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    group = (" GROUP BY " + ", ".join(quote(name) for name in dimensions)) if dimensions else ""
    with _cursor() as cursor:
        rows = cursor.execute(f"SELECT {', '.join(selects)} FROM {source}{where}{group}", params)
        return [tuple(plain(value) for value in row) for row in rows.fetchall()]
