"""What a rule across columns adds to the synchronisation check (issue 15: at most 30 %).

A table of ``--rows`` rows (jumlah, laki_laki, perempuan, rasio; 1,000,000 by default) is made in
DuckDB itself, then checked twice: without a rule, and with
``jumlah == laki_laki + perempuan`` and ``abs(rasio - laki_laki / perempuan * 100) <= 0.5``.
The check's own time (typing and checking every column) is compared with the rule pass.

Runs alone, in a throw-away SQLite database:
    .venv/bin/python bench/bench_row_rules.py
    .venv/bin/python bench/bench_row_rules.py --rows 200000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    folder = tempfile.mkdtemp(prefix="bench-rules-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from satudata.accounts.models import Agency
    from satudata.catalog import engine
    from satudata.catalog.models import DataType, Variable
    from satudata.catalog.rules import compile_rules

    agency = Agency.objects.create(name="Dinas Contoh", slug="contoh")
    names = ("Jumlah", "Laki-laki", "Perempuan", "Rasio")
    kinds = (DataType.INTEGER, DataType.INTEGER, DataType.INTEGER, DataType.DECIMAL)
    variables = [
        Variable.objects.create(agency=agency, name=n, data_type=k)
        for n, k in zip(names, kinds, strict=True)
    ]
    rules = [
        {"kind": "expression", "text": "jumlah == laki_laki + perempuan"},
        {"kind": "expression", "text": "abs(rasio - laki_laki / perempuan * 100) <= 0.5"},
    ]
    for label, with_rules in (("without rules", False), ("with two rules", True)):
        variables[0].rules = rules if with_rules else []
        with engine.Workspace() as ws:
            ws.con.execute(
                "CREATE TABLE src AS SELECT i + 2 AS _row, "
                "CAST(l + p + (i % 1000 = 0)::INT AS VARCHAR) AS c0, CAST(l AS VARCHAR) AS c1, "
                "CAST(p AS VARCHAR) AS c2, replace(CAST(round(l / p * 100, 2) AS VARCHAR), "
                "'.', ',') AS c3 FROM (SELECT i, 100 + i % 97 AS l, 100 + i % 89 AS p "
                "FROM range(?) t(i))",
                [rows],
            )
            ws.columns, ws.rows, ws.sheet = ["jumlah", "laki-laki", "perempuan", "rasio"], rows, ""
            mapping = dict(enumerate(variables))
            started = time.perf_counter()
            result = engine.check(ws, mapping)
            total = time.perf_counter() - started
            columns = [
                engine._Column(i, ws.columns[i], v, compile_rules(v.rules))
                for i, v in mapping.items()
            ]
            started = time.perf_counter()
            engine.check_row_rules(ws, columns, period_year=None)
            rule_pass = time.perf_counter() - started
        print(
            f"{label:>15}: check {total:6.2f} s, rule pass alone {rule_pass:5.2f} s, "
            f"{result.errors} rows in error"
        )


if __name__ == "__main__":
    main()
