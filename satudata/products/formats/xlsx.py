"""The table as a spreadsheet in the good-practice layout (ONS/GSS "Releasing statistics in
spreadsheets"): a cover sheet first with the title, source, contact and the date of the next
update; a notes sheet; the presented table on a sheet of its own; and beside it a tidy re-use
sheet (one row per cell). Titles in A1, no merged cells, no colour carrying meaning; numbers
are typed with a thousands-separator format, which Excel shows the Indonesian way ("1.234,5")
on an Indonesian system. Written by the platform's one XLSX writer (formula-safe)."""

from __future__ import annotations

from typing import Any

from satudata.core.spreadsheets import XLSX_MEDIA_TYPE, Workbook
from satudata.products.cube import Cube
from satudata.products.formats.common import (
    MISSING,
    all_notes,
    cell_place,
    data_value,
    file_name,
    grid,
    unit_line,
)
from satudata.products.generated import GeneratedFile

SHEETS = ("Sampul", "Catatan", "Tabel", "Data")


def render(cube: Cube, fmt: str = "xlsx", **options: Any) -> GeneratedFile:
    book = Workbook()
    styles = {
        "title": book.style(bold=True, font_size=14),
        "bold": book.style(bold=True),
        "head": book.style(bold=True, bottom=1, text_wrap=True, valign="bottom"),
        "number": book.style(
            num_format="#,##0" + ("." + "0" * cube.decimals if cube.decimals else "")
        ),
        "missing": book.style(align="right"),
    }
    _cover(book, cube, styles)
    _notes(book, cube, styles)
    _table(book, cube, styles)
    _data(book, cube, styles)
    return GeneratedFile(
        format="xlsx",
        name=file_name(cube, options.get("name", ""), "xlsx"),
        content=book.to_bytes(),
        media_type=XLSX_MEDIA_TYPE,
    )


def _cover(book: Workbook, cube: Cube, styles: dict[str, Any]) -> None:
    sheet = book.add_sheet("Sampul")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 90)
    sheet.write(0, 0, cube.title, styles["title"])
    rows = [
        ("Sumber", cube.source),
        ("Satuan", cube.unit),
        ("Diperbarui", cube.updated[:10]),
        ("Pembaruan berikutnya", cube.extra.get("next_update") or "Lihat kalender rilis"),
        ("Kontak", cube.extra.get("contact") or ""),
    ]
    for offset, source in enumerate(cube.extra.get("sources") or []):
        rows.append(
            (
                "Dataset" if offset == 0 else "",
                f"{source['title']} (versi {source['version']})",
            )
        )
    rows += [
        ("", ""),
        ("Isi", ""),
        ("Catatan", "Catatan tabel"),
        ("Tabel", "Tabel untuk dibaca"),
        ("Data", "Data rapi untuk diolah ulang: satu baris per sel"),
    ]
    for r, (label, value) in enumerate(rows, start=2):
        sheet.write(r, 0, label, styles["bold"])
        sheet.write(r, 1, value)


def _notes(book: Workbook, cube: Cube, styles: dict[str, Any]) -> None:
    sheet = book.add_sheet("Catatan")
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 100)
    sheet.write(0, 0, "Catatan", styles["title"])
    notes = [("Tabel", note) for note in all_notes(cube)]
    notes += [(cell_place(cube, p), note) for p, note in sorted(cube.cell_notes.items())]
    if not notes:
        sheet.write(2, 0, "Tabel ini tidak memiliki catatan.")
        return
    sheet.write_row(2, 0, ["Berlaku untuk", "Catatan"], styles["head"])
    for r, (where, note) in enumerate(notes, start=3):
        sheet.write_row(r, 0, [where, note])


def _table(book: Workbook, cube: Cube, styles: dict[str, Any]) -> None:
    g = grid(cube)
    sheet = book.add_sheet("Tabel")
    sheet.write(0, 0, cube.title, styles["title"])
    sheet.write(1, 0, unit_line(cube))
    stub_count = len(g.stub)
    top = 3
    levels = g.spans()
    # Each heading level on a row of its own, every column labelled in full (no merged cells):
    # a screen reader and a formula both read one cell per column.
    for level, dimension in enumerate(g.heading):
        sheet.write(top + level, 0, dimension.label, styles["head"])
        for c, column in enumerate(g.columns):
            sheet.write(top + level, stub_count + c, column[level].label, styles["head"])
    header_row = top + max(len(levels), 1) - 1
    for s, dimension in enumerate(g.stub):
        sheet.write(header_row, s, dimension.label, styles["head"])
    if not levels:
        sheet.write(header_row, stub_count, cube.unit or "Nilai", styles["head"])
    first = header_row + 1
    for r, row in enumerate(g.rows):
        sheet.write_row(first + r, 0, [c.label for c in row])
        for c in range(max(len(g.columns), 1)):
            position = g.position(r, c)
            value = cube.values[position]
            if value is None:
                sheet.write(
                    first + r,
                    stub_count + c,
                    cube.status.get(position) or MISSING,
                    styles["missing"],
                )
            else:
                sheet.write(first + r, stub_count + c, value, styles["number"])
    end = first + len(g.rows) + 1
    if cube.source:
        sheet.write(end, 0, f"Sumber: {cube.source}")
    sheet.set_column(0, max(stub_count - 1, 0), 24)
    sheet.set_column(stub_count, stub_count + max(len(g.columns), 1) - 1, 14)
    sheet.freeze_panes(first, stub_count)


def _data(book: Workbook, cube: Cube, styles: dict[str, Any]) -> None:
    sheet = book.add_sheet("Data")
    header = []
    for dimension in cube.dimensions:
        header += [dimension.id, f"{dimension.id}_label"]
    header += ["nilai", "status"]
    sheet.write_row(0, 0, header, styles["head"])
    for r, record in enumerate(cube.records(), start=1):
        row: list[Any] = []
        for dimension in cube.dimensions:
            row += [record[dimension.id], record[f"{dimension.id}_label"]]
        row += [data_value(record["value"]), cube.status.get(r - 1, "")]
        sheet.write_row(r, 0, row)
    sheet.freeze_panes(1, 0)
