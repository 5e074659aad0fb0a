"""A region code column and its name column compared per distinct pair."""

from __future__ import annotations

import pyarrow as pa  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from satudata.catalog.models import DataType
from satudata.catalog.sinkronisasi.engine.columns import Column, ValueJudge
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    MAX_FINDINGS_PER_KIND,
    Finding,
    Workspace,
)
from satudata.regions.resolving import RegionResolver


def _region_pairs(
    columns: list[Column], judges: dict[int, ValueJudge]
) -> list[tuple[Column, Column, int, RegionResolver]]:
    """(code column, name column, the name column's level) triples: a region column written
    mostly in codes, and a region column written mostly in names or a text column declaring a
    region level, at the code's level or above it (a desa code beside its kecamatan's name)."""
    codes: list[tuple[Column, int, RegionResolver]] = []
    names: list[tuple[Column, int]] = []
    for col in columns:
        resolver = judges[col.index].resolver
        if resolver is not None and resolver.level:
            if resolver.written_as_code >= resolver.written_as_name:
                codes.append((col, resolver.level, resolver))
            else:
                names.append((col, resolver.level))
        elif col.variable.data_type == DataType.TEXT and col.variable.region_level:
            names.append((col, col.variable.region_level))
    return [
        (code_col, name_col, name_level, resolver)
        for code_col, level, resolver in codes
        for name_col, name_level in names
        if level >= name_level
    ]


def check_region_pairs(
    ws: Workspace, columns: list[Column], judges: dict[int, ValueJudge]
) -> tuple[list[Finding], int]:
    """Rows whose code and name columns name different regions ("18.10.03" beside
    "Pagelaran", or a desa code beside another kecamatan's name). Set-based: each distinct
    (code, name) pair is judged once, then the pairs that disagree are joined back to the rows."""
    findings: list[Finding] = []
    errors = 0
    for code_col, name_col, level, resolver in _region_pairs(columns, judges):
        found, count = _disagreeing_rows(ws, code_col, name_col, level, resolver)
        findings.extend(found)
        errors += count
    return findings, errors


def _disagreeing_rows(
    ws: Workspace, code_col: Column, name_col: Column, level: int, resolver: RegionResolver
) -> tuple[list[Finding], int]:
    a, b = code_col.index, name_col.index
    pairs = ws.con.execute(
        f"SELECT DISTINCT v{a}, v{b} FROM typed WHERE v{a} IS NOT NULL AND v{b} IS NOT NULL"
    ).fetchall()
    bad = resolver.disagreeing(
        pairs, level=level, names_as_codes=name_col.variable.data_type == DataType.REGION
    )
    if not bad:
        return [], 0
    disagreeing = pa.table(  # noqa: F841 (read by DuckDB)
        {
            "code": pa.array([c for c, _n in bad], pa.string()),
            "name": pa.array([n for _c, n in bad], pa.string()),
        }
    )
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE region_pairs AS SELECT t._row, t.v{a}, t.v{b} "
        f"FROM typed t JOIN disagreeing d ON t.v{a} = d.code AND t.v{b} = d.name"
    )
    count = int(ws.scalar("SELECT count(*) FROM region_pairs"))
    rows = ws.con.execute(
        f"SELECT * FROM region_pairs ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    found = []
    for row, code, name in rows:
        region, written = bad[(code, name)]
        message = (
            _("The code %(code)s is %(region)s, but the name column says %(name)s.")
            if code.count(".") + 1 == level
            else _("The code %(code)s lies in %(region)s, but the name column says %(name)s.")
        )
        found.append(
            Finding(
                ERROR,
                ws.sheet,
                row,
                f"{code_col.name} / {name_col.name}",
                f"{code} / {written}",
                message % {"code": code, "region": region, "name": written},
                _("Correct the code or the name so that both mean the same region."),
            )
        )
    return found, count
