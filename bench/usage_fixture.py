"""A year of raw usage events for the usage benchmarks, inserted by the database itself, then
rolled up day by day
(``roll_range``: each month's ``MonthlyUsage`` once after its days).

``fill(n_events, days, seed=1)`` writes ``n_events`` raw events spread over ``days`` days ending
yesterday (WIB) with one INSERT … SELECT per million rows: PostgreSQL numbers the rows with
``generate_series``, SQLite with a recursive CTE. Every value is drawn from the row number with
integer hashing (the same on both databases, repeatable for a seed): kinds (page 60 %, download
15 %, API 17 %, search 8 %), channels (portal, REST, CKAN, DCAT, data.json, Data Package, the
table builder), formats, ~300 datasets with a skewed popularity (the catalog's slugs when it has
datasets), products, referrers of every kind, campaign tags, failed requests, signed-in staff,
robots by user agent (5 %) and one robot by behaviour a day (more requests than
``USAGE_BOT_DAILY_REQUESTS``). Then ``roll_day`` for every day. ``BENCH_EVENTS`` overrides the
number of events for a quick run.

Runs alone too: ``DATA_DIR=/tmp/b .venv/bin/python bench/usage_fixture.py`` (throw-away SQLite,
or the database of ``DATABASE_URL`` when set).
"""

# The SQL here is built from our own constants and numbers only (no outside input).
# ruff: noqa: S608, E501

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 1_000_000
DATASETS = 300
PRODUCTS = 40


def setup(work: Path) -> None:
    """Django against DATABASE_URL, or a throw-away SQLite database in ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")
    os.environ.setdefault("DATA_DIR", str(work))
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["USAGE_FLUSH_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def events_wanted(default: int) -> int:
    return int(os.environ.get("BENCH_EVENTS", default))


def _names(cursor, table: str, prefix: str, n: int, existing: list[str]) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TABLE {table} (n integer PRIMARY KEY, slug varchar(120))")
    names = [existing[i] if i < len(existing) else f"{prefix}-{i:03d}" for i in range(n)]
    cursor.executemany(f"INSERT INTO {table} (n, slug) VALUES (%s, %s)", list(enumerate(names)))


def _select(
    vendor: str, start_utc: dt.datetime, days: int, offset: int, count: int, seed: int
) -> tuple[str, list[object]]:
    """The SELECT producing ``count`` events numbered from ``offset``."""
    seconds = days * 86400
    start = start_utc.strftime("%Y-%m-%d %H:%M:%S")
    # Integer hashes of the row number g: h1..h4 in [0, 1000003).
    h = [
        f"(((g + {offset}) * {m} + {seed * 7919 + k}) % 1000003)"
        for k, m in enumerate((2654435761, 40503, 2246822519, 3266489917), start=1)
    ]
    secs = f"(((g + {offset}) * 7907 + {seed}) % {seconds})"
    day_index = f"({secs} / 86400)"
    if vendor == "postgresql":
        at = f"(TIMESTAMPTZ '{start} +00' + {secs} * interval '1 second')"
        text = "::text"
    else:
        at = f"strftime('%Y-%m-%d %H:%M:%S', '{start}', '+' || {secs} || ' seconds')"
        text = ""
    r1, r2, r3, r4 = h
    kind = (
        f"CASE WHEN {r1} % 100 < 60 THEN 'page' WHEN {r1} % 100 < 75 THEN 'download' "
        f"WHEN {r1} % 100 < 92 THEN 'api' ELSE 'search' END"
    )
    channel = (
        f"CASE WHEN {r1} % 100 < 60 THEN 'portal' "
        f"WHEN {r1} % 100 < 75 THEN (CASE {r2} % 7 WHEN 0 THEN 'rest' WHEN 1 THEN 'builder' ELSE 'portal' END) "
        f"WHEN {r1} % 100 < 92 THEN (CASE {r2} % 6 WHEN 0 THEN 'rest' WHEN 1 THEN 'rest' "
        f"WHEN 2 THEN 'ckan' WHEN 3 THEN 'dcat' WHEN 4 THEN 'data.json' ELSE 'datapackage' END) "
        f"ELSE (CASE WHEN {r2} % 5 = 0 THEN 'ckan' ELSE 'portal' END) END"
    )
    name = (
        f"CASE WHEN {r1} % 100 < 5 THEN 'products:detail' WHEN {r1} % 100 < 10 THEN 'portal:home' "
        f"WHEN {r1} % 100 < 60 THEN 'portal:dataset' WHEN {r1} % 100 < 75 THEN 'portal:download' "
        f"WHEN {r1} % 100 < 92 THEN 'api-v1:get_dataset' ELSE 'portal:search' END"
    )
    fmt = (
        f"CASE WHEN {r1} % 100 >= 60 AND {r1} % 100 < 75 THEN (CASE {r3} % 6 WHEN 0 THEN 'xlsx' "
        f"WHEN 1 THEN 'json' WHEN 2 THEN 'pdf' WHEN 3 THEN 'xlsx' ELSE 'csv' END) ELSE '' END"
    )
    # Skewed popularity: the product of two uniform draws, scaled to the datasets.
    dataset_n = f"(({r2} % {DATASETS}) * ({r3} % {DATASETS}) / {DATASETS})"
    query = (
        f"CASE WHEN {r1} % 100 >= 92 THEN (CASE {r4} % 8 WHEN 0 THEN 'harga cabai' "
        f"WHEN 1 THEN 'stunting per pekon' WHEN 2 THEN 'kemiskinan' WHEN 3 THEN 'penduduk' "
        f"WHEN 4 THEN 'produksi padi' WHEN 5 THEN 'sekolah dasar' WHEN 6 THEN 'ikm' "
        f"ELSE 'jalan rusak' END) ELSE '' END"
    )
    results = f"CASE WHEN {r1} % 100 >= 92 THEN (CASE WHEN {r4} % 8 >= 6 THEN 0 ELSE {r4} % 40 + 1 END) END"
    status = f"CASE WHEN {r4} % 100 < 2 THEN 404 WHEN {r4} % 100 < 3 THEN 429 ELSE 200 END"
    robot_ua = f"({r3} % 100 < 5)"
    crawler = f"({r3} % 100 >= 5 AND {r3} % 100 < 10)"  # one hash a day, thousands of requests
    visitor = (
        f"CASE WHEN {crawler} THEN 'crawl' || {day_index}{text} "
        f"ELSE 'v' || ({day_index} * 100000 + {r4} % 5000){text} END"
    )
    referrer = (
        f"CASE WHEN {r1} % 100 >= 75 AND {r1} % 100 < 92 THEN '' ELSE (CASE {r2} % 20 "
        f"WHEN 0 THEN 'search' WHEN 1 THEN 'search' WHEN 2 THEN 'search' WHEN 3 THEN 'social' "
        f"WHEN 4 THEN 'social' WHEN 5 THEN 'government' WHEN 6 THEN 'other' "
        f"WHEN 7 THEN 'internal' WHEN 8 THEN 'internal' WHEN 9 THEN 'internal' ELSE '' END) END"
    )
    host = (
        f"CASE WHEN {r1} % 100 >= 75 AND {r1} % 100 < 92 THEN '' ELSE (CASE {r2} % 20 "
        f"WHEN 0 THEN 'google.com' WHEN 1 THEN 'google.co.id' WHEN 2 THEN 'bing.com' "
        f"WHEN 3 THEN 'facebook.com' WHEN 4 THEN 'wa.me' WHEN 5 THEN 'pringsewukab.go.id' "
        f"WHEN 6 THEN 'kompas.com' WHEN 7 THEN 'satudata.example' WHEN 8 THEN 'satudata.example' "
        f"WHEN 9 THEN 'satudata.example' ELSE '' END) END"
    )
    campaign = f"CASE WHEN {r1} % 100 < 60 AND {r4} % 100 = 7 THEN 'rilis-' || ({r2} % 12){text} ELSE '' END"
    sql = f"""
        SELECT {at}, {kind}, {channel}, {name},
            CASE WHEN {r1} % 100 < 10 OR {r1} % 100 >= 92 THEN '' ELSE d.slug END,
            {fmt}, {query}, {results}, {status}, {visitor},
            ({r4} % 100 = 50), {campaign},
            CASE WHEN {r1} % 100 < 5 THEN p.slug ELSE '' END,
            {referrer}, {host}, ({robot_ua}), FALSE
        FROM series
        JOIN bench_datasets d ON d.n = {dataset_n}
        JOIN bench_products p ON p.n = {r4} % {PRODUCTS}
    """
    return sql, []


def fill(
    n_events: int = 10_000_000, days: int = 365, *, seed: int = 1, roll: bool = True
) -> dict[str, Any]:
    """Insert ``n_events`` raw events over ``days`` days ending yesterday WIB; roll them up."""
    from django.db import connection, transaction
    from django.utils import timezone

    from satudata.catalog.models import Dataset
    from satudata.products.models import Product
    from satudata.reports import rollups

    n_events = events_wanted(n_events)
    vendor = connection.vendor
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    first = yesterday - dt.timedelta(days=days - 1)
    start_utc = rollups.bounds(first)[0].astimezone(dt.UTC).replace(tzinfo=None)
    columns = (
        "at, kind, channel, name, dataset, format, query, results, status, visitor, "
        "signed_in, campaign, product, referrer, referrer_host, bot, sample"
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        _names(
            cursor,
            "bench_datasets",
            "dataset-contoh",
            DATASETS,
            list(Dataset.objects.order_by("pk").values_list("slug", flat=True)[:DATASETS]),
        )
        _names(
            cursor,
            "bench_products",
            "produk-contoh",
            PRODUCTS,
            list(Product.objects.order_by("pk").values_list("slug", flat=True)[:PRODUCTS]),
        )
        done = 0
        while done < n_events:
            count = min(CHUNK, n_events - done)
            select, _params = _select(vendor, start_utc, days, done, count, seed)
            if vendor == "postgresql":
                series = f"WITH series AS (SELECT generate_series(1::bigint, {count}) AS g)"
            else:
                series = (
                    "WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series "
                    f"WHERE g < {count})"
                )
            with transaction.atomic():
                # No parameters: the SQL is ours, and its "%" are modulo operators.
                cursor.execute(f"INSERT INTO reports_usageevent ({columns}) {series} {select}")
            done += count
            print(f"  {done:,} events inserted ({time.perf_counter() - began:.0f} s)", flush=True)
        cursor.execute("DROP TABLE bench_datasets")
        cursor.execute("DROP TABLE bench_products")
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_usageevent")
    inserted = time.perf_counter() - began
    rolled = 0.0
    if roll:
        began = time.perf_counter()
        # Day by day, each month's MonthlyUsage rebuilt once after its days.
        rollups.roll_range(first, yesterday)
        rolled = time.perf_counter() - began
    print(
        f"fixture: {n_events:,} raw events over {days} days ({first} to {yesterday}) on {vendor}: "
        f"inserted in {inserted:.1f} s, rolled up in {rolled:.1f} s"
    )
    return {
        "events": n_events,
        "insert_s": inserted,
        "rollup_s": rolled,
        "first": first,
        "last": yesterday,
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-usage-") as folder:
        setup(Path(folder))
        fill(events_wanted(100_000), 365)
