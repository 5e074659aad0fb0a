"""The synchronisation check: a table's cells against its variables' metadata (MS-Var).

Each finding says where (sheet, Excel row, column, value), what is wrong in the user's language,
and what to do; an error blocks the upload, a warning does not. This is the row-by-row engine
for tables of ordinary size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from satudata.catalog.models import DataType, Variable
from satudata.catalog.reading.cells import Cell, as_number, as_text
from satudata.catalog.reading.spreadsheet import SheetTable
from satudata.catalog.reading.values import MISSING, infer_decimal_mark, is_missing, parse_date
from satudata.catalog.rules import Rules, compile_rules
from satudata.regions.matching import RegionIndex
from satudata.regions.models import CODE_PATTERN, Region
from satudata.regions.names import name_key

ERROR, WARNING = "error", "warning"
MAX_FINDINGS_PER_COLUMN = 200


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


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def suggest_mapping(columns: list[str], variables: Iterable[Variable]) -> dict[int, Variable]:
    """Column index -> variable, by exact name or alias first, then by close names."""
    choices = list(variables)
    mapping: dict[int, Variable] = {}
    keys = {_norm(label): v for v in choices for label in (v.name, v.alias) if label}
    for index, column in enumerate(columns):
        variable = keys.get(_norm(column))
        if variable is None:
            found = process.extractOne(
                column,
                {v.pk: v.name for v in choices},
                scorer=fuzz.token_set_ratio,
                score_cutoff=90,
            )
            variable = next((v for v in choices if found and v.pk == found[2]), None)
        if variable is not None and variable not in mapping.values():
            mapping[index] = variable
    return mapping


class _ColumnChecker:
    def __init__(
        self,
        table: SheetTable,
        index: int,
        variable: Variable,
        regions: RegionIndex | None,
        known_codes: set[str],
    ) -> None:
        self.table, self.index, self.variable = table, index, variable
        self.column = table.columns[index]
        self.rules: Rules = compile_rules(variable.rules)
        self.regions, self.known_codes = regions, known_codes
        self.codes = {c.code.strip().lower(): c for c in variable.codes.all()}
        self.labels = {c.label.strip().lower(): c for c in variable.codes.all()}
        cells = [row[index] for row in table.rows]
        self.mark = infer_decimal_mark(c for c in cells if isinstance(c, str))
        self.findings: list[Finding] = []

    def add(self, severity: str, row: int, value: str, message: str, suggestion: str = "") -> None:
        if len(self.findings) < MAX_FINDINGS_PER_COLUMN:
            self.findings.append(
                Finding(
                    severity, self.table.sheet, row, self.column, value[:100], message, suggestion
                )
            )

    def run(self) -> list[Finding]:
        for cells, row in zip(self.table.rows, self.table.row_numbers, strict=True):
            cell = cells[self.index]
            text = as_text(cell).strip()
            if is_missing(text):
                if self.rules.required:
                    self.add(
                        ERROR,
                        row,
                        text,
                        _("This column may not be empty."),
                        _("Fill in the value, or ask the Walidata whether it may be missing."),
                    )
                continue
            self.check(cell, text, row)
        return self.findings

    def check(self, cell: Cell, text: str, row: int) -> None:
        kind = self.variable.data_type
        if kind in (DataType.INTEGER, DataType.DECIMAL, DataType.YEAR):
            self.check_number(cell, text, row)
        elif kind == DataType.DATE:
            if parse_date(text) in (None, MISSING):
                self.add(
                    ERROR,
                    row,
                    text,
                    _("Not a date."),
                    _("Write dates like 17 Agustus 2025 or 17/08/2025."),
                )
        elif kind == DataType.REGION:
            self.check_region(text, row)
        elif kind == DataType.CATEGORY:
            self.check_category(text, row)
        else:
            problem = self.rules.check_text(text)
            if problem:
                self.add(ERROR, row, text, problem)

    def check_number(self, cell: Cell, text: str, row: int) -> None:
        value = as_number(cell, decimal=self.mark)
        if not isinstance(value, Decimal):
            self.add(
                ERROR,
                row,
                text,
                _("Not a number."),
                _("Write only the number; put units in the column name."),
            )
            return
        kind = self.variable.data_type
        if kind in (DataType.INTEGER, DataType.YEAR) and value != value.to_integral_value():
            self.add(ERROR, row, text, _("Must be a whole number."))
            return
        if kind == DataType.YEAR and not 1900 <= value <= 2100:
            self.add(ERROR, row, text, _("Not a year."))
            return
        problem = self.rules.check_number(value)
        if problem:
            self.add(ERROR, row, text, problem)

    def check_region(self, text: str, row: int) -> None:
        if CODE_PATTERN.match(text):
            if text not in self.known_codes:
                self.add(
                    ERROR,
                    row,
                    text,
                    _("No region has this Kemendagri code."),
                    _("Check the code in the region list."),
                )
            return
        matches = self.regions.match(text, limit=3) if self.regions else []
        if matches and matches[0].is_exact and len(matches) == 1:
            region = matches[0].region
            self.add(
                WARNING,
                row,
                text,
                _("A name where a code is expected."),
                _("Use the code %(code)s (%(name)s).") % {"code": region.code, "name": region.name},
            )
        else:
            names = "; ".join(f"{m.region.code} {m.region.name}" for m in matches)
            self.add(
                ERROR,
                row,
                text,
                _("Not a region code, and the name is not certain."),
                _("Perhaps: %(names)s.") % {"names": names}
                if names
                else _("Use the Kemendagri code of the region."),
            )

    def check_category(self, text: str, row: int) -> None:
        key = text.lower()
        if (
            key in self.codes
            or key in self.labels
            or name_key(text) in {name_key(label) for label in self.labels}
        ):
            return
        close = process.extract(
            text,
            [c.label for c in self.codes.values()],
            scorer=fuzz.ratio,
            limit=2,
            score_cutoff=70,
        )
        hint = "; ".join(label for label, _score, _i in close)
        self.add(
            ERROR,
            row,
            text,
            _("Not in the code list of this variable."),
            _("Perhaps: %(labels)s.") % {"labels": hint}
            if hint
            else _("Use one of the codes in the variable's metadata."),
        )


def check_table(
    table: SheetTable,
    mapping: dict[int, Variable],
    *,
    region_within: str | None = None,
    key_columns: list[int] | None = None,
) -> list[Finding]:
    """Every finding for ``table`` read with ``mapping`` (column index -> variable)."""
    regions: RegionIndex | None = None
    known: set[str] = set()
    if any(v.data_type == DataType.REGION for v in mapping.values()):
        regions = RegionIndex.build(within=region_within)
        codes = Region.objects.all()
        if region_within:
            codes = codes.filter(code__startswith=region_within)
        known = set(codes.values_list("code", flat=True))
    findings: list[Finding] = []
    for index, column in enumerate(table.columns):
        if index not in mapping:
            findings.append(
                Finding(
                    WARNING,
                    table.sheet,
                    None,
                    column,
                    "",
                    _("This column matches no variable in the metadata and will not be published."),
                    _("Map it to a variable, or add the variable to the metadata."),
                )
            )
    for index, variable in mapping.items():
        findings.extend(_ColumnChecker(table, index, variable, regions, known).run())
    if key_columns:
        seen: dict[tuple[str, ...], int] = {}
        for cells, row in zip(table.rows, table.row_numbers, strict=True):
            key = tuple(as_text(cells[i]).strip().lower() for i in key_columns)
            if key in seen:
                findings.append(
                    Finding(
                        ERROR,
                        table.sheet,
                        row,
                        ", ".join(table.columns[i] for i in key_columns),
                        " / ".join(key),
                        _("The same key as row %(row)s: a row appears twice.") % {"row": seen[key]},
                        _("Remove the duplicate or correct its key."),
                    )
                )
            else:
                seen[key] = row
    return findings
