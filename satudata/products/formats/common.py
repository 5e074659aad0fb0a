"""What every table renderer shares: the grid of stub rows and heading columns, numbers as an
Indonesian table prints them, and file names."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from math import prod

from satudata.products.cube import Category, Cube, Dimension

# JSON-stat's status symbols as the printed cell shows them.
MISSING = "..."


@dataclass
class Grid:
    """The presented table: ``rows`` (a category of each stub dimension per row) by
    ``columns`` (a category of each heading dimension per column). Because the cube's values
    are row-major with the stub's dimensions first, the cell at (r, c) is
    ``values[r * len(columns) + c]``."""

    stub: list[Dimension]
    heading: list[Dimension]
    rows: list[tuple[Category, ...]]
    columns: list[tuple[Category, ...]]

    def position(self, row: int, column: int) -> int:
        return row * len(self.columns) + column

    def spans(self) -> list[list[tuple[Category, int]]]:
        """Each heading level's cells as (category, how many columns it spans), outermost
        level first."""
        levels = []
        sizes = [len(d.categories) for d in self.heading]
        for level, dimension in enumerate(self.heading):
            span = prod(sizes[level + 1 :])
            repeat = prod(sizes[:level])
            levels.append([(c, span) for _ in range(repeat) for c in dimension.categories])
        return levels


def grid(cube: Cube) -> Grid:
    stub = [cube.dimension(d) for d in cube.stub]
    heading = [cube.dimension(d) for d in cube.heading]
    return Grid(
        stub=stub,
        heading=heading,
        rows=list(itertools.product(*(d.categories for d in stub))),
        columns=list(itertools.product(*(d.categories for d in heading))),
    )


def number_text(value: float | None, decimals: int, status: str = "") -> str:
    """A value as an Indonesian table prints it: ``.`` between thousands, ``,`` before the
    decimals ("12.345,6"); an empty cell as its status ("..." not available)."""
    if value is None:
        return status or MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def file_name(cube: Cube, name: str, extension: str) -> str:
    """A download's name: the name given, or the title, lower case with dashes (ONS style)."""
    base = re.sub(r"[^a-z0-9]+", "-", (name or cube.title).lower()).strip("-")[:150]
    return f"{base or 'tabel'}.{extension}"


def unit_line(cube: Cube) -> str:
    return f"Satuan: {cube.unit}" if cube.unit else ""


def data_value(value: float | None) -> float | int | None:
    """A value as data formats carry it: whole numbers as integers, other numbers without the
    last binary digits' noise (0.1 + 0.2 is 0.3)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return round(value, 9)
    return value


def all_notes(cube: Cube) -> list[str]:
    """The table's notes then each dimension's and each category's, as printed under a table
    (cell notes are numbered separately)."""
    notes = list(cube.notes)
    if cube.status:
        notes.append(f"{MISSING} data tidak tersedia")
    for dimension in cube.dimensions:
        if dimension.note:
            notes.append(f"{dimension.label}: {dimension.note}")
        notes.extend(f"{c.label}: {c.note}" for c in dimension.categories if c.note)
    return notes


def cell_place(cube: Cube, position: int) -> str:
    """Where a cell is, in words: its categories' labels ("Pringsewu, 2024")."""
    labels = []
    for dimension, size, stride in zip(cube.dimensions, cube.size, _strides(cube), strict=True):
        labels.append(dimension.categories[(position // stride) % size].label)
    return ", ".join(labels)


def _strides(cube: Cube) -> list[int]:
    sizes = cube.size
    return [prod(sizes[i + 1 :]) for i in range(len(sizes))]
