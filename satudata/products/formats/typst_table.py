"""The table as Typst markup (``table_markup``, also placed in publications) and as PDF and PNG
compiled from it with the Typst compiler (no browser, no fonts fetched)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typst  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.translation import gettext as _

from satudata.catalog.letters import typst_text as e
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.formats.common import all_notes, file_name, grid, number_text, unit_line
from satudata.products.generated import GeneratedFile

# Above this many columns the page is turned to landscape.
LANDSCAPE_COLUMNS = 8


def _cell(
    text: str, *, bold: bool = False, colspan: int = 1, rowspan: int = 1, align: str = ""
) -> str:
    body = f"*{e(text)}*" if bold and text else e(text)
    options = []
    if colspan > 1:
        options.append(f"colspan: {colspan}")
    if rowspan > 1:
        options.append(f"rowspan: {rowspan}")
    if align:
        options.append(f"align: {align}")
    if options:
        return f"table.cell({', '.join(options)})[{body}]"
    return f"[{body}]"


def table_markup(cube: Cube, lang: str = "id") -> str:
    """The table as a Typst ``figure`` of kind ``table`` (so a publication's list of tables
    finds it): the title as its caption above, the heading's levels as header rows, the stub's
    categories down the side (an outer category written on its first row only), numbers
    printed the Indonesian way, then the unit, the notes and the source in small type. The
    markup sets nothing outside itself; a long table breaks across pages."""
    g = grid(cube)
    levels = g.spans()
    header_rows = max(len(levels), 1)
    stub_count = len(g.stub)
    value_columns = max(len(g.columns), 1)
    header: list[str] = [
        _cell(d.label, bold=True, rowspan=header_rows, align="left + bottom") for d in g.stub
    ]
    if levels:
        for level in levels:
            header.extend(
                _cell(c.label, bold=True, colspan=span, align="center") for c, span in level
            )
    else:
        header.append(_cell(cube.unit or _("Value"), bold=True, align="right"))
    body: list[str] = []
    markers: list[str] = []
    previous: tuple[Any, ...] = ()
    for r, row in enumerate(g.rows):
        for depth, category in enumerate(row):
            same = previous[: depth + 1] == row[: depth + 1] and depth < stub_count - 1
            body.append(_cell("" if same else category.label))
        previous = row
        for c in range(value_columns):
            position = g.position(r, c)
            text = number_text(cube.values[position], cube.decimals, cube.status.get(position, ""))
            note = cube.cell_notes.get(position)
            if note:
                markers.append(note)
                text_markup = f"{e(text)}#super[{len(markers)}]"
                body.append(f"table.cell(align: right)[{text_markup}]")
            else:
                body.append(f"table.cell(align: right)[{e(text)}]")
    columns = ", ".join(["auto"] * stub_count + ["auto"] * value_columns)
    foot = _foot(cube, markers)
    return (
        "#[\n#show figure: set block(breakable: true)\n"
        "#figure(kind: table, supplement: [" + e(_("Table") if lang != "id" else "Tabel") + "],\n"
        f"  caption: figure.caption(position: top)[{e(cube.title)}],\n"
        f"  table(columns: ({columns},), stroke: (x: none, y: 0.4pt + luma(160)),\n"
        f"    inset: (x: 4pt, y: 3pt),\n"
        f"    align: (x, y) => if x < {stub_count} {{ left }} else {{ right }},\n"
        f"    table.header({', '.join(header)}),\n"
        f"    {', '.join(body)}\n"
        "  )\n)\n"
        f"{foot}]\n"
    )


def _foot(cube: Cube, markers: list[str]) -> str:
    lines = []
    if unit_line(cube):
        lines.append(e(unit_line(cube)))
    lines.extend(e(f"Catatan: {note}") for note in all_notes(cube))
    lines.extend(f"#super[{i}] {e(note)}" for i, note in enumerate(markers, 1))
    if cube.source:
        lines.append(e(f"Sumber: {cube.source}"))
    if not lines:
        return ""
    return "#text(size: 8pt)[" + " \\\n".join(lines) + "]\n"


def document(cube: Cube, *, png: bool = False) -> str:
    """A one-table document: A4 (landscape for wide tables) for the PDF, a page the size of
    the table for the PNG."""
    wide = len(grid(cube).columns) > LANDSCAPE_COLUMNS
    page = (
        "#set page(width: auto, height: auto, margin: 12pt, fill: white)"
        if png
        else f'#set page(paper: "a4", flipped: {"true" if wide else "false"}, margin: 2cm)'
    )
    return f'{page}\n#set text(lang: "id", size: 9pt)\n' + table_markup(cube)


def _timestamp(cube: Cube) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(cube.updated).replace(microsecond=0)
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render(cube: Cube, fmt: str, **options: Any) -> GeneratedFile:
    """The table as PDF or PNG (``fmt``), compiled by Typst; the same cube gives the same
    bytes (the creation time is the data's)."""
    png = fmt == "png"
    if cube.cell_count > settings.TABLE_MAX_PRINT_CELLS:
        raise ProductError(
            _(
                "A table of %(cells)s cells is too large to print as PDF or PNG (at most "
                "%(cap)s). Choose fewer values, or download it as XLSX or CSV."
            )
            % {
                "cells": f"{cube.cell_count:,}".replace(",", "."),
                "cap": f"{settings.TABLE_MAX_PRINT_CELLS:,}".replace(",", "."),
            },
            "format",
        )
    source = document(cube, png=png)
    try:
        if png:
            pages = typst.compile(source.encode(), format="png", ppi=options.get("ppi", 144))
            content = pages[0] if isinstance(pages, list) else pages
        else:
            content = typst.compile(source.encode(), format="pdf", timestamp=_timestamp(cube))
    except BaseException as error:  # typst.TypstError, or a Rust panic (a BaseException)
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise ProductError(
            _("The table could not be typeset: %(error)s") % {"error": str(error)[:300]}, ""
        ) from None
    return GeneratedFile(
        format=fmt,
        name=file_name(cube, options.get("name", ""), fmt),
        content=bytes(content),
        media_type="image/png" if png else "application/pdf",
    )
