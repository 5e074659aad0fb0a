"""Finding the table inside a sheet: titles above it, a header of one to three rows (merged
cells flattened into one name per column), total rows and footnotes below it.

Works on rows of strings as a CSV reader or a spreadsheet reader gives them; row numbers in the
notices are 1-based positions in that list, which is what the user sees in Excel.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading import notices as notices_of
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.values import is_error_marker, is_missing, looks_numeric

MAX_HEADER_ROWS = 3
_YEAR = re.compile(r"^(19|20)\d{2}$")
# The whole cell must be the word: "Jumlah Puskesmas" is a variable, "Jumlah" or
# "Jumlah Kabupaten" is a total row.
TOTAL = re.compile(
    r"^(jumlah|total|grand total|jumlah total|jumlah/total|rata-rata|rata rata)"
    r"(\s+(seluruhnya|keseluruhan|kabupaten|kab\.?|kota|provinsi)\b.*)?\s*:?$",
    re.IGNORECASE,
)
FOOTNOTE = re.compile(
    r"^(sumber|catatan|keterangan|ket\.|ket :|ket:|note|notes|source|\*|\d\))",
    re.IGNORECASE,
)


@dataclass
class TableLayout:
    columns: list[str]
    header_rows: list[int]
    data_rows: list[int]
    total_rows: list[int] = field(default_factory=list)
    footnote_rows: list[int] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def _filled(row: list[str]) -> list[str]:
    return [cell.strip() for cell in row if cell.strip()]


def _last_filled(row: list[str]) -> int:
    return max((i + 1 for i, cell in enumerate(row) if cell.strip()), default=0)


def _is_data_like(row: list[str]) -> bool:
    """A row holding at least one number that is not a year label or a missing marker, or a
    spreadsheet error (a header never shows a failed formula)."""
    return any(
        (looks_numeric(cell) and not _YEAR.match(cell.strip())) or is_error_marker(cell)
        for cell in row
        if cell.strip() and (not is_missing(cell) or is_error_marker(cell))
    )


def _is_sparse(row: list[str], width: int) -> bool:
    """A row with one thing written in it: a title or a note. A title merged across the table
    arrives with its text in every cell of the merged range, so one repeated text counts as one;
    a row of equal numbers is still data."""
    filled = _filled(row)
    if width <= 2:
        return False
    if len(filled) <= 1:
        return True
    cells = [cell.strip() for cell in row]
    first = next(i for i, cell in enumerate(cells) if cell)
    last = max(i for i, cell in enumerate(cells) if cell)
    merged = all(cells[first : last + 1]) and len(set(filled)) == 1
    return merged and not _is_data_like(row)


def _flatten(header: list[list[str]], width: int) -> list[str]:
    rows = [row + [""] * (width - len(row)) for row in header]
    # A merged cell spanning columns is read as text in its first column only: carry it right
    # over the columns that have a sub-heading below.
    for upper in rows[:-1]:
        carried = ""
        for index in range(width):
            if upper[index].strip():
                carried = upper[index].strip()
            elif carried and rows[-1][index].strip():
                upper[index] = carried
    names = []
    for index in range(width):
        parts: list[str] = []
        for row in rows:
            part = " ".join(row[index].split())
            if part and part not in parts:
                parts.append(part)
        names.append(" - ".join(parts))
    return names


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(names, start=1):
        base = name or f"kolom_{index}"
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return result


def detect_layout(rows: list[list[str]]) -> TableLayout:
    """Where the header, the data, the totals and the footnotes are in ``rows``."""
    width = max((len(row) for row in rows if _filled(row)), default=0)
    while width and all(len(r) < width or not r[width - 1].strip() for r in rows):
        width -= 1
    notices: list[Notice] = []
    start = next((i for i, r in enumerate(rows) if _filled(r) and not _is_sparse(r, width)), None)
    if start is None:
        return TableLayout(
            [],
            [],
            [],
            notices=[
                Notice(
                    "no_table",
                    _("No table was found: the sheet has no row with two or more filled cells."),
                )
            ],
        )
    for index in range(start):
        if _filled(rows[index]):
            notices.append(
                Notice(
                    "title_row",
                    _("Row %(row)s was read as a title and left out: “%(text)s”.")
                    % {"row": index + 1, "text": _filled(rows[index])[0][:80]},
                    row=index + 1,
                )
            )
    first_data = next((i for i in range(start, len(rows)) if _is_data_like(rows[i])), None)
    if first_data is not None and first_data - start <= MAX_HEADER_ROWS and first_data > start:
        header_rows = [i for i in range(start, first_data) if _filled(rows[i])]
    else:
        header_rows = [start]
    end = len(rows)
    footnotes: list[int] = []
    while end > header_rows[-1] + 1:
        row = rows[end - 1]
        cells = _filled(row)
        if not cells:
            end -= 1
        elif FOOTNOTE.match(cells[0]) or _is_sparse(row, width):
            footnotes.insert(0, end - 1)
            end -= 1
        else:
            break
    for index in footnotes:
        notices.append(notices_of.footnote(index + 1, _filled(rows[index])[0]))
    data, totals, blanks = [], [], 0
    for index in range(header_rows[-1] + 1, end):
        cells = _filled(rows[index])
        if not cells:
            blanks += 1
        elif any(TOTAL.match(cell) for cell in cells[:2]):
            totals.append(index)
            notices.append(notices_of.total_row(index + 1, cells[0]))
        else:
            data.append(index)
    if blanks:
        notices.append(notices_of.blank_rows(blanks))
    # Cells beyond both the header and the usual row length are ragged, not a column.
    header_width = max(_last_filled(rows[i]) for i in header_rows)
    lengths = Counter(_last_filled(rows[i]) for i in data)
    width = max(header_width, lengths.most_common(1)[0][0] if lengths else 0)
    columns = _unique(_flatten([rows[i][:width] for i in header_rows], width))
    if len(header_rows) > 1:
        notices.append(
            Notice(
                "merged_header",
                _(
                    "The header spans rows %(first)s–%(last)s; its "
                    "cells were joined into one name per column."
                )
                % {"first": header_rows[0] + 1, "last": header_rows[-1] + 1},
            )
        )
    return TableLayout(columns, header_rows, data, totals, footnotes, notices)
