"""Rolling up one day of 30,000 usage events (floor: 2 s).

Runs alone: ``DATA_DIR=/tmp/b .venv/bin/python bench/bench_usage_rollup.py [--events 30000]``
(throw-away SQLite in a temporary folder, or the database of DATABASE_URL when set). The
fixture (bench/usage_fixture.py) writes one day of events; ``roll_day`` is timed on it several
times (each run deletes and rebuilds the day's rows, as the scheduler's re-roll of today does).

Figures (SQLite, this 2-core machine shared with other jobs; 30,000 events, 4,103 DailyUsage
rows): before (ORM GROUP BY, rows built and bulk-inserted from Python) median 0.590 s, max
0.635 s, 87 queries (0.26 s in the database); the earlier helper measured 1.86–1.98 s on a
busier machine. After (one INSERT … SELECT … GROUP BY with temporary lookup tables, and the
month's MonthlyUsage rebuilt in the same transaction) median 0.399 s, max 0.486 s, 47 queries;
on PostgreSQL 15 (same machine) median 0.304 s, max 0.377 s. Rebuilding a full month's
MonthlyUsage (85,250 DailyUsage rows → 3,300) alone takes 0.29–0.41 s on SQLite: the last day
of a busy month rolls in about 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.usage_fixture import fill, setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rollup-") as folder:
        setup(Path(folder))
        from satudata.reports import rollups
        from satudata.reports.models import DailyUsage, UsageEvent

        UsageEvent.objects.all().delete()
        made = fill(args.events, 1, roll=False)
        day = made["last"]
        times = []
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            rollups.roll_day(day)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        total = sum(float(q["time"]) for q in queries.captured_queries)
        print(f"  {len(queries.captured_queries)} queries, {total:.3f} s in the database")
        for query in slowest:
            print(f"  {query['time']} s: {query['sql'][:160]}")
        for _ in range(args.runs):
            began = time.perf_counter()
            rolled = rollups.roll_day(day)
            times.append(time.perf_counter() - began)
        rows = DailyUsage.objects.filter(day=day).count()
        print(
            f"roll_day of {rolled.raw_events:,} events ({rows}"
            f" DailyUsage rows): median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s over {args.runs} runs; floor 2 s"
        )


if __name__ == "__main__":
    main()
