"""The yearly usage aggregate from the daily rollups against the same aggregate by DuckDB
straight over the Parquet export of the raw events (the practical limit); both times and the
ratio, and whether both give the same figures.

Runs alone: ``DATA_DIR=/tmp/b .venv/bin/python bench/bench_usage_yearly.py`` — 10,000,000 events
by default (``BENCH_EVENTS=1000000`` for a quicker run); throw-away SQLite or DATABASE_URL.
The aggregate: page views, visitor-days, downloads by format, API calls by channel and the top
20 datasets, people only (robots by user agent and by behaviour left out, as in the rollups;
signed-in staff left out).

Figures (``BENCH_EVENTS=1000000``, SQLite, this 2-core machine, after the monthly rollup):
1,000,000 events inserted in 23.6 s and rolled up (365 days with their months, ``roll_range``)
in 41.9 s; Parquet export 10.2 s; yearly aggregate from the rollups 327 ms against 4,652 ms by
DuckDB over the Parquet export (ratio 0.07); the same figures.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.usage_fixture import fill, setup  # noqa: E402


def from_rollups(first: Any, last: Any) -> dict[str, Any]:
    from django.db.models import Sum

    from satudata.reports.models import DailySite, DailyUsage

    site = DailySite.objects.filter(day__gte=first, day__lte=last, bot=False).aggregate(
        page_views=Sum("page_views"), visitors=Sum("visitors")
    )
    people = DailyUsage.objects.filter(
        day__gte=first, day__lte=last, bot=False, signed_in=False
    ).order_by()
    return {
        **site,
        "downloads": dict(
            people.filter(kind="download").values_list("format").annotate(n=Sum("events"))
        ),
        "api": dict(people.filter(kind="api").values_list("channel").annotate(n=Sum("events"))),
        "top": list(
            people.exclude(dataset="")
            .values_list("dataset")
            .annotate(n=Sum("events"))
            .order_by("-n", "dataset")[:20]
        ),
    }


DUCK = """
CREATE OR REPLACE TEMP VIEW ev AS
    SELECT *, CAST(timezone('Asia/Jakarta', "at") AS DATE) AS day FROM read_parquet('{path}');
CREATE OR REPLACE TEMP VIEW robots AS
    SELECT DISTINCT day, visitor FROM (
        SELECT day, visitor FROM ev GROUP BY day, visitor HAVING count(*) > {daily}
        UNION ALL
        SELECT day, visitor FROM ev GROUP BY day, visitor, date_trunc('minute', "at")
            HAVING count(*) > {burst});
CREATE OR REPLACE TEMP VIEW people AS
    SELECT ev.* FROM ev ANTI JOIN robots USING (day, visitor)
    WHERE NOT bot AND NOT signed_in AND status < 400;
"""


def from_parquet(path: Path, daily: int, burst: int) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(DUCK.format(path=path, daily=daily, burst=burst))
    found = con.execute(
        "SELECT count(*) FILTER (WHERE kind = 'page'), "
        "(SELECT count(*) FROM (SELECT DISTINCT day, visitor FROM people)) FROM people"
    ).fetchone()
    assert found is not None
    page_views, visitors = found
    return {
        "page_views": page_views,
        "visitors": visitors,
        "downloads": dict(
            con.execute(
                "SELECT format, count(*) FROM people WHERE kind = 'download' GROUP BY 1"
            ).fetchall()
        ),
        "api": dict(
            con.execute(
                "SELECT channel, count(*) FROM people WHERE kind = 'api' GROUP BY 1"
            ).fetchall()
        ),
        "top": [
            tuple(row)
            for row in con.execute(
                "SELECT dataset, count(*) AS n FROM people WHERE dataset <> '' "
                "GROUP BY 1 ORDER BY n DESC, dataset LIMIT 20"
            ).fetchall()
        ],
    }


def timed(run: Any, times: int = 5) -> tuple[float, Any]:
    spent, result = [], None
    for _ in range(times):
        began = time.perf_counter()
        result = run()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent), result


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-yearly-") as folder:
        setup(Path(folder))
        from satudata.reports import bots, parquet

        made = fill(10_000_000, 365)
        began = time.perf_counter()
        path = Path(folder) / "usage_events.parquet"
        rows = parquet.write_table(parquet.EVENTS, path)
        print(f"Parquet export of {rows:,} raw events: {time.perf_counter() - began:.1f} s")
        rollup_s, ours = timed(lambda: from_rollups(made["first"], made["last"]))
        duck_s, theirs = timed(
            lambda: from_parquet(path, bots.daily_limit(), bots.burst_limit()), times=3
        )
        print(f"yearly aggregate from the rollups: {rollup_s * 1000:.0f} ms")
        print(f"same aggregate by DuckDB over the Parquet export: {duck_s * 1000:.0f} ms")
        print(f"ratio rollups / DuckDB: {rollup_s / duck_s:.2f}")
        print(f"same figures: {ours == theirs}")
        if ours != theirs:
            for key in ours:
                if ours[key] != theirs[key]:
                    print(f"  {key}: rollups {ours[key]} / DuckDB {theirs[key]}")


if __name__ == "__main__":
    main()
