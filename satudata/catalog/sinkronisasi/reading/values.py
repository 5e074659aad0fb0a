"""Reading one cell as people write numbers, percentages, dates and "no data" in Indonesia.

Numbers: ``1.234,56`` (Indonesian), ``1,234.56`` (English), ``1 234``, ``12,5%``. A column's
decimal mark is decided once from a sample (``infer_decimal_mark``), because ``1.234`` alone is
a thousand in Indonesian and one-point-two in English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

NO_DATA_MARKERS = frozenset(
    {
        "",
        "-",
        "–",
        "—",
        "…",
        "...",
        "..",
        "na",
        "n/a",
        "n.a",
        "n.a.",
        "nan",
        "null",
        "none",
        "tidak ada data",
        "tad",
        "x",
    }
)
# What a spreadsheet shows when a formula failed (Excel, LibreOffice, Google Sheets). Such a cell
# holds no value, but unlike "-" nobody meant it: it is reported where it is, never silently
# read as missing.
ERROR_MARKERS = frozenset(
    {
        "#div/0!",
        "#ref!",
        "#n/a",
        "#value!",
        "#name?",
        "#num!",
        "#null!",
        "#spill!",
        "#calc!",
        "#field!",
        "#blocked!",
        "#connect!",
        "#busy!",
        "#unknown!",
        "#getting_data",
        "#error!",
    }
)
# LibreOffice writes its own codes ("Err:502") where Excel writes a marker.
_LIBREOFFICE_ERROR = re.compile(r"^err:\d{3}$")
# Cells that hold no value, whichever the reason: the layout rules and the column profiles read
# both kinds alike; the synchronisation check tells them apart.
MISSING_MARKERS = NO_DATA_MARKERS | ERROR_MARKERS


def is_error_marker(cell: str) -> bool:
    """Whether ``cell`` is a spreadsheet's error display (``#REF!``, ``#DIV/0!``, ``Err:502``)."""
    text = cell.strip().lower()
    return text in ERROR_MARKERS or bool(_LIBREOFFICE_ERROR.match(text))


class Missing:
    """The value of a cell that says "no data"."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = Missing()


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING_MARKERS or is_error_marker(cell)


_NUMBER_CHARS = re.compile(r"^[+-]?[\d.,\s\u00a0']+%?$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def looks_numeric(cell: str) -> bool:
    text = cell.strip()
    return bool(text) and bool(_NUMBER_CHARS.match(text)) and any(c.isdigit() for c in text)


def infer_decimal_mark(cells: Iterable[str], votes: dict[str, int] | None = None) -> str:
    """``,`` or ``.``: which mark separates decimals in this column.

    Evidence, strongest first: both marks in one number (the later one is decimal); a mark
    followed by other than three digits (decimal); otherwise Indonesian practice, the comma.
    ``votes`` are those already counted elsewhere for other cells of the column.
    """
    votes = {",": 0, ".": 0, **(votes or {})}
    for cell in cells:
        text = cell.strip().rstrip("%").replace(" ", "").replace("\u00a0", "")
        if not looks_numeric(text):
            continue
        last_dot, last_comma = text.rfind("."), text.rfind(",")
        if last_dot >= 0 and last_comma >= 0:
            votes["." if last_dot > last_comma else ","] += 3
            continue
        for mark in (",", "."):
            parts = text.split(mark)
            if len(parts) == 2 and len(parts[1]) != 3:
                votes[mark] += 2
            elif len(parts) > 2:
                # 1.234.567: a mark repeated can only be a thousands separator.
                votes["," if mark == "." else "."] += 2
    return "." if votes["."] > votes[","] else ","


def parse_number(cell: str, *, decimal: str = ",") -> Decimal | Missing | None:
    """The number in ``cell``; MISSING for a "no data" marker; None when it is not a number."""
    text = cell.strip()
    if is_missing(text):
        return MISSING
    percent = text.endswith("%")
    text = text.rstrip("%").strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not looks_numeric(text):
        return None
    thousands = "." if decimal == "," else ","
    text = text.replace(thousands, "").replace(decimal, ".")
    if text.count(".") > 1:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value / 100 if percent else value


MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    # English names appear in files exported by English-language software.
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "aug": 8,
    "october": 10,
    "oct": 10,
    "december": 12,
    "dec": 12,
}
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(cell: str) -> dt.date | Missing | None:
    """A date written as ``17 Agustus 2025``, ``17/08/2025`` (day first), ``2025-08-17`` or
    ``Agustus 2025`` (the first of the month); MISSING for a marker; None otherwise."""
    text = " ".join(cell.strip().split())
    if is_missing(text):
        return MISSING
    try:
        if match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _NUMERIC_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _WORD_DATE.match(text):
            named = MONTHS.get(match.group(2).lower())
            return dt.date(int(match.group(3)), named, int(match.group(1))) if named else None
        if match := _MONTH_YEAR.match(text):
            named = MONTHS.get(match.group(1).lower())
            return dt.date(int(match.group(2)), named, 1) if named else None
    except ValueError:
        return None
    return None
