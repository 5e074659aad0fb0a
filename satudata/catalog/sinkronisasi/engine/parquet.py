"""Writing what passed: the typed values as Parquet."""

from __future__ import annotations

import json
import re
from pathlib import Path

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine.columns import SQL_TYPES
from satudata.catalog.sinkronisasi.engine.workspace import (
    Progress,
    Workspace,
    no_progress,
    sql_text,
)

# --- Writing what passed ---------------------------------------------------------------------


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


def parquet_columns(ws: Workspace, mapping: dict[int, Variable]) -> list[dict[str, str]]:
    """How the Parquet of ``mapping`` describes its columns: each stored column's name (unique),
    variable, unit, source column and type, in column order."""
    described: list[dict[str, str]] = []
    used: set[str] = set()
    for index, variable in sorted(mapping.items()):
        name = column_name(variable)
        while name in used:
            name += "_"
        used.add(name)
        described.append(
            {
                "name": name,
                "variable": variable.name,
                "unit": variable.unit,
                "source_column": ws.columns[index],
                "data_type": variable.data_type,
            }
        )
    return described


def write_parquet(
    ws: Workspace,
    mapping: dict[int, Variable],
    target: Path,
    *,
    meta: dict[str, str],
    progress: Progress = no_progress,
) -> list[dict[str, str]]:
    """The mapped columns, typed, as Parquet at ``target``; a description of each column
    (``parquet_columns``).

    Written by DuckDB itself from ``typed`` (a table, or a view when every value is a cast of
    its text; in parallel, spilling to the workspace when it is larger than memory), in the
    file's row order: sorted by ``_row`` unless ``typed`` already keeps it. The file describes
    itself: its key-value metadata holds ``meta`` and, under ``columns``, each column's
    variable, unit, source column and type as JSON.
    """
    described = parquet_columns(ws, mapping)
    selects = [
        f'CAST(v{index} AS {SQL_TYPES[DataType(variable.data_type)]}) AS "{column["name"]}"'
        for (index, variable), column in zip(sorted(mapping.items()), described, strict=True)
    ]
    pairs = {**meta, "columns": json.dumps(described, ensure_ascii=False)}
    kv = ", ".join(f"{sql_text(k)}: {sql_text(v)}" for k, v in pairs.items())
    progress("store", 0, ws.rows)
    order = "" if ws.typed_in_order else " ORDER BY _row"
    ws.con.execute(
        f"COPY (SELECT {', '.join(selects)} FROM typed{order}) "
        f"TO {sql_text(str(target))} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{kv}}})"
    )
    progress("store", ws.rows, ws.rows)
    return described
