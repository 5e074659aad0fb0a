"""What the reader understood or set aside, said to the user in their language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Notice:
    """One thing the reader did that the user should see before confirming.

    ``row`` is the row number as the user sees it in the file (1-based); None for the whole file.
    """

    code: str
    message: str
    row: int | None = None


# The notices both readers give (the row reader for small files, the bulk reader for large
# ones): one wording each, wherever the rule is applied.


def footnote(row: int, text: str) -> Notice:
    return Notice(
        "footnote",
        _("Row %(row)s was read as a note below the table and left out: “%(text)s”.")
        % {"row": row, "text": text[:80]},
        row=row,
    )


def total_row(row: int, text: str) -> Notice:
    return Notice(
        "total_row",
        _(
            "Row %(row)s is a total (“%(text)s”) and was left "
            "out; totals are computed from the data."
        )
        % {"row": row, "text": text[:40]},
        row=row,
    )


def blank_rows(count: int) -> Notice:
    return Notice(
        "blank_rows",
        _("%(count)s empty rows inside the table were left out.") % {"count": count},
    )


def ragged_rows(rows: list[int]) -> Notice:
    return Notice(
        "ragged_rows",
        _(
            "Rows %(rows)s have more cells than the header "
            "has columns; the extra cells were ignored. Check those rows."
        )
        % {"rows": ", ".join(str(n) for n in rows[:10])},
        row=rows[0],
    )


def mixed_encoding(rows: list[int]) -> Notice:
    return Notice(
        "mixed_encoding",
        _(
            "The file mixes encodings: rows %(rows)s%(more)s are not UTF-8 and were "
            "read as Windows-1252. Check the letters with accents in those rows."
        )
        % {"rows": ", ".join(str(n) for n in rows[:10]), "more": "…" if len(rows) > 10 else ""},
        row=rows[0],
    )


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
}


def encoding_read(encoding: str) -> Notice:
    """Which encoding the text was read in, named as a person knows it."""
    if encoding == "utf-8+cp1252":
        name = _("UTF-8, with some lines in Windows-1252")
    else:
        name = ENCODING_NAMES.get(encoding, encoding.upper())
    return Notice("encoding", _("The text was read as %(name)s.") % {"name": name})


def sheets_read(sheets: list[str], chosen: str) -> Notice:
    """Which sheets the workbook has and which one was read."""
    if len(sheets) == 1:
        return Notice(
            "sheets", _("The workbook has one sheet, “%(sheet)s”; it was read.") % {"sheet": chosen}
        )
    return Notice(
        "sheets",
        _("The workbook has %(count)s sheets (%(names)s); the sheet “%(sheet)s” was read.")
        % {
            "count": len(sheets),
            "names": ", ".join(f"“{name}”" for name in sheets[:20])
            + ("…" if len(sheets) > 20 else ""),
            "sheet": chosen,
        },
    )
