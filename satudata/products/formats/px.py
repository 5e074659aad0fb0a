"""The table as a PX file (PC-Axis, PX-file format 2013), for those who load tables into PxWeb
or PC-Axis: the keywords a PX reader requires (``MATRIX``, ``SUBJECT-CODE``,
``SUBJECT-AREA``, ``TITLE``, ``CONTENTS``, ``UNITS``, ``DECIMALS``, ``STUB``, ``HEADING``,
``VALUES`` and ``CODES`` per variable, ``DATA``) with the source, the update time and the
notes; UTF-8 (``CODEPAGE``). Cells follow the stub's then the heading's order, as the cube
keeps them; an empty cell is the PX missing-value symbol ``".."``."""

from __future__ import annotations

import datetime as dt
import re
from math import prod
from typing import Any

from satudata.products.cube import Cube
from satudata.products.formats.common import all_notes, data_value, file_name
from satudata.products.generated import GeneratedFile

MEDIA_TYPE = "application/octet-stream"
PER_LINE = 10  # values per line: PX readers want lines shorter than 256 characters


def _text(value: object) -> str:
    # PX has no escape for a double quote inside a string; line breaks end a keyword.
    return '"' + re.sub(r"[\r\n\t]+", " ", str(value)).replace('"', "'") + '"'


def _texts(values: list[str]) -> str:
    quoted = [_text(v) for v in values]
    lines = [",".join(quoted[i : i + PER_LINE]) for i in range(0, len(quoted), PER_LINE)]
    return ",\n".join(lines)


def _stamp(updated: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(updated)
    except ValueError:
        return ""
    return moment.strftime("%Y%m%d %H:%M")


def _number(value: float | None) -> str:
    clean = data_value(value)
    return '".."' if clean is None else str(clean)


def px_text(cube: Cube) -> str:
    label = {d.id: d.label for d in cube.dimensions}
    matrix = re.sub(
        r"[^A-Za-z0-9_]", "_", str((cube.extra.get("sources") or [{}])[0].get("dataset", "tabel"))
    )[:20]
    lines = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'CODEPAGE="utf-8";',
        'LANGUAGE="id";',
        f"DECIMALS={cube.decimals};",
        f"SHOWDECIMALS={cube.decimals};",
        f"MATRIX={_text(matrix or 'tabel')};",
        'SUBJECT-CODE="SATUDATA";',
        'SUBJECT-AREA="Satu Data";',
        f"TITLE={_text(cube.title)};",
        f"CONTENTS={_text(cube.title)};",
        f"UNITS={_text(cube.unit or '-')};",
    ]
    if cube.stub:
        lines.append(f"STUB={_texts([label[d] for d in cube.stub])};")
    if cube.heading:
        lines.append(f"HEADING={_texts([label[d] for d in cube.heading])};")
    for dimension in cube.dimensions:
        name = _text(dimension.label)
        lines.append(f"VALUES({name})={_texts([c.label for c in dimension.categories])};")
        lines.append(f"CODES({name})={_texts([c.code for c in dimension.categories])};")
    stamp = _stamp(cube.updated)
    if stamp:
        lines.append(f"LAST-UPDATED={_text(stamp)};")
    if cube.source:
        lines.append(f"SOURCE={_text(cube.source)};")
    if cube.extra.get("contact"):
        lines.append(f"CONTACT={_text(cube.extra['contact'])};")
    notes = all_notes(cube) + [note for _, note in sorted(cube.cell_notes.items())]
    if notes:
        lines.append(f"NOTE={_texts(notes)};")
    rows = prod(len(cube.dimension(d).categories) for d in cube.stub)
    width = max(1, cube.cell_count // max(1, rows))
    data = [
        " ".join(_number(v) for v in cube.values[i : i + width])
        for i in range(0, len(cube.values), width)
    ]
    lines.append("DATA=")
    lines.append("\n".join(data) + ";")
    return "\n".join(lines) + "\n"


def render(cube: Cube, fmt: str = "px", **options: Any) -> GeneratedFile:
    return GeneratedFile(
        format="px",
        name=file_name(cube, options.get("name", ""), "px"),
        content=px_text(cube).encode(),
        media_type=MEDIA_TYPE,
    )
