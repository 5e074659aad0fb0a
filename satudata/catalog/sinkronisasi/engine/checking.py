"""The check of a loaded table against its mapping: every finding, counted in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.engine.columns import (
    Column,
    ValueJudge,
    finding_for,
    prepare_columns,
    problem_counts,
    problem_rows,
)
from satudata.catalog.sinkronisasi.engine.coverage import coverage_findings, unit_finding
from satudata.catalog.sinkronisasi.engine.duplicates import find_duplicates
from satudata.catalog.sinkronisasi.engine.regions import check_region_pairs
from satudata.catalog.sinkronisasi.engine.row_rules import check_row_rules
from satudata.catalog.sinkronisasi.engine.summaries import decimal_notices, missing_values
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    MAX_FINDINGS_PER_KIND,
    WARNING,
    CheckResult,
    Finding,
    Progress,
    Workspace,
    no_progress,
)
from satudata.catalog.sinkronisasi.reading.notices import Notice
from satudata.catalog.sinkronisasi.rules import compile_rules
from satudata.regions.resolving import RegionReference


def check(
    ws: Workspace,
    mapping: dict[int, Variable],
    *,
    region_within: str | None = None,
    key_columns: Iterable[int] = (),
    key_missing: Sequence[str] = (),
    excluded: Iterable[int] = (),
    period: tuple[int, str] | None = None,
    progress: Progress = no_progress,
) -> CheckResult:
    """Every finding for the loaded table read with ``mapping`` (column index -> variable).

    A column that is neither mapped nor ``excluded`` (marked "not published" by the producer)
    blocks: data leaves the agency only with every column accounted for. ``key_missing``: the
    key variables no column holds; the key is then not checked (see ``key_notices``).
    """
    findings: list[Finding] = list(ws.read_findings)
    errors, warnings = ws.read_errors, len(ws.read_findings) - ws.read_errors
    left_out = set(excluded)
    for index, column in enumerate(ws.columns):
        if index in mapping:
            continue
        if index in left_out:
            findings.append(
                Finding(
                    WARNING,
                    ws.sheet,
                    None,
                    column,
                    "",
                    _("Marked as not published: this column is not stored."),
                )
            )
            warnings += 1
            continue
        findings.append(
            Finding(
                ERROR,
                ws.sheet,
                None,
                column,
                "",
                _("This column matches no variable in the metadata."),
                _(
                    "Choose its variable below, or mark it as not published; or add the "
                    "variable to the metadata."
                ),
            )
        )
        errors += 1
    unit_findings = [f for f in (unit_finding(ws, i, v) for i, v in mapping.items()) if f]
    findings.extend(unit_findings)
    warnings += len(unit_findings)
    columns = [
        Column(i, ws.columns[i], v, compile_rules(v.rules)) for i, v in sorted(mapping.items())
    ]
    regions = RegionReference(within=region_within)
    judges = {c.index: ValueJudge(c.variable, c.rules, regions) for c in columns}
    prepare_columns(ws, columns, judges)
    counted = problem_counts(ws, columns)
    for col_errors, col_warnings in counted.values():
        errors += col_errors
        warnings += col_warnings
    for done, col in enumerate(columns, start=1):
        progress("check", done, len(columns))
        if not sum(counted[col.index]):
            continue  # every problem code is counted: nothing to show
        rows = problem_rows(ws, col, MAX_FINDINGS_PER_KIND)
        if not rows:
            continue
        # The text as written, for the few rows reported (typed keeps only values).
        written = dict(
            ws.con.execute(
                f"SELECT _row, c{col.index} FROM src WHERE _row IN "
                f"({', '.join(str(int(r)) for r, _p, _n in rows)})"
            ).fetchall()
        )
        findings.extend(
            finding_for(ws, col, row, written.get(row), problem, number)
            for row, problem, number in rows
        )
    found, rule_errors = check_row_rules(ws, columns, period_year=period[0] if period else None)
    findings.extend(found)
    errors += rule_errors
    warnings += sum(1 for f in found if not f.is_error)
    found, pair_errors = check_region_pairs(ws, columns, judges)
    findings.extend(found)
    errors += pair_errors
    # Part of a key is no key: rows that differ only in the missing part (one row per
    # kecamatan, the kecamatan column unmapped) would all be reported as sharing it.
    keys = [] if key_missing else [i for i in key_columns if 0 <= i < len(ws.columns)]
    found, duplicate_errors, duplicate_warnings = find_duplicates(
        ws, keys, declared=bool(key_missing)
    )
    findings.extend(found)
    errors += duplicate_errors
    warnings += duplicate_warnings
    if period:
        coverage = coverage_findings(ws, columns, *period)
        findings.extend(coverage)
        warnings += len(coverage)
    return CheckResult(
        [ws.placed(f) for f in findings],
        errors,
        warnings,
        ws.rows,
        missing_values(ws, columns),
        [*key_notices(key_missing), *decimal_notices(ws, columns)],
        {
            str(value)
            for c in columns
            if c.judged and c.variable.data_type == DataType.REGION
            for value in c.values
        },
    )


def key_notices(key_missing: Sequence[str]) -> list[Notice]:
    """Said once when the declared key could not be checked (the missing columns are errors of
    their own)."""
    if not key_missing:
        return []
    message = ngettext(
        "The key was not checked: the key variable %(variables)s has no column.",
        "The key was not checked: the key variables %(variables)s have no column.",
        len(key_missing),
    ) % {"variables": ", ".join(key_missing)}
    return [Notice("key_not_checked", message)]
