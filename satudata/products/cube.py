"""A statistical table as a cube: the shape every product part agrees on.

The table builder (``satudata.products.tables``) makes a ``Cube`` from dataset versions and a
selection; the renderers (HTML, CSV, XLSX, JSON-stat, SDMX-CSV, PDF, PNG), the charts, the
infographics and the publications read it. Values are kept in JSON-stat's order: row-major over
``dimensions`` as listed, the stub's dimensions first, then the heading's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from math import prod
from typing import Any


@dataclass(frozen=True)
class Category:
    """One value of a dimension: its code, its label (MS-Var code list, region name), and a note
    shown beside it."""

    code: str
    label: str
    note: str = ""


@dataclass
class Dimension:
    """A dimension of the cube. ``role`` is "region", "time", "measure" or "code" (a variable's
    code list)."""

    id: str
    label: str
    role: str
    categories: list[Category]
    note: str = ""

    def index(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.categories)}


@dataclass
class Cube:
    title: str
    dimensions: list[Dimension]
    stub: list[str]
    heading: list[str]
    values: list[float | None]
    unit: str = ""
    decimals: int = 0
    source: str = ""
    notes: list[str] = field(default_factory=list)
    # A note on one cell, keyed by the position of the cell in ``values``.
    cell_notes: dict[int, str] = field(default_factory=dict)
    # JSON-stat's status of a cell ("-" nil, "..." not available), by position.
    status: dict[int, str] = field(default_factory=dict)
    updated: str = ""  # ISO 8601 time of the newest dataset version bound
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> list[int]:
        return [len(d.categories) for d in self.dimensions]

    @property
    def cell_count(self) -> int:
        return prod(self.size)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def records(self) -> Iterator[dict[str, Any]]:
        """Each cell as a tidy row: ``{dim: code, dim + "_label": label, ..., "value": v}``."""
        for position, combination in enumerate(
            itertools.product(*(d.categories for d in self.dimensions))
        ):
            row: dict[str, Any] = {}
            for dimension, category in zip(self.dimensions, combination, strict=True):
                row[dimension.id] = category.code
                row[f"{dimension.id}_label"] = category.label
            row["value"] = self.values[position]
            yield row
