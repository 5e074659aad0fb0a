"""The check's DuckDB workspace, its findings, and loading a table read in Python."""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.reading.cells import Cell, as_text
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.reading.sheets import place
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable
from satudata.catalog.sinkronisasi.reading.values import (
    infer_decimal_mark,
)
from satudata.core.recovery import TEMP_PREFIX

ERROR, WARNING = "error", "warning"
MAX_FINDINGS_PER_KIND = 200
WHITESPACE = " \t\r\n\u00a0"

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Finding:
    severity: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    suggestion: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: int
    warnings: int
    rows: int
    # Per column: how many cells hold no value, the markers written and where the first are.
    missing: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What the check decided and the user should know (the decimal mark of each number column).
    notices: list[Notice] = field(default_factory=list)
    # The region codes the region columns were read as (every region the table covers).
    region_codes: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return self.errors == 0


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Workspace:
    """A private DuckDB database in a temporary folder, removed on close."""

    def __init__(self) -> None:
        root = Path(settings.SYNC_WORK_DIR) if settings.SYNC_WORK_DIR else None
        if root:
            root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}sync-", dir=root))
        # In memory while it fits; past the memory limit DuckDB spills to the folder.
        self.con = duckdb.connect(str(self.folder / "work.duckdb"))
        self.con.execute(f"SET memory_limit = '{int(settings.SYNC_MEMORY_MB)}MB'")
        self.con.execute(f"SET temp_directory = {sql_text(str(self.folder / 'spill'))}")
        self.con.execute(f"SET threads = {int(settings.SYNC_THREADS)}")
        self.con.execute("SET preserve_insertion_order = true")
        # The folder is removed on close: writing the tables into its file first is wasted.
        self.con.execute("PRAGMA disable_checkpoint_on_shutdown")
        self.sheet = ""
        # The sheets stacked into ``src``, when more than one: ``_row`` then says which (place).
        self.sheets: list[str] = []
        self.columns: list[str] = []
        self.rows = 0
        self.typed_numbers: set[int] = set()
        # Whether ``src`` (and ``typed`` built from it) lists the rows in the file's order, so
        # that writing them needs no sort by ``_row``.
        self.src_in_order = False
        self.typed_in_order = False
        # Findings of the reading step (rows that could not be read) join the check's.
        self.read_findings: list[Finding] = []
        self.read_errors = 0

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def place(self, row: int) -> tuple[str, int]:
        """The sheet and the row number the user sees for ``_row``."""
        return place(self.sheets, row) if self.sheets else (self.sheet, row)

    def row_label(self, row: int) -> str:
        """``_row`` as the user finds it: the row, and its sheet when several were read."""
        sheet, number = self.place(row)
        if not self.sheets:
            return str(number)
        return _("%(row)s (sheet %(sheet)s)") % {"row": number, "sheet": sheet}

    def placed(self, finding: Finding) -> Finding:
        """``finding`` with the sheet and row of a stacked table's row."""
        if not self.sheets or finding.row is None:
            return finding
        sheet, row = self.place(finding.row)
        return replace(finding, sheet=sheet, row=row)


# --- Loading a table read in Python (spreadsheets, small text files) ---------------------------


_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+")


def _cell_text(cell: Cell, mark: str) -> str:
    """A cell as text the SQL number rules read back to the same value."""
    if type(cell) is str:
        return cell
    if isinstance(cell, bool):
        return as_text(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        text = as_text(cell)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        if _GROUPED.fullmatch(text):
            # A stored 4.512 written "4.512" would read as four thousand in a whole-number
            # column (thousands in groups of three); "4.5120" is the same number, never grouped.
            text += "0"
        return text.replace(".", mark) if mark == "," else text
    return as_text(cell)


def load_sheet(ws: Workspace, table: SheetTable) -> None:
    """``src`` from a table already read into memory."""
    arrays = [pa.array(table.row_numbers, pa.int64())]
    names = ["_row"]
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows]
        # The mark matters only for numbers the spreadsheet stored as numbers; text is read in
        # SQL, where the mark is decided again from the column's own text.
        mark = infer_decimal_mark(
            itertools.islice((c for c in cells if isinstance(c, str) and c[-1:].isdigit()), 5000)
        )
        arrays.append(pa.array([_cell_text(c, mark) for c in cells], pa.string()))
        names.append(f"c{index}")
    arrow_table = pa.Table.from_arrays(arrays, names=names)  # noqa: F841 (read by DuckDB)
    ws.con.execute("CREATE TABLE src AS SELECT * FROM arrow_table")
    ws.sheet, ws.columns, ws.rows = table.sheet, list(table.columns), len(table.rows)
    ws.sheets = list(table.sheets)
    ws.typed_numbers = _typed_number_columns(table)


def _typed_number_columns(table: SheetTable) -> set[int]:
    """Columns whose numbers the spreadsheet stored as numbers, with no number written as text
    with a mark: their decimal mark is the spreadsheet's, nothing was inferred."""
    typed = set()
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows]
        stored = any(isinstance(c, float) and not c.is_integer() for c in cells)
        written = any(
            isinstance(c, str) and c[-1:].isdigit() and ("," in c or "." in c) for c in cells
        )
        if stored and not written:
            typed.add(index)
    return typed
