"""Rules across the columns of a row, compiled to SQL and counted in one scan."""

from __future__ import annotations

import duckdb
from django.utils.translation import gettext as _

from satudata.catalog.models import DataType
from satudata.catalog.sinkronisasi import rule_language
from satudata.catalog.sinkronisasi.engine.columns import Column
from satudata.catalog.sinkronisasi.engine.parquet import column_name
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    MAX_FINDINGS_PER_KIND,
    WARNING,
    Finding,
    Workspace,
)
from satudata.catalog.sinkronisasi.rule_language import CrossRule, RuleSyntaxError

_RULE_KINDS = {
    DataType.INTEGER: rule_language.INTEGER,
    DataType.YEAR: rule_language.INTEGER,
    DataType.DECIMAL: rule_language.NUMBER,
    DataType.DATE: rule_language.DATE,
}


def _rule_columns(columns: list[Column]) -> dict[str, rule_language.Column]:
    """Each name a rule may use for a mapped column: the stored name, the variable's name and
    its alias."""
    named: dict[str, rule_language.Column] = {}
    for col in columns:
        kind = _RULE_KINDS.get(DataType(col.variable.data_type), rule_language.TEXT)
        for name in (column_name(col.variable), col.variable.name, col.variable.alias):
            if name:
                named.setdefault(name, rule_language.Column(f"v{col.index}", kind))
    return named


def check_row_rules(
    ws: Workspace, columns: list[Column], *, period_year: int | None
) -> tuple[list[Finding], int]:
    """The rules across columns (``jumlah == laki_laki + perempuan``) over ``typed``: one SQL
    pass counts the rows breaking each rule, then the first rows of each broken rule are
    fetched with the values involved. Returns the findings and the number of rows in error."""
    named = _rule_columns(columns)
    rules = list({r.text: r for col in columns for r in col.rules.across}.values())
    findings: list[Finding] = []
    checked: list[tuple[CrossRule, str]] = []
    for rule in rules:
        absent = rule_language.unknown_names(rule, named)
        if absent:
            findings.append(_rule_not_checked(ws, rule, absent))
            continue
        try:
            checked.append((rule, rule_language.to_sql(rule, named, period_year=period_year)))
        except RuleSyntaxError as error:
            findings.append(_rule_not_checked(ws, rule, [], str(error)))
    counts = _count_broken(ws, checked)
    errors = 0
    for (rule, sql), count in zip(checked, counts, strict=True):
        if count is None:
            findings.append(_rule_not_checked(ws, rule, [], _("The columns' types do not fit.")))
        elif count:
            errors += count
            findings.extend(_broken_rows(ws, rule, sql, named))
    return findings, errors


def _count_broken(ws: Workspace, checked: list[tuple[CrossRule, str]]) -> list[int | None]:
    """Rows breaking each rule, all counted in one scan; a rule DuckDB cannot run is None."""
    if not checked:
        return []
    filters = [f"count(*) FILTER (WHERE NOT coalesce({sql}, TRUE))" for _rule, sql in checked]
    try:
        row = ws.con.execute(f"SELECT {', '.join(filters)} FROM typed").fetchone()
        return list(row) if row else [0] * len(checked)
    except duckdb.Error:
        pass
    # One rule does not run (text against a number, an overflow): find which, one by one.
    counts: list[int | None] = []
    for one in filters:
        try:
            counts.append(int(ws.scalar(f"SELECT {one} FROM typed")))
        except duckdb.Error:
            counts.append(None)
    return counts


def _broken_rows(
    ws: Workspace, rule: CrossRule, sql: str, named: dict[str, rule_language.Column]
) -> list[Finding]:
    keys = {rule_language.name_key(k): c for k, c in named.items()}
    used = [(name, keys[rule_language.name_key(name)].sql) for name in rule.names]
    selects = ", ".join(["_row", *(column for _name, column in used)]) if used else "_row"
    rows = ws.con.execute(
        f"SELECT {selects} FROM typed WHERE NOT coalesce({sql}, TRUE) "
        f"ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    label = ", ".join(name for name, _c in used)
    found = []
    for row, *values in rows:
        by_name = dict(zip((name for name, _c in used), values, strict=True))
        found.append(
            Finding(
                ERROR,
                ws.sheet,
                row,
                label,
                " / ".join(rule_language.shown(v) for v in values),
                _("The row breaks the rule: %(broken)s.")
                % {"broken": rule_language.broken(rule, by_name)},
                _("Correct the values of this row; the rule is %(rule)s.") % {"rule": rule.text},
            )
        )
    return found


def _rule_not_checked(ws: Workspace, rule: CrossRule, absent: list[str], why: str = "") -> Finding:
    if absent:
        why = _("This table has no column %(names)s.") % {"names": ", ".join(absent)}
    return Finding(
        WARNING,
        ws.sheet,
        None,
        ", ".join(rule.names),
        rule.text,
        _("The rule “%(rule)s” was not checked: %(why)s") % {"rule": rule.text, "why": why},
        _("Add the column, or correct the rule in the variable's metadata (MS-Var)."),
    )
