"""What changed between two versions of a table: rows added, rows removed, cells changed.

Rows are matched by their key: the dataset's key columns when the producer named them, else
the columns that are not numbers (region, year, category: what a row is *about*), as long as
they identify each row in both versions. Without such a key, rows are compared whole and a
changed row counts as one removed and one added. The work is done by DuckDB on the two Parquet
files, so a large table compares without being loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from satudata.catalog.models import DatasetVersion, DataType
from satudata.datastore.query import _cursor, local_path, plain, quote

NUMERIC = {DataType.INTEGER, DataType.DECIMAL}
SAMPLE = 50


@dataclass
class Comparison:
    old: DatasetVersion
    new: DatasetVersion
    key: list[str]
    columns_added: list[str]
    columns_removed: list[str]
    rows_added: int = 0
    rows_removed: int = 0
    rows_changed: int = 0
    cells_changed: int = 0
    cells_by_column: dict[str, int] = field(default_factory=dict)
    # (key values, column, old value, new value) for the first changed cells
    sample: list[tuple[list[Any], str, Any, Any]] = field(default_factory=list)
    added_sample: list[list[Any]] = field(default_factory=list)
    removed_sample: list[list[Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (
            self.rows_added
            or self.rows_removed
            or self.cells_changed
            or self.columns_added
            or self.columns_removed
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "dari_versi": self.old.number,
            "ke_versi": self.new.number,
            "kunci": self.key,
            "kolom_ditambah": self.columns_added,
            "kolom_dihapus": self.columns_removed,
            "baris_ditambah": self.rows_added,
            "baris_dihapus": self.rows_removed,
            "baris_berubah": self.rows_changed,
            "sel_berubah": self.cells_changed,
            "sel_berubah_per_kolom": self.cells_by_column,
            "contoh_sel_berubah": [
                {"kunci": key, "kolom": column, "lama": old, "baru": new}
                for key, column, old, new in self.sample
            ],
        }


def _names(version: DatasetVersion) -> dict[str, DataType]:
    return {c["name"]: DataType(c.get("data_type") or DataType.TEXT) for c in version.columns}


def _is_key(cursor: Any, source: str, key: list[str]) -> bool:
    if not key:
        return False
    cols = ", ".join(quote(k) for k in key)
    total, distinct = cursor.execute(
        f"SELECT count(*), count(DISTINCT ({cols})) FROM {source}"  # noqa: S608 - quoted names
    ).fetchone()
    return bool(total == distinct)


def compare(old: DatasetVersion, new: DatasetVersion) -> Comparison:
    """Compare version ``old`` with version ``new`` of the same dataset."""
    old_cols, new_cols = _names(old), _names(new)
    common = [name for name in new_cols if name in old_cols]
    result = Comparison(
        old=old,
        new=new,
        key=[],
        columns_added=[n for n in new_cols if n not in old_cols],
        columns_removed=[n for n in old_cols if n not in new_cols],
    )
    chosen = [k for k in (new.dataset.key_columns or []) if k in common]
    if not chosen:
        chosen = [n for n in common if new_cols[n] not in NUMERIC or n.lower() == "tahun"]
    a = f"read_parquet('{_path(old)}')"
    b = f"read_parquet('{_path(new)}')"
    with _cursor() as cursor:
        if _is_key(cursor, a, chosen) and _is_key(cursor, b, chosen):
            result.key = chosen
            _keyed(cursor, result, a, b, common)
        else:
            _whole_rows(cursor, result, a, b, common)
    return result


def _path(version: DatasetVersion) -> str:
    return str(local_path(version)).replace("'", "''")


def _keyed(cursor: Any, result: Comparison, a: str, b: str, common: list[str]) -> None:
    key = result.key
    on = " AND ".join(f"a.{quote(k)} IS NOT DISTINCT FROM b.{quote(k)}" for k in key)
    keys_a = ", ".join(f"a.{quote(k)}" for k in key)
    keys_b = ", ".join(f"b.{quote(k)}" for k in key)
    # Which side each joined row came from, by a marker column on each side.
    a_marked = f"(SELECT *, true AS _in_a FROM {a})"  # noqa: S608 - our own file paths
    b_marked = f"(SELECT *, true AS _in_b FROM {b})"  # noqa: S608
    joined = f"{a_marked} AS a FULL OUTER JOIN {b_marked} AS b ON {on}"
    result.rows_added = cursor.execute(
        f"SELECT count(*) FROM {joined} WHERE a._in_a IS NULL"  # noqa: S608
    ).fetchone()[0]
    result.rows_removed = cursor.execute(
        f"SELECT count(*) FROM {joined} WHERE b._in_b IS NULL"  # noqa: S608
    ).fetchone()[0]
    result.added_sample = [
        [plain(v) for v in row]
        for row in cursor.execute(
            f"SELECT {keys_b} FROM {joined} WHERE a._in_a IS NULL LIMIT {SAMPLE}"  # noqa: S608
        ).fetchall()
    ]
    result.removed_sample = [
        [plain(v) for v in row]
        for row in cursor.execute(
            f"SELECT {keys_a} FROM {joined} WHERE b._in_b IS NULL LIMIT {SAMPLE}"  # noqa: S608
        ).fetchall()
    ]
    values = [c for c in common if c not in key]
    if not values:
        return
    both = f"{joined} WHERE a._in_a AND b._in_b"
    changed = [f"a.{quote(c)} IS DISTINCT FROM b.{quote(c)}" for c in values]
    counts = cursor.execute(
        "SELECT "  # noqa: S608
        + ", ".join(f"count(*) FILTER (WHERE {cond})" for cond in changed)
        + f", count(*) FILTER (WHERE {' OR '.join(changed)}) FROM {both}"
    ).fetchone()
    result.cells_by_column = {c: int(n) for c, n in zip(values, counts[:-1], strict=True) if n}
    result.cells_changed = sum(result.cells_by_column.values())
    result.rows_changed = int(counts[-1])
    for column in result.cells_by_column:
        rows = cursor.execute(
            f"SELECT {keys_a}, a.{quote(column)}, b.{quote(column)} FROM {both} "  # noqa: S608
            f"AND a.{quote(column)} IS DISTINCT FROM b.{quote(column)} LIMIT {SAMPLE}"
        ).fetchall()
        for row in rows:
            if len(result.sample) >= SAMPLE:
                return
            *key_values, before, after = row
            result.sample.append(
                ([plain(v) for v in key_values], column, plain(before), plain(after))
            )


def _whole_rows(cursor: Any, result: Comparison, a: str, b: str, common: list[str]) -> None:
    cols = ", ".join(quote(c) for c in common) or "1"
    added = f"SELECT {cols} FROM {b} EXCEPT ALL SELECT {cols} FROM {a}"  # noqa: S608
    removed = f"SELECT {cols} FROM {a} EXCEPT ALL SELECT {cols} FROM {b}"  # noqa: S608
    result.rows_added = cursor.execute(f"SELECT count(*) FROM ({added})").fetchone()[0]  # noqa: S608
    result.rows_removed = cursor.execute(f"SELECT count(*) FROM ({removed})").fetchone()[0]  # noqa: S608
    result.added_sample = [
        [plain(v) for v in row] for row in cursor.execute(f"{added} LIMIT {SAMPLE}").fetchall()
    ]
    result.removed_sample = [
        [plain(v) for v in row] for row in cursor.execute(f"{removed} LIMIT {SAMPLE}").fetchall()
    ]
