"""Exact copies of rows and rows sharing a key."""

from __future__ import annotations

from django.utils.translation import gettext as _

from satudata.catalog.sinkronisasi.engine.columns import trimmed_sql
from satudata.catalog.sinkronisasi.engine.workspace import (
    ERROR,
    MAX_FINDINGS_PER_KIND,
    WARNING,
    Finding,
    Workspace,
)


def _has_repeats(ws: Workspace, columns: list[int]) -> bool:
    """Whether two rows agree on ``columns`` (trimmed, any case): one hash aggregate, far cheaper
    than the window passes that name the rows, which run only when it finds something. An
    exact copy shares its original's key, so with a key this also rules out copies."""
    if all(_reads_alike(ws, i) for i in columns):
        # No two written values of any column become one once trimmed and lowered: the texts
        # as written can be grouped, without trimming a million cells.
        group = ", ".join(f"c{i}" for i in columns)
    else:
        group = ", ".join(f"lower(coalesce({trimmed_sql(f'c{i}')}, ''))" for i in columns)
    # As many distinct hashes of the key as rows: no two rows agree (equal keys hash alike).
    # Counting 64-bit hashes is about twice as fast as grouping the texts; only when some hashes
    # repeat are the texts themselves grouped, since two keys may share a hash.
    if not ws.scalar(f"SELECT count(*) - count(DISTINCT hash({group})) FROM src"):
        return False
    return bool(
        ws.con.execute(f"SELECT 1 FROM src GROUP BY {group} HAVING count(*) > 1 LIMIT 1").fetchall()
    )


def _reads_alike(ws: Workspace, index: int) -> bool:
    """Whether trimming and lowering keeps the distinct texts of a column distinct (a null and
    an empty text count as one)."""
    ((written, compared),) = ws.con.execute(
        f"SELECT count(*), count(DISTINCT lower(coalesce({trimmed_sql('c')}, ''))) "
        f"FROM (SELECT DISTINCT c{index} AS c FROM src)"
    ).fetchall()
    return bool(written == compared)


def find_duplicates(
    ws: Workspace, keys: list[int], *, declared: bool = False
) -> tuple[list[Finding], int, int]:
    """Rows pasted twice and rows that share a key: the findings, the errors, the warnings.

    Two kinds, each naming both rows: an exact copy (every cell the same, once trimmed) of an
    earlier row, and a row with the key of an earlier row but other values, with the first
    column where they differ. Without a declared key a copy is only a warning (some tables
    repeat rows on purpose); with one, both kinds block. ``declared`` with no ``keys``: the
    table has a key but part of it has no column, so only copies are looked for (and block).
    Set-based: two window passes and a join, whatever the number of rows.
    """
    keyed = bool(keys) or declared
    cells = [f"c{i}" for i in range(len(ws.columns))]
    if not cells or not _has_repeats(ws, keys or list(range(len(cells)))):
        return [], 0, 0
    trimmed = ", ".join(f"{trimmed_sql(c)} AS {c}" for c in cells)
    conflicts = ""
    if keys:
        key = ", ".join(f"lower(coalesce(c{i}, ''))" for i in keys)
        differs = " ".join(
            f"WHEN k.{c} IS DISTINCT FROM f.{c} THEN {n}" for n, c in enumerate(cells)
        )
        # Only the first of each set of copies is compared by key: a copy is reported once.
        conflicts = (
            f", k AS (SELECT *, min(_row) OVER (PARTITION BY {key}) AS first FROM e "
            f"WHERE same = _row) "
            f"SELECT k._row, k.first, 'key' AS kind, CASE {differs} END AS diff "
            f"FROM k JOIN t f ON f._row = k.first WHERE k._row <> k.first UNION ALL"
        )
    ws.con.execute(
        f"CREATE OR REPLACE TEMP TABLE dup AS WITH t AS (SELECT _row, {trimmed} FROM src), "
        f"e AS (SELECT *, min(_row) OVER (PARTITION BY {', '.join(cells)}) AS same FROM t)"
        f"{conflicts} SELECT _row, same AS first, 'same' AS kind, NULL::INTEGER AS diff "
        f"FROM e WHERE same <> _row"
    )
    counts = dict(ws.con.execute("SELECT kind, count(*) FROM dup GROUP BY kind").fetchall())
    sample = ws.con.execute(
        f"SELECT _row, first, kind, diff FROM dup ORDER BY _row LIMIT {MAX_FINDINGS_PER_KIND}"
    ).fetchall()
    involved = {int(r) for row, first, _k, _d in sample for r in (row, first)}
    written = {
        int(r[0]): [(c or "").strip()[:100] for c in r[1:]]
        for r in ws.con.execute(
            f"SELECT _row, {', '.join(cells)} FROM src WHERE _row IN "
            f"({', '.join(str(n) for n in sorted(involved)) or 'NULL'})"
        ).fetchall()
    }
    label = ", ".join(ws.columns[i] for i in keys)
    found = []
    for row, first, kind, diff in sample:
        value = " / ".join(written[row][i] for i in keys)
        if kind == "same":
            found.append(_copy_finding(ws, row, first, label, value, keyed))
        else:
            message = _(
                "Row %(row)s has the same key as row %(first)s but other values: column "
                "%(column)s %(value)s ≠ %(other)s."
            ) % {
                "row": ws.row_label(row),
                "first": ws.row_label(first),
                "column": ws.columns[diff],
                "value": written[row][diff] or "—",
                "other": written[first][diff] or "—",
            }
            found.append(
                Finding(
                    ERROR,
                    ws.sheet,
                    row,
                    label,
                    value,
                    message,
                    _("Correct the key of one of the two rows, or remove the wrong one."),
                )
            )
    copies = counts.get("same", 0)
    errors = counts.get("key", 0) + (copies if keyed else 0)
    return found, errors, 0 if keyed else copies


def _copy_finding(
    ws: Workspace, row: int, first: int, label: str, value: str, keyed: bool
) -> Finding:
    return Finding(
        ERROR if keyed else WARNING,
        ws.sheet,
        row,
        label,
        value,
        _("Row %(row)s is an exact copy of row %(first)s.")
        % {"row": ws.row_label(row), "first": ws.row_label(first)},
        _("Remove one of the two rows.")
        if keyed
        else _(
            "Remove one of the two rows; if the table repeats rows on purpose, ignore this warning."
        ),
    )
