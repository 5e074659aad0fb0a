"""The yearly KPI set over a year of history: ``kpis.kpi_table`` for a whole year.

Issue figure (floor): the yearly KPI set in at most 2 s with a year of daily rollups.

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_kpi_yearly.py
    .venv/bin/python bench/bench_kpi_yearly.py --datasets 300 --runs 5

The history (invented, "data contoh"), written with bulk_create into a throw-away SQLite
database in a temporary folder removed afterwards: 400 calendar entries and releases (on time,
late, postponed, cancelled), errata, pre-release grants, 3,000 SOP tasks, 2,000 tickets, 1,000
IKM answers, and a year of rollups filled directly — ``DailyUsage`` rows for ``--datasets``
datasets × 365 days (a page row and a download row each, plus API rows per channel),
``DailySite``, ``DailySearch`` and ``RolledDay`` for every day of the year before too (the
last-year column and the channel index's base year). Timed: the table for the year (which also
computes the previous year and the year before, as the table shows them), median and max of
``--runs`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402

FLOOR_SECONDS = 2.0


def _days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def fill_rollups(years: list[int], datasets: int, rng: random.Random) -> int:
    from django.utils import timezone

    from satudata.accounts.models import Agency
    from satudata.reports.models import DailySearch, DailySite, DailyUsage, RolledDay

    agencies = list(Agency.objects.values_list("pk", flat=True))
    rows = 0
    for year in years:
        for day in _days(year):
            batch = []
            for n in range(datasets):
                agency = agencies[n % len(agencies)]
                slug = f"dataset-{n}"
                batch.append(
                    DailyUsage(
                        day=day,
                        kind="page",
                        channel="portal",
                        dataset=slug,
                        agency_id=agency,
                        events=rng.randint(1, 40),
                        visitors=rng.randint(1, 20),
                    )
                )
                batch.append(
                    DailyUsage(
                        day=day,
                        kind="download",
                        channel="portal",
                        dataset=slug,
                        format=rng.choice(["csv", "xlsx", "json"]),
                        agency_id=agency,
                        events=rng.randint(0, 10),
                        visitors=rng.randint(0, 5),
                    )
                )
            for channel in ("rest", "ckan", "dcat", "data.json", "builder"):
                batch.append(
                    DailyUsage(
                        day=day,
                        kind="api",
                        channel=channel,
                        events=rng.randint(10, 500),
                        visitors=rng.randint(1, 30),
                        failed=rng.randint(0, 5),
                    )
                )
            DailyUsage.objects.bulk_create(batch, batch_size=2000)
            rows += len(batch)
            DailySite.objects.bulk_create(
                [
                    DailySite(
                        day=day,
                        visitors=rng.randint(100, 900),
                        page_views=rng.randint(500, 5000),
                        searches=rng.randint(10, 200),
                        zero_result_searches=rng.randint(0, 20),
                        sample=True,
                    ),
                    DailySite(day=day, bot=True, page_views=rng.randint(100, 2000)),
                ]
            )
            DailySearch.objects.bulk_create(
                [
                    DailySearch(
                        day=day,
                        query=f"kata {i}",
                        searches=rng.randint(1, 9),
                        zero_results=rng.randint(0, 2),
                    )
                    for i in range(10)
                ]
            )
            RolledDay.objects.create(day=day, rolled_at=timezone.now(), complete=True)
    return rows


def fill_history(year: int, rng: random.Random) -> None:
    from django.contrib.contenttypes.models import ContentType

    from satudata.accounts.models import Agency, User
    from satudata.catalog.models import DatasetVersion
    from satudata.releases.models import Erratum, PreReleaseAccess, Release, ReleaseEntry
    from satudata.sop.models import SopStep, SopTask
    from satudata.sop.workdays import WIB
    from satudata.support.models import SurveyResponse, Ticket

    agencies = list(Agency.objects.all())
    user = User.objects.first()
    dataset_type = ContentType.objects.get_for_model(DatasetVersion)

    def moment(day_of_year: int, hour: int = 10) -> dt.datetime:
        return dt.datetime(year, 1, 1, hour, tzinfo=WIB) + dt.timedelta(days=day_of_year)

    entries = []
    for i in range(400):
        target = moment(rng.randint(0, 360))
        cancelled = i % 40 == 0
        entries.append(
            ReleaseEntry(
                title=f"Rilis {i}",
                agency=agencies[i % len(agencies)],
                reference_period=str(year - 1),
                planned_at=target,
                precision="tanggal",
                state="batal" if cancelled else "pasti",
                target_at=target,
                first_announced_at=target - dt.timedelta(days=rng.randint(10, 200)),
                first_confirmed_at=target - dt.timedelta(days=rng.randint(5, 60)),
                released_at=None
                if cancelled
                else target + dt.timedelta(days=rng.choice([0, 0, 0, 2])),
                cancelled_at=target if cancelled else None,
                cancellation_reason="Dibatalkan" if cancelled else "",
                product_type=rng.choice(["dataset", "tabel", "grafik", "infografis", "publikasi"]),
            )
        )
    ReleaseEntry.objects.bulk_create(entries)
    releases = [
        Release(
            content_type=dataset_type,
            object_id=i,
            entry=entry,
            title=entry.title,
            agency=entry.agency,
            state="dijadwalkan",
            release_at=entry.released_at,
        )
        for i, entry in enumerate(ReleaseEntry.objects.exclude(state="batal"))
    ]
    Release.objects.bulk_create(releases)
    saved = list(Release.objects.all()[:400])
    Erratum.objects.bulk_create(
        [
            Erratum(
                release=r,
                note="koreksi",
                significant=i % 3 == 0,
                created_by=user,
                created_at=(r.release_at or dt.datetime.now(dt.UTC)) + dt.timedelta(days=5),
            )
            for i, r in enumerate(saved[::10])
        ]
    )
    PreReleaseAccess.objects.bulk_create(
        [
            PreReleaseAccess(
                release=r,
                user=user,
                organisation="BPS",
                justification="uji",
                access_from=(r.release_at or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=20),
                granted_by=user,
            )
            for r in saved[::20]
        ]
    )
    steps = list(SopStep.objects.filter(document__is_current=True))
    tasks = []
    for i in range(3000):
        opened = moment(rng.randint(0, 360))
        done = i % 5 != 0
        tasks.append(
            SopTask(
                step=steps[i % len(steps)],
                title=f"Tugas {i}",
                executor=user,
                agency=agencies[i % len(agencies)],
                created_at=opened,
                due_at=opened + dt.timedelta(days=7),
                status="done" if done else "open",
                completed_at=opened + dt.timedelta(days=rng.randint(1, 12)) if done else None,
            )
        )
    SopTask.objects.bulk_create(tasks)
    tickets = []
    for i in range(2000):
        received = moment(rng.randint(0, 360))
        tickets.append(
            Ticket(
                number=f"B-{i}",
                category="konsultasi",
                subject="s",
                message="m",
                requester_name="x",
                secret_hash=f"{i:064d}",
                received_at=received,
                first_response_due=received + dt.timedelta(days=1),
                answer_due=received + dt.timedelta(days=3),
                acknowledged_at=received + dt.timedelta(hours=3),
                answered_at=received + dt.timedelta(days=rng.randint(0, 6)),
            )
        )
    Ticket.objects.bulk_create(tickets)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                submitted_at=moment(rng.randint(0, 360)),
                **{f"u{u}": rng.randint(2, 4) for u in range(1, 10)},
            )
            for _ in range(1000)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kpi-") as folder:
        setup_django(Path(folder))
        from django.core.management import call_command

        from satudata.core.testing import load_reference_data, make_personas
        from satudata.reports import kpis

        call_command("migrate", verbosity=0)
        load_reference_data()
        make_personas()
        rng = random.Random(6)
        began = time.perf_counter()
        rows = fill_rollups([args.year - 1, args.year], args.datasets, rng)
        fill_history(args.year, rng)
        print(
            f"filled {rows:,} DailyUsage rows and the history "
            f"in {time.perf_counter() - began:.1f} s"
        )
        start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
        timings = []
        for _ in range(args.runs):
            began = time.perf_counter()
            table = kpis.kpi_table(start, end)
            timings.append(time.perf_counter() - began)
        available = sum(1 for row in table if row["available"])
        median, worst = statistics.median(timings), max(timings)
        print(
            f"kpi_table({args.year}): {available}/18 available; median {median:.3f} s, "
            f"max {worst:.3f} s over {args.runs} runs (floor {FLOOR_SECONDS} s)"
        )
        if worst > FLOOR_SECONDS:
            print("FLOOR MISSED")
            sys.exit(1)


if __name__ == "__main__":
    main()
