"""Writing a checked table as typed Parquet that carries its column metadata."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from satudata.catalog.models import DataType, Variable
from satudata.catalog.reading.cells import as_number, as_text
from satudata.catalog.reading.spreadsheet import SheetTable
from satudata.catalog.reading.values import MISSING, infer_decimal_mark, is_missing, parse_date
from satudata.regions.names import name_key

_ARROW = {
    DataType.INTEGER: pa.int64(),
    DataType.YEAR: pa.int16(),
    DataType.DECIMAL: pa.float64(),
    DataType.DATE: pa.date32(),
    DataType.TEXT: pa.string(),
    DataType.REGION: pa.string(),
    DataType.CATEGORY: pa.string(),
}


def column_name(variable: Variable) -> str:
    base = variable.alias or variable.name
    return "_".join(name_key(word) for word in base.split() if name_key(word)) or f"v{variable.pk}"


def _values(table: SheetTable, index: int, variable: Variable) -> list[Any]:
    cells = [row[index] for row in table.rows]
    mark = infer_decimal_mark(c for c in cells if isinstance(c, str))
    kind = variable.data_type
    values: list[Any] = []
    for cell in cells:
        text = as_text(cell).strip()
        if is_missing(text):
            values.append(None)
        elif kind in (DataType.INTEGER, DataType.YEAR, DataType.DECIMAL):
            number = as_number(cell, decimal=mark)
            if not isinstance(number, Decimal):  # cannot happen after a passed check
                values.append(None)
            else:
                values.append(float(number) if kind == DataType.DECIMAL else int(number))
        elif kind == DataType.DATE:
            parsed = parse_date(text)
            values.append(None if parsed is MISSING else parsed)
        else:
            values.append(text)
    return values


def to_parquet(
    table: SheetTable, mapping: dict[int, Variable], *, meta: dict[str, str]
) -> tuple[bytes, list[dict[str, str]]]:
    """The Parquet bytes of the mapped columns, and a description of each column."""
    fields, arrays, described = [], [], []
    for index, variable in sorted(mapping.items()):
        name = column_name(variable)
        field_meta = {
            "variable": variable.name,
            "unit": variable.unit,
            "source_column": table.columns[index],
            "data_type": variable.data_type,
        }
        fields.append(pa.field(name, _ARROW[DataType(variable.data_type)], metadata=field_meta))
        arrays.append(pa.array(_values(table, index, variable), type=fields[-1].type))
        described.append({"name": name, **field_meta})
    schema = pa.schema(fields, metadata=meta)
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd")
    return buffer.getvalue(), described
