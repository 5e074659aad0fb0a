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

The modules, in the order a check runs: ``workspace`` (the DuckDB database, findings, loading a
table read in Python), ``columns`` (typing a column and judging its values), ``checking`` (the
check itself, which calls the rest), ``duplicates``, ``coverage`` (units and periods),
``regions`` (code and name columns compared), ``row_rules`` (rules across columns),
``summaries`` (missing values, decimal marks) and ``parquet`` (writing what passed).
"""

from __future__ import annotations

from satudata.catalog.sinkronisasi.engine.checking import check
from satudata.catalog.sinkronisasi.engine.parquet import column_name, write_parquet
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    WARNING,
    CheckResult,
    Finding,
    Progress,
    Workspace,
    load_sheet,
    sql_text,
)

__all__ = [
    "ERROR",
    "WARNING",
    "CheckResult",
    "Finding",
    "Progress",
    "Workspace",
    "check",
    "column_name",
    "load_sheet",
    "sql_text",
    "write_parquet",
]
