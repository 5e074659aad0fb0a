"""Finding the column separator: comma, semicolon, tab or pipe.

Excel in an Indonesian locale writes ``;`` (the comma is the decimal mark), other tools write
``,``; some systems export tab or pipe. The separator chosen is the one that splits the sample
into the same number of columns (more than one) on the most lines, quotes respected.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

CANDIDATES = (",", ";", "\t", "|")


def _score(lines: list[str], delimiter: str) -> tuple[int, int]:
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error:  # a cell past the reader's limit when split by this candidate
        return (0, 0)
    widths = Counter(len(row) for row in rows if any(cell.strip() for cell in row))
    if not widths:
        return (0, 0)
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    return (count if width > 1 else 0, width)


def detect_delimiter(text: str, *, sample_lines: int = 200) -> str:
    """The most likely separator of ``text``; a comma when nothing splits the lines."""
    lines = [line for line in text.splitlines()[:sample_lines] if line.strip()]
    best = max(CANDIDATES, key=lambda d: _score(lines, d))
    return best if _score(lines, best)[0] else ","
