"""A version's table, whole or filtered, as the files people download: CSV (UTF-8 with a byte
order mark, so Excel reads the accents), the same CSV for Excel in an Indonesian locale
(``csv-id``: ``;`` between fields, ``,`` in decimals), XLSX whose header row names each column
by its MS-Var variable and unit, with a metadata sheet in Indonesian, JSON and Parquet.

CSV and XLSX are written by ``satudata.core.spreadsheets`` (formula-safe); JSON and Parquet
keep every value as stored.

CSV and JSON stream batch by batch, so memory stays flat whatever the table's size; XLSX and a
filtered Parquet are written to a temporary file first (both formats need their end before
their start). The whole Parquet is the stored file itself.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.catalog.models import Dataset, DatasetVersion, DataType
from satudata.core import spreadsheets
from satudata.core.spreadsheets import XLSX_MAX_ROWS
from satudata.datastore.query import (
    Query,
    batches,
    columns_of,
    export_cap,
    local_path,
    plain,
)

MEDIA_TYPES = {
    "csv": spreadsheets.CSV_MEDIA_TYPE,
    "csv-id": spreadsheets.CSV_MEDIA_TYPE,
    "json": "application/json",
    "xlsx": spreadsheets.XLSX_MEDIA_TYPE,
    "parquet": "application/vnd.apache.parquet",
}
# The file name each format is saved under: the Indonesian CSV is a CSV all the same.
SUFFIXES = {"csv-id": "excel-id.csv"}
DIALECTS = {"csv": spreadsheets.STANDARD, "csv-id": spreadsheets.INDONESIAN}


def csv_chunks(
    version: DatasetVersion, query: Query, dialect: spreadsheets.CsvDialect = spreadsheets.STANDARD
) -> Iterator[bytes]:
    """The rows as CSV, one batch at a time; the header names the columns as stored, so a
    script reads the same names the API gives."""
    return spreadsheets.csv_batches(_names(version, query), batches(version, query), dialect)


def _rows(version: DatasetVersion, query: Query, names: list[str]) -> Iterator[list[Any]]:
    for batch in batches(version, query):
        for row in batch.to_pylist():
            yield [row[name] for name in names]


def _names(version: DatasetVersion, query: Query) -> list[str]:
    return list(query.fields) if query.fields else [c["name"] for c in version.columns]


def json_chunks(version: DatasetVersion, query: Query, about: dict[str, Any]) -> Iterator[bytes]:
    """``{"dataset": …, "fields": […], "records": [{…}, …]}``, one batch at a time."""
    columns = columns_of(version)
    fields = [
        {k: v for k, v in columns[name].items() if k != "data_type"}
        for name in _names(version, query)
    ]
    head = json.dumps({"dataset": about, "fields": fields}, ensure_ascii=False)
    yield (head[:-1] + ', "records": [').encode()
    first = True
    for batch in batches(version, query):
        rows = batch.to_pylist()
        if not rows:
            continue
        text = ",".join(json.dumps(row, ensure_ascii=False, default=plain) for row in rows)
        yield (text if first else "," + text).encode()
        first = False
    yield b"]}"


def xlsx_path(version: DatasetVersion, query: Query, dataset: Dataset) -> Path:
    """A workbook with the rows on "Data", each column headed by its MS-Var variable and unit
    ("Jumlah Penduduk (jiwa)"), and what they mean on "Metadata", in Indonesian whatever the
    page's language: the file is the regency's official output."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    book = spreadsheets.Workbook(path)
    bold = book.style(bold=True)
    sheet = book.add_sheet("Data")
    names = _names(version, query)
    sheet.write_row(0, 0, [header_label(version, name) for name in names], bold)
    for row_number, row in enumerate(_rows(version, query, names), start=1):
        if row_number > XLSX_MAX_ROWS:
            break
        sheet.write_row(row_number, 0, row)
    with translation.override("id"):
        _metadata_sheet(book, dataset, version)
    book.close()
    return path


def header_label(version: DatasetVersion, name: str) -> str:
    """A column as people read it: its MS-Var variable, with the unit in brackets."""
    column: dict[str, Any] = next((c for c in version.columns if c["name"] == name), {})
    label = column.get("variable") or name
    return f"{label} ({column['unit']})" if column.get("unit") else label


def _metadata_sheet(book: spreadsheets.Workbook, dataset: Dataset, version: DatasetVersion) -> None:
    bold = book.style(bold=True)
    meta = book.add_sheet("Metadata")
    for line, (label, value) in enumerate(describe(dataset, version)):
        meta.write(line, 0, label, bold)
        meta.write(line, 1, value)
    line += 2
    meta.write_row(line, 0, [_("Column"), _("Variable"), _("Type"), _("Unit")], bold)
    for column in version.columns:
        line += 1
        meta.write_row(
            line,
            0,
            [
                column["name"],
                column.get("variable", ""),
                _type_label(column.get("data_type", "")),
                column.get("unit", ""),
            ],
        )
    meta.set_column(0, 0, 28)
    meta.set_column(1, 1, 60)


def _type_label(data_type: str) -> str:
    return str(DataType(data_type).label) if data_type in DataType.values else data_type


def describe(dataset: Dataset, version: DatasetVersion) -> list[tuple[str, str]]:
    """What a downloaded file says about itself."""
    published = (
        timezone.localtime(version.published_at).strftime("%d-%m-%Y %H:%M WIB")
        if version.published_at
        else _("not yet published")
    )
    return [
        (_("Title"), dataset.title),
        (_("Producer"), dataset.agency.name),
        (_("Description"), dataset.description),
        (_("Version"), str(version.number)),
        (_("Published"), published),
        (_("Rows"), str(version.row_count)),
        (_("Licence"), dataset.get_license_id_display()),
        (_("Frequency"), dataset.item.get_frequency_display()),
        (_("Level of presentation"), dataset.item.get_level_display()),
        (_("Unit"), dataset.item.unit),
    ]


def parquet_path(version: DatasetVersion, query: Query) -> tuple[Path, bool]:
    """The stored file when the whole table is asked for; else the filtered rows in a
    temporary file. The flag says whether the path is temporary."""
    if not (query.filters or query.conditions or query.q or query.fields or query.sort):
        return local_path(version), False
    handle = tempfile.NamedTemporaryFile(suffix=".parquet", delete=False)  # noqa: SIM115
    handle.close()
    writer = None
    for batch in batches(version, query):
        if writer is None:
            writer = pq.ParquetWriter(handle.name, batch.schema, compression="zstd")
        writer.write_batch(batch)
    if writer is None:
        pq.write_table(pq.read_schema(local_path(version)).empty_table(), handle.name)
    else:
        writer.close()
    return Path(handle.name), True


class _Removing(FileResponse):
    """A file response that deletes its temporary file once sent."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(path.open("rb"), **kwargs)
        self._path = path

    def close(self) -> None:
        super().close()
        self._path.unlink(missing_ok=True)


def download(
    dataset: Dataset,
    version: DatasetVersion,
    query: Query,
    fmt: str,
    about: dict[str, Any],
    *,
    matched: int,
) -> HttpResponseBase:
    """The response for one download of ``matched`` rows (``count`` has checked ``query``).
    ``X-Truncated: true`` only when rows were left out: past the export cap of a filtered
    download, or past a worksheet's last row in XLSX; the whole table is never cut."""
    filename = f"{dataset.slug}-v{version.number}.{SUFFIXES.get(fmt, fmt)}"
    response: HttpResponseBase
    if fmt in DIALECTS:
        response = StreamingHttpResponse(
            csv_chunks(version, query, DIALECTS[fmt]), content_type=MEDIA_TYPES[fmt]
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            json_chunks(version, query, about), content_type=MEDIA_TYPES[fmt]
        )
    elif fmt == "xlsx":
        response = _Removing(xlsx_path(version, query, dataset), content_type=MEDIA_TYPES[fmt])
    elif fmt == "parquet":
        path, temporary = parquet_path(version, query)
        response = (
            _Removing(path, content_type=MEDIA_TYPES[fmt])
            if temporary
            else FileResponse(path.open("rb"), content_type=MEDIA_TYPES[fmt])
        )
    else:
        raise ValueError(fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    limit = export_cap(query)
    if fmt == "xlsx":
        limit = XLSX_MAX_ROWS if limit is None else min(limit, XLSX_MAX_ROWS)
    response["X-Total-Rows"] = str(matched)
    response["X-Truncated"] = "true" if limit is not None and matched > limit else "false"
    return response
