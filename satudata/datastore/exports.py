"""A version's table, whole or filtered, as the files people download: CSV (UTF-8 with a byte
order mark, so Excel reads the accents), XLSX with a metadata sheet, JSON and Parquet.

CSV and JSON stream batch by batch, so memory stays flat whatever the table's size; XLSX and a
filtered Parquet are written to a temporary file first (both formats need their end before
their start). The whole Parquet is the stored file itself.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import xlsxwriter
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.catalog.models import Dataset, DatasetVersion
from satudata.datastore.query import Query, batches, columns_of, local_path, plain

BOM = "\ufeff".encode()
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
XLSX_MAX_ROWS = 1_048_575  # a worksheet's limit, less the header


def csv_chunks(version: DatasetVersion, query: Query) -> Iterator[bytes]:
    yield BOM
    header = True
    for batch in batches(version, query):
        sink = io.BytesIO()
        pacsv.write_csv(batch, sink, pacsv.WriteOptions(include_header=header))
        header = False
        yield sink.getvalue()
    if header:  # no rows: the header alone
        yield (",".join(_names(version, query)) + "\n").encode()


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
    """A workbook with the rows on "Data" and what they mean on "Metadata"."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "in_memory": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Data")
    names = _names(version, query)
    for col, name in enumerate(names):
        sheet.write(0, col, name, bold)
    row_number = 1
    for batch in batches(version, query):
        for row in batch.to_pylist():
            if row_number > XLSX_MAX_ROWS:
                break
            for col, name in enumerate(names):
                value = row[name]
                if isinstance(value, date):
                    sheet.write_string(row_number, col, value.isoformat())
                elif value is not None:
                    sheet.write(row_number, col, value)
            row_number += 1
    meta = book.add_worksheet("Metadata")
    for line, (label, value) in enumerate(describe(dataset, version)):
        meta.write(line, 0, label, bold)
        meta.write(line, 1, value)
    line += 2
    for col, head in enumerate((_("Column"), _("Variable"), _("Type"), _("Unit"))):
        meta.write(line, col, head, bold)
    for column in version.columns:
        line += 1
        meta.write_row(
            line,
            0,
            [
                column["name"],
                column.get("variable", ""),
                column.get("data_type", ""),
                column.get("unit", ""),
            ],
        )
    meta.set_column(0, 0, 28)
    meta.set_column(1, 1, 60)
    book.close()
    return path


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
    """The response for one download of ``matched`` rows. ``X-Truncated: true`` when the export
    cap cut it short."""
    from django.conf import settings

    filename = f"{dataset.slug}-v{version.number}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(version, query), content_type=MEDIA_TYPES[fmt])
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
    limit = settings.DATASTORE_EXPORT_MAX_ROWS
    if fmt == "xlsx":
        limit = min(limit, XLSX_MAX_ROWS)
    response["X-Total-Rows"] = str(matched)
    response["X-Truncated"] = "true" if matched > limit else "false"
    return response
