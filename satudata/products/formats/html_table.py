"""The table as accessible HTML: a ``<caption>``, header cells with ``scope`` and ids, every
data cell naming its headers (``headers``), notes as numbered footnotes linked both ways
(WCAG 2.1 technique H43 for tables with more than one level of headers)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from satudata.products.cube import Cube
from satudata.products.formats.common import all_notes, file_name, grid, number_text, unit_line
from satudata.products.generated import GeneratedFile


def table_html(cube: Cube, prefix: str = "tabel") -> SafeString:
    """The ``<table>`` and its footnotes, to place in a page; ``prefix`` starts every id, so
    that several tables can share a page."""
    g = grid(cube)
    p = str(escape(prefix))
    levels = g.spans()
    heading_rows = max(len(levels), 1)
    markers: list[tuple[str, str]] = []  # (id, note), numbered in order of appearance

    def marker(note: str) -> str:
        markers.append((f"{p}-n{len(markers) + 1}", note))
        number = len(markers)
        return (
            f'<sup><a href="#{p}-n{number}" id="{p}-m{number}" '
            f'aria-label="catatan {number}">{number}</a></sup>'
        )

    out = [f'<table class="tabel-statistik" id="{p}">']
    caption = str(escape(cube.title))
    if unit_line(cube):
        caption += f' <span class="tabel-satuan">({escape(unit_line(cube))})</span>'
    out.append(f"<caption>{caption}</caption>")
    out.append("<thead>")
    stub_ids = [f"{p}-s{i}" for i in range(len(g.stub))]
    column_ids: list[list[str]] = [[] for _ in g.columns]  # each column's heading cell ids
    for level, cells in enumerate(levels or [[]]):
        out.append("<tr>")
        if level == 0:
            for sid, dimension in zip(stub_ids, g.stub, strict=True):
                tall = f' rowspan="{heading_rows}"' if heading_rows > 1 else ""
                out.append(f'<th id="{sid}" scope="col"{tall}>{escape(dimension.label)}</th>')
        if not levels:
            out.append(f'<th id="{p}-v" scope="col">{escape(cube.unit or "Nilai")}</th>')
            for ids in column_ids:
                ids.append(f"{p}-v")
        start = 0
        for index, (category, span) in enumerate(cells):
            hid = f"{p}-h{level}-{index}"
            for c in range(start, start + span):
                column_ids[c].append(hid)
            start += span
            scope = "colgroup" if span > 1 else "col"
            colspan = f' colspan="{span}"' if span > 1 else ""
            out.append(f'<th id="{hid}" scope="{scope}"{colspan}>{escape(category.label)}</th>')
        out.append("</tr>")
    out.append("</thead>\n<tbody>")
    sizes = [len(d.categories) for d in g.stub]
    row_ids: list[str] = [""] * len(g.stub)
    for r, row in enumerate(g.rows):
        out.append("<tr>")
        for depth, category in enumerate(row):
            block = _block(sizes, depth)
            if r % block == 0:
                rid = f"{p}-r{depth}-{r // block}"
                row_ids[depth] = rid
                tall = f' rowspan="{block}"' if block > 1 else ""
                scope = "rowgroup" if block > 1 else "row"
                headers = " ".join([stub_ids[depth], *row_ids[:depth]])
                out.append(
                    f'<th id="{rid}" scope="{scope}"{tall} headers="{headers}">'
                    f"{escape(category.label)}</th>"
                )
        for c in range(max(len(g.columns), 1)):
            position = g.position(r, c)
            text = str(
                escape(
                    number_text(cube.values[position], cube.decimals, cube.status.get(position, ""))
                )
            )
            if position in cube.cell_notes:
                text += marker(cube.cell_notes[position])
            headers = " ".join([*row_ids, *column_ids[c]])
            out.append(f'<td class="num" headers="{headers}">{text}</td>')
        out.append("</tr>")
    out.append("</tbody>\n</table>")
    out.append(_footer(cube, markers))
    return mark_safe("\n".join(out))  # noqa: S308 - every text above is escaped


def _block(sizes: list[int], depth: int) -> int:
    """How many rows one category of stub level ``depth`` spans."""
    block = 1
    for size in sizes[depth + 1 :]:
        block *= size
    return block


def _footer(cube: Cube, markers: list[tuple[str, str]]) -> str:
    parts = ['<div class="tabel-keterangan">']
    notes = all_notes(cube)
    if notes:
        parts.append("<p>Catatan:</p><ul>")
        parts.extend(f"<li>{escape(note)}</li>" for note in notes)
        parts.append("</ul>")
    if markers:
        parts.append('<ol class="tabel-catatan-sel">')
        for number, (nid, note) in enumerate(markers, 1):
            back = nid.rsplit("-n", 1)[0] + f"-m{number}"
            parts.append(
                f'<li id="{nid}">{escape(note)} '
                f'<a href="#{back}" aria-label="kembali ke sel">↩</a></li>'
            )
        parts.append("</ol>")
    if cube.source:
        parts.append(f"<p>Sumber: {escape(cube.source)}</p>")
    parts.append("</div>")
    return "\n".join(parts) if len(parts) > 2 else ""


def render(cube: Cube, fmt: str = "html", **options: Any) -> GeneratedFile:
    """A standalone HTML page holding the table."""
    page = (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(cube.title)}</title>\n"
        "<style>table{border-collapse:collapse}th,td{border:1px solid #999;padding:.2em .5em}"
        "td{text-align:right}caption{font-weight:bold;text-align:left}</style>\n"
        f"</head>\n<body>\n{table_html(cube)}\n</body>\n</html>\n"
    )
    return GeneratedFile(
        format="html",
        name=file_name(cube, options.get("name", ""), "html"),
        content=page.encode(),
        media_type="text/html; charset=utf-8",
    )
