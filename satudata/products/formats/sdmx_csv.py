"""The table as SDMX-CSV 2.0 (sdmx-twg/sdmx-csv field guide): ``STRUCTURE``, ``STRUCTURE_ID``,
``ACTION``, a column per dimension, ``OBS_VALUE`` (``NaN`` where intentionally missing), then
the unit as an attribute; one row per cell. Labels: ``id`` (codes), ``name`` or ``both``
(``code: label``), as the SDMX ``labels`` option says."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from satudata.core.spreadsheets import csv_bytes
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.formats.common import data_value, file_name
from satudata.products.generated import GeneratedFile

MEDIA_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
AGENCY = "SATUDATA"


def structure_id(cube: Cube) -> str:
    """``AGENCY:ID(VERSION)``: the dataflow of the first dataset bound, at its version."""
    sources = cube.extra.get("sources") or []
    if not sources:
        return f"{AGENCY}:TABEL(1.0)"
    first = sources[0]
    name = re.sub(r"[^A-Z0-9_]", "_", str(first["dataset"]).upper())[:50] or "TABEL"
    return f"{AGENCY}:{name}({first['version']}.0)"


def render(cube: Cube, fmt: str = "sdmx-csv", **options: Any) -> GeneratedFile:
    labels = options.get("labels", "id")
    if labels not in ("id", "name", "both"):
        raise ProductError(
            _("Write id, name or both, not %(value)s.") % {"value": repr(labels)[:40]}, "labels"
        )
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    header += [d.id.upper() for d in cube.dimensions]
    header += ["OBS_VALUE", "UNIT_MEASURE"]
    sid = structure_id(cube)
    rows = []
    for record in cube.records():
        row: list[Any] = ["dataflow", sid, "I"]
        for dimension in cube.dimensions:
            code, label = record[dimension.id], record[f"{dimension.id}_label"]
            row.append({"id": code, "name": label, "both": f"{code}: {label}"}[labels])
        value = data_value(record["value"])
        row += ["NaN" if value is None else value, cube.unit]
        rows.append(row)
    return GeneratedFile(
        format="sdmx-csv",
        name=file_name(cube, options.get("name", ""), "sdmx.csv"),
        content=csv_bytes(header, rows, bom=False),
        media_type=MEDIA_TYPE,
    )
