"""The table as tidy CSV: one row per cell, a column per dimension (its codes, its labels, or
both), then the value; UTF-8 with a byte order mark, written by the platform's one CSV
writer (formula-safe)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from satudata.core.spreadsheets import CSV_MEDIA_TYPE, INDONESIAN, STANDARD, csv_bytes
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.formats.common import data_value, file_name
from satudata.products.generated import GeneratedFile

LABELS = ("codes", "labels", "both")


def header_and_rows(cube: Cube, labels: str) -> tuple[list[str], list[list[Any]]]:
    if labels not in LABELS:
        raise ProductError(
            _("Write codes, labels or both, not %(value)s.") % {"value": repr(labels)[:40]},
            "labels",
        )
    header: list[str] = []
    for dimension in cube.dimensions:
        if labels in ("codes", "both"):
            header.append(dimension.id)
        if labels in ("labels", "both"):
            header.append(dimension.label if labels == "labels" else f"{dimension.id}_label")
    header.append("nilai")
    rows = []
    for record in cube.records():
        row: list[Any] = []
        for dimension in cube.dimensions:
            if labels in ("codes", "both"):
                row.append(record[dimension.id])
            if labels in ("labels", "both"):
                row.append(record[f"{dimension.id}_label"])
        row.append(data_value(record["value"]))
        rows.append(row)
    return header, rows


def render(cube: Cube, fmt: str = "csv", **options: Any) -> GeneratedFile:
    """``labels`` "codes", "labels" or "both" (default); ``separator`` "," (default) or ";"
    (with a decimal comma, as Excel opens it in an Indonesian locale)."""
    header, rows = header_and_rows(cube, options.get("labels", "both"))
    dialect = INDONESIAN if options.get("separator") == ";" else STANDARD
    return GeneratedFile(
        format="csv",
        name=file_name(cube, options.get("name", ""), "csv"),
        content=csv_bytes(header, rows, dialect),
        media_type=CSV_MEDIA_TYPE,
    )
