"""The table as a JSON-stat 2.0 dataset (https://json-stat.org/full/), the API's default
format: ``id``/``size``/``dimension`` with each category's index and label, ``value`` in
row-major order, ``status`` for empty cells, notes, ``role`` (time, geo, metric), units on the
measure dimension's categories, and the platform's own metadata under ``extension``, the
convention of PxWebApi 2."""

from __future__ import annotations

import json
from typing import Any

from satudata.products.cube import Cube, Dimension
from satudata.products.formats.common import data_value, file_name
from satudata.products.generated import GeneratedFile

ROLES = {"time": "time", "region": "geo", "measure": "metric"}
MEDIA_TYPE = "application/json; charset=utf-8"


def _dimension(dimension: Dimension, cube: Cube) -> dict[str, Any]:
    category: dict[str, Any] = {
        "index": {c.code: i for i, c in enumerate(dimension.categories)},
        "label": {c.code: c.label for c in dimension.categories},
    }
    notes = {c.code: [c.note] for c in dimension.categories if c.note}
    if dimension.role == "measure":
        measures = {m["id"]: m for m in cube.extra.get("measures", [])}
        category["unit"] = {
            c.code: {
                "label": c.note or measures.get(c.code, {}).get("unit") or "",
                "decimals": measures.get(c.code, {}).get("decimals") or cube.decimals,
            }
            for c in dimension.categories
        }
    elif notes:
        category["note"] = notes
    body: dict[str, Any] = {"label": dimension.label, "category": category}
    if dimension.note:
        body["note"] = [dimension.note]
    return body


def _values(cube: Cube) -> list[Any]:
    # Integers (sums of counts) go as they are; the check inline, as tables reach 100,000 cells.
    return [v if v is None or type(v) is int else data_value(v) for v in cube.values]


def dataset(cube: Cube, *, values: bool = True) -> dict[str, Any]:
    """The JSON-stat object; without ``values`` (a table's metadata) every value is null."""
    roles: dict[str, list[str]] = {}
    for dimension in cube.dimensions:
        if dimension.role in ROLES:
            roles.setdefault(ROLES[dimension.role], []).append(dimension.id)
    body: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": cube.title,
        "source": cube.source,
        "id": [d.id for d in cube.dimensions],
        "size": cube.size,
        "dimension": {d.id: _dimension(d, cube) for d in cube.dimensions},
        "value": _values(cube) if values else [None] * cube.cell_count,
    }
    if cube.updated:
        body["updated"] = cube.updated
    if roles:
        body["role"] = roles
    if cube.status and values:
        body["status"] = {str(k): v for k, v in sorted(cube.status.items())}
    if cube.notes:
        body["note"] = list(cube.notes)
    body["extension"] = {
        "satudata": {
            "unit": cube.unit,
            "decimals": cube.decimals,
            "stub": cube.stub,
            "heading": cube.heading,
            "cellNote": {str(k): v for k, v in sorted(cube.cell_notes.items())},
            **{k: v for k, v in cube.extra.items() if k in ("aggregate", "sources", "contact")},
        }
    }
    return body


def render(cube: Cube, fmt: str = "json-stat", **options: Any) -> GeneratedFile:
    content = json.dumps(dataset(cube), ensure_ascii=False, separators=(",", ":"))
    return GeneratedFile(
        format="json-stat",
        name=file_name(cube, options.get("name", ""), "json"),
        content=content.encode(),
        media_type=MEDIA_TYPE,
    )
