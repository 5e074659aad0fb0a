"""Writing what passed: the typed table as Parquet."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine.workspace import (
    BATCH_ROWS,
    Progress,
    Workspace,
    no_progress,
)

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
    progress: Progress = no_progress,
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
