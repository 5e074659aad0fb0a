"""Datastore queries over HTTP against Datasette 0.65 serving the same table, in the same run.

Issue figures (floors), one table of 1,000,000 rows: a filtered and sorted page of 100 rows
(``datastore_search``) at least 2× faster than Datasette's, and a group-by-two-columns aggregate
at least 10× faster.

Runs alone:
    .venv/bin/python bench/bench_datastore.py
    .venv/bin/python bench/bench_datastore.py --rows 200000 --requests 20
    .venv/bin/python bench/bench_datastore.py --indexed   # also Datasette with indexes
Datasette is not a dependency of the platform: `make bench-tools` installs it (pinned, 0.65.x)
into .venv-bench, where this script looks for it.

The table is the population table of bench_synchronise.py (Lampung villages × sex × age group ×
year; data contoh), synchronised by the platform as an agency upload would be, published, and
served by gunicorn (2 worker processes, production settings). Datasette serves the same rows from
SQLite, loaded as `sqlite-utils insert` or `csvs-to-sqlite` would (typed columns, no index), with
its SQL time limit raised so that the aggregate can finish. One client asks each kind of query
``--requests`` times one after another, with filter values and groupings that change from one
request to the next; the first five of each kind are warm-up and not counted. Each pair of
answers is compared (the page's total and its sorted values; the aggregate's groups and sums), so
neither side can be fast by answering something else.

Queries, ours and Datasette's:
- page: CKAN ``datastore_search`` with filters {tahun, jenis_kelamin}, sort ``jumlah desc``,
  limit 100, with the total; Datasette's table JSON with ``tahun=``, ``jenis_kelamin=``,
  ``_sort_desc=jumlah``, ``_size=100`` (which also counts the matching rows).
- aggregate: REST ``/api/v1/datasets/{name}/data?group_by=a,b&aggregate=sum:jumlah``;
  Datasette's SQL ``select a, b, sum(jumlah) … group by a, b``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import bench_synchronise, catalog_scale
from bench.reference import write_reference

ROOT = Path(__file__).resolve().parent.parent
# The platform stores column names as plain lower-case words: the same columns under its names.
STORED = {"tahun": "tahun", "jenis_kelamin": "jeniskelamin", "kelompok_umur": "kelompokumur"}
# and keeps a code list's labels in place of its codes.
LABELS = {"L": "Laki-laki", "P": "Perempuan"}
GROUPS = [
    ("tahun", "jenis_kelamin"),
    ("kelompok_umur", "jenis_kelamin"),
    ("tahun", "kelompok_umur"),
]


def publish(work: Path) -> tuple[str, str]:
    """Publish the synchronised version; the dataset's name and its CSV resource id."""
    bench_synchronise.setup_django(work)

    from satudata.accounts.models import User
    from satudata.accounts.roles import Role
    from satudata.api.packages import resource_id
    from satudata.catalog.models import Dataset
    from satudata.releases.services import release_at_once

    kabid = User.objects.create_user(
        "kabid", password="bench-password-1", role=Role.KEPALA_BIDANG, full_name="Kepala Bidang"
    )
    dataset = Dataset.objects.get()
    release_at_once(actor=kabid, content=dataset.versions.get(), reason="benchmark")
    return dataset.slug, resource_id(dataset, "CSV")


def load_sqlite(source: Path, target: Path, indexed: bool) -> None:
    """The CSV into SQLite with typed columns, as a Datasette user would load it."""
    db = sqlite3.connect(target)
    db.execute(
        "CREATE TABLE penduduk (kode_wilayah TEXT, tahun INTEGER, jenis_kelamin TEXT, "
        "kelompok_umur TEXT, jumlah INTEGER, persentase REAL)"
    )
    with source.open(encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        db.executemany("INSERT INTO penduduk VALUES (?, ?, ?, ?, ?, ?)", rows)
    if indexed:
        db.execute("CREATE INDEX by_year_sex ON penduduk (tahun, jenis_kelamin)")
    db.commit()
    db.close()


class Datasette:
    def __init__(self, executable: str, database: Path, port: int) -> None:
        self.command = [
            executable,
            "serve",
            str(database),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "120000",
            "--setting",
            "facet_time_limit_ms",
            "1",
        ]
        self.url = f"http://127.0.0.1:{port}/{database.stem}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Datasette:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(200):
            try:
                get(f"{self.url}.json")
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("Datasette did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 - local servers
        return json.loads(response.read())


def timed(url: str) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = get(url)
    return (time.perf_counter() - started) * 1000, answer


def page_urls(ours: str, resource: str, theirs: str, n: int) -> tuple[str, str]:
    year, sex = 2000 + n % 12, "LP"[n % 2]
    filters = json.dumps({"tahun": year, STORED["jenis_kelamin"]: LABELS[sex]})
    mine = f"{ours}/api/3/action/datastore_search?" + urllib.parse.urlencode(
        {"resource_id": resource, "filters": filters, "sort": "jumlah desc", "limit": 100}
    )
    other = f"{theirs}/penduduk.json?" + urllib.parse.urlencode(
        {
            "tahun": year,
            "jenis_kelamin": sex,
            "_sort_desc": "jumlah",
            "_size": 100,
            "_shape": "objects",
            "_nosuggest": 1,
        }
    )
    return mine, other


def check_page(mine: Any, other: Any) -> None:
    result = mine["result"]
    values = [r["jumlah"] for r in result["records"]]
    theirs = [r["jumlah"] for r in other["rows"]]
    if result["total"] != other["filtered_table_rows_count"] or values != theirs:
        raise SystemExit(
            f"the pages differ: {result['total']} rows against "
            f"{other['filtered_table_rows_count']}, {values[:5]} against {theirs[:5]}"
        )


def aggregate_urls(ours: str, slug: str, theirs: str, n: int) -> tuple[str, str]:
    a, b = GROUPS[n % len(GROUPS)]
    mine = f"{ours}/api/v1/datasets/{slug}/data?" + urllib.parse.urlencode(
        {
            "group_by": f"{STORED[a]},{STORED[b]}",
            "aggregate": "sum:jumlah",
            "limit": 1000,
            "sort": f"{STORED[a]},{STORED[b]}",
        }
    )
    # Column names from GROUPS above, never from outside.
    sql = f"select {a}, {b}, sum(jumlah) as sum_jumlah from penduduk group by {a}, {b}"  # noqa: S608
    other = f"{theirs}.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "objects"})
    return mine, other


def check_aggregate(mine: Any, other: Any) -> None:
    def groups(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], int]:
        found = {}
        for row in rows:
            keys = tuple(LABELS.get(str(v), str(v)) for k, v in row.items() if k[:3] != "sum")
            found[keys] = int(next(v for k, v in row.items() if k.startswith("sum")))
        return found

    if groups(mine["records"]) != groups(other["rows"]):
        raise SystemExit("the aggregates differ")


def race(label: str, urls: Any, check: Any, requests: int) -> tuple[list[float], list[float]]:
    mine_ms, theirs_ms = [], []
    for n in range(requests + 5):
        mine_url, other_url = urls(n)
        t_mine, mine = timed(mine_url)
        t_other, other = timed(other_url)
        check(mine, other)
        if n >= 5:
            mine_ms.append(t_mine)
            theirs_ms.append(t_other)
    return mine_ms, theirs_ms


def report(label: str, mine: list[float], theirs: list[float], floor: float) -> None:
    ratio = statistics.median(theirs) / statistics.median(mine)
    print(
        f"  {label}: platform median {statistics.median(mine):.1f} ms "
        f"(p95 {catalog_scale.percentile(mine, 0.95):.1f}), Datasette median "
        f"{statistics.median(theirs):.1f} ms (p95 {catalog_scale.percentile(theirs, 0.95):.1f}); "
        f"{ratio:.1f}× faster (floor {floor:.0f}×: {'met' if ratio >= floor else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="queries of each kind")
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--indexed", action="store_true", help="also Datasette with an index")
    parser.add_argument("--datasette", default=str(ROOT / ".venv-bench" / "bin" / "datasette"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not Path(args.datasette).exists() and not shutil.which(args.datasette):
        raise SystemExit(f"Datasette not found at {args.datasette}: run `make bench-tools`")
    with catalog_scale.work_folder("bench-datastore-", args.keep) as work:
        regions = work / "regions.csv"
        villages = write_reference(regions, "18")
        source = work / "penduduk.csv"
        bench_synchronise.generate(source, args.rows, villages)
        bench_synchronise.prepare(work, "18", regions)
        outcome = bench_synchronise.run_child(work, source)
        if outcome["status"] != "synchronised":
            raise SystemExit(f"the table was not synchronised: {outcome}")
        slug, resource = publish(work)
        print(f"table: {outcome['parquet_rows']:,} rows, 6 columns, synchronised and published")
        variants = [False, True] if args.indexed else [False]
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
        with catalog_scale.Server(work, args.port, 2) as ours:
            for indexed in variants:
                database = work / ("penduduk_indexed.db" if indexed else "penduduk.db")
                load_sqlite(source, database, indexed)
                with Datasette(args.datasette, database, args.port + 1) as theirs:
                    version = get(f"http://127.0.0.1:{args.port + 1}/-/versions.json")
                    print(
                        f"Datasette {version['datasette']['version']} (SQLite "
                        f"{version['sqlite']['version']}), "
                        + ("index on (tahun, jenis_kelamin)" if indexed else "no index")
                    )
                    mine, other = race(
                        "page",
                        lambda n, u=theirs.url: page_urls(ours.url, resource, u, n),
                        check_page,
                        args.requests,
                    )
                    report("filtered, sorted page of 100", mine, other, 2)
                    mine, other = race(
                        "aggregate",
                        lambda n, u=theirs.url: aggregate_urls(ours.url, slug, u, n),
                        check_aggregate,
                        args.requests,
                    )
                    report("group by two columns, sum", mine, other, 10)


if __name__ == "__main__":
    main()
