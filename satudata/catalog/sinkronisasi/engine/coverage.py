"""Units in headers and the coverage of the period and regions."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine.columns import Column
from satudata.catalog.sinkronisasi.engine.workspace import WARNING, Finding, Workspace

_UNIT_IN_HEADER = re.compile(r"[\(\[]\s*([^\)\]]+?)\s*[\)\]]\s*$")
_UNIT_SYNONYMS = {"orang": "jiwa", "km2": "km²", "persen": "%", "rp": "rupiah"}


def _unit_key(text: str) -> str:
    key = re.sub(r"[\s.]+", "", text.lower())
    return _UNIT_SYNONYMS.get(key, key)


def unit_finding(ws: Workspace, index: int, variable: Variable) -> Finding | None:
    """A header that names a unit other than the variable's (``Luas (ha)`` against km²)."""
    match = _UNIT_IN_HEADER.search(ws.columns[index])
    if not match or not variable.unit or _unit_key(match.group(1)) == _unit_key(variable.unit):
        return None
    return Finding(
        WARNING,
        ws.sheet,
        None,
        ws.columns[index],
        match.group(1),
        _("The column names the unit “%(found)s”; the metadata says “%(unit)s”.")
        % {"found": match.group(1), "unit": variable.unit},
        _("Convert the values to %(unit)s, or correct the metadata.") % {"unit": variable.unit},
    )


def coverage_findings(
    ws: Workspace, columns: list[Column], year: int, frequency: str
) -> list[Finding]:
    """Whether the table covers the Daftar Data year at the item's frequency."""
    found: list[Finding] = []
    for col in columns:
        kind = col.variable.data_type
        if kind == DataType.YEAR:
            years = {
                int(y)
                for (y,) in ws.con.execute(
                    f"SELECT DISTINCT v{col.index} FROM typed WHERE v{col.index} IS NOT NULL"
                ).fetchall()
            }
            if years and year not in years:
                found.append(
                    Finding(
                        WARNING,
                        ws.sheet,
                        None,
                        col.name,
                        ", ".join(str(y) for y in sorted(years)[-5:]),
                        _("The table has no rows for %(year)s, the year of this Daftar Data.")
                        % {"year": year},
                        _("Add the data of %(year)s, or upload it to the right year's item.")
                        % {"year": year},
                    )
                )
        elif kind == DataType.DATE and frequency in ("bulanan", "triwulanan"):
            months = {
                m
                for (m,) in ws.con.execute(
                    f"SELECT DISTINCT month(v{col.index}) FROM typed "
                    f"WHERE year(v{col.index}) = {int(year)}"
                ).fetchall()
            }
            wanted = set(range(1, 13)) if frequency == "bulanan" else {3, 6, 9, 12}
            if frequency == "triwulanan":
                months = {((m - 1) // 3 + 1) * 3 for m in months}
            absent = sorted(wanted - months)
            if absent:
                names = ", ".join(dt.date(year, m, 1).strftime("%m/%Y") for m in absent)
                found.append(
                    Finding(
                        WARNING,
                        ws.sheet,
                        None,
                        col.name,
                        "",
                        _("Periods of %(year)s without rows: %(periods)s.")
                        % {"year": year, "periods": names},
                        _("Add the missing periods, or explain them in a note to the Walidata."),
                    )
                )
    return found
