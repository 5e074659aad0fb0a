"""What kind of values a column holds, judged from all its cells, with the cells that differ."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from satudata.catalog.sinkronisasi.reading.cells import Cell, as_number, as_text
from satudata.catalog.sinkronisasi.reading.values import (
    MISSING,
    infer_decimal_mark,
    is_missing,
    parse_date,
)

INTEGER, DECIMAL, DATE, TEXT = "integer", "decimal", "date", "text"
# A column is numeric when at least this share of its filled cells are numbers; the rest are
# reported as cells to correct, not silently turned into text.
NUMERIC_SHARE = 0.8


@dataclass
class ColumnProfile:
    name: str
    kind: str
    decimal_mark: str = ","
    filled: int = 0
    missing: int = 0
    odd_rows: list[int] = field(default_factory=list)
    odd_values: list[str] = field(default_factory=list)


def _numbers(cells: list[Cell], mark: str) -> list[Decimal | None]:
    values = []
    for cell in cells:
        parsed = as_number(cell, decimal=mark)
        values.append(parsed if isinstance(parsed, Decimal) else None)
    return values


def profile_column(name: str, cells: list[Cell], row_numbers: list[int]) -> ColumnProfile:
    """The column's kind and the rows whose cells do not fit it (first 20 kept)."""
    texts = [as_text(cell).strip() for cell in cells]
    missing = sum(1 for t in texts if is_missing(t))
    filled = [
        (cell, number)
        for cell, text, number in zip(cells, texts, row_numbers, strict=True)
        if not is_missing(text)
    ]
    profile = ColumnProfile(name, TEXT, filled=len(filled), missing=missing)
    if not filled:
        return profile
    mark = infer_decimal_mark(as_text(c) for c, _ in filled if isinstance(c, str))
    numbers = _numbers([c for c, _ in filled], mark)
    numeric = sum(1 for n in numbers if n is not None)
    dates = Counter(parse_date(as_text(c)) not in (None, MISSING) for c, _ in filled)
    if numeric >= NUMERIC_SHARE * len(filled):
        whole = all(n == n.to_integral_value() for n in numbers if n is not None)
        profile.kind, profile.decimal_mark = (INTEGER if whole else DECIMAL), mark
        odd = [(c, r) for (c, r), n in zip(filled, numbers, strict=True) if n is None]
    elif dates[True] >= NUMERIC_SHARE * len(filled):
        profile.kind = DATE
        odd = [(c, r) for c, r in filled if parse_date(as_text(c)) in (None, MISSING)]
    else:
        return profile
    profile.odd_rows = [r for _, r in odd[:20]]
    profile.odd_values = [as_text(c)[:50] for c, _ in odd[:20]]
    return profile
