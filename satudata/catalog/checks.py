"""The synchronisation check's front door: which column is which variable, and the check of a
table already read into memory. The check itself runs in ``engine`` (DuckDB), whatever the size
of the table, so there is one set of rules for a ten-row sheet and a million-row CSV."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from satudata.catalog.engine import ERROR, WARNING, Finding, Workspace, check, load_sheet
from satudata.catalog.models import Variable
from satudata.catalog.reading.spreadsheet import SheetTable

__all__ = ["ERROR", "WARNING", "Finding", "check_table", "suggest_mapping"]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _strip_unit(text: str) -> str:
    return re.sub(r"[\(\[][^\)\]]*[\)\]]\s*$", "", text).strip()


def suggest_mapping(columns: list[str], variables: Iterable[Variable]) -> dict[int, Variable]:
    """Column index -> variable, by exact name or alias first, then by close names."""
    choices = list(variables)
    mapping: dict[int, Variable] = {}
    keys = {_norm(label): v for v in choices for label in (v.name, v.alias) if label}
    for index, column in enumerate(columns):
        variable = keys.get(_norm(column)) or keys.get(_norm(_strip_unit(column)))
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


def check_table(
    table: SheetTable,
    mapping: dict[int, Variable],
    *,
    region_within: str | None = None,
    key_columns: list[int] | None = None,
) -> list[Finding]:
    """Every finding for ``table`` read with ``mapping`` (column index -> variable)."""
    with Workspace() as ws:
        load_sheet(ws, table)
        return check(
            ws, mapping, region_within=region_within, key_columns=key_columns or []
        ).findings
