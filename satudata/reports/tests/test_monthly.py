"""The monthly usage rollup: always equal to grouping ``DailyUsage`` by month (rolled
incrementally, twice, after a gap, re-rolled with late events), and the dashboard's figures the
same whether whole months are read from ``MonthlyUsage`` or from their days."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.reports import analytics, rollups
from satudata.reports.analytics import Filters
from satudata.reports.models import DailyUsage, MonthlyUsage, RolledDay, UsageEvent

WIB = dt.timezone(dt.timedelta(hours=7))
D = dt.date
DIMENSIONS = DailyUsage.DIMENSIONS


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def events_on(day: dt.date, n: int, rng: random.Random, **fields: Any) -> None:
    UsageEvent.objects.bulk_create(
        UsageEvent(
            at=at(day, rng.randrange(24), rng.randrange(60)),
            kind=rng.choice(["page", "download", "api"]),
            channel=rng.choice(["portal", "rest", "ckan"]),
            name=rng.choice(["portal:dataset", "api-v1:x"]),
            dataset=rng.choice(["", "beras", "stunting"]),
            status=rng.choice([200, 200, 404]),
            visitor=f"h{rng.randrange(9)}",
            bot=rng.random() < 0.1,
            signed_in=rng.random() < 0.1,
            **fields,
        )
        for _ in range(n)
    )


def grouped_by_month() -> list[tuple[Any, ...]]:
    """``DailyUsage`` summed per month in Python: what ``MonthlyUsage`` must hold."""
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in DailyUsage.objects.values("day", *DIMENSIONS, "events", "visitors", "failed"):
        key = (row["day"].replace(day=1), *(row[name] for name in DIMENSIONS))
        for index, name in enumerate(("events", "visitors", "failed")):
            sums[key][index] += row[name]
    return sorted((*key, *counts) for key, counts in sums.items())


def monthly_rows() -> list[tuple[Any, ...]]:
    return sorted(
        MonthlyUsage.objects.values_list("month", *DIMENSIONS, "events", "visitors", "failed")
    )


class MonthlyRollupTests(PersonaTestCase):
    def assert_in_step(self) -> None:
        self.assertTrue(MonthlyUsage.objects.exists())
        self.assertEqual(monthly_rows(), grouped_by_month())

    def test_it_equals_the_days_grouped_by_month_as_days_are_rolled(self) -> None:
        rng = random.Random(6)
        for day in (D(2026, 1, 30), D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 20)):
            events_on(day, 80, rng)
        rollups.roll_day(D(2026, 1, 30), now=at(D(2026, 3, 1)))
        self.assert_in_step()
        rollups.roll_day(D(2026, 2, 1), now=at(D(2026, 3, 1)))
        self.assert_in_step()
        # The rest after a gap (the scheduler was down), both months at once.
        rollups.roll_pending(at(D(2026, 3, 1)))
        self.assert_in_step()
        self.assertEqual(
            set(MonthlyUsage.objects.values_list("month", flat=True)),
            {D(2026, 1, 1), D(2026, 2, 1)},
        )

    def test_rolling_again_changes_nothing(self) -> None:
        events_on(D(2026, 1, 30), 120, random.Random(7))
        rollups.roll_day(D(2026, 1, 30), now=at(D(2026, 2, 2)))
        before = monthly_rows()
        rollups.roll_range(D(2026, 1, 1), D(2026, 1, 31), now=at(D(2026, 2, 2)))
        self.assertEqual(monthly_rows(), before)
        self.assert_in_step()

    def test_late_events_of_a_rolled_day_reach_its_month(self) -> None:
        rng = random.Random(8)
        events_on(D(2026, 1, 10), 50, rng)
        events_on(D(2026, 1, 11), 50, rng)
        rollups.roll_pending(at(D(2026, 1, 12)))
        pages = MonthlyUsage.objects.filter(kind="page", channel="portal", bot=False)
        before = sum(pages.values_list("events", flat=True))
        UsageEvent.objects.bulk_create(
            UsageEvent(
                at=at(D(2026, 1, 10), 23),
                kind="page",
                channel="portal",
                name="portal:dataset",
                dataset="beras",
                status=200,
                visitor=f"late{n}",
            )
            for n in range(5)
        )
        self.assertIn(D(2026, 1, 10), rollups.roll_pending(at(D(2026, 1, 12), 11)))
        self.assertEqual(sum(pages.values_list("events", flat=True)), before + 5)
        self.assert_in_step()

    def test_a_day_rolled_empty_leaves_its_month_in_step(self) -> None:
        events_on(D(2026, 1, 10), 30, random.Random(9))
        rollups.roll_day(D(2026, 1, 10), now=at(D(2026, 1, 11)))
        UsageEvent.objects.all().delete()
        rollups.roll_day(D(2026, 1, 10), now=at(D(2026, 1, 11)))
        self.assertFalse(MonthlyUsage.objects.exists())
        self.assertEqual(grouped_by_month(), [])


class MonthlyAndDailyPathsAgreeTests(PersonaTestCase):
    """Random daily rollups over 15 months: every figure read with the whole months from
    ``MonthlyUsage`` equals the one read from the days only."""

    def setUp(self) -> None:
        rng = random.Random(21)
        agencies = [self.p.agency.pk, self.p.other_agency.pk, None]
        rows = []
        day = D(2025, 1, 1)
        while day <= D(2026, 3, 31):
            RolledDay.objects.create(day=day, rolled_at=timezone.now(), complete=True)
            for _ in range(rng.randrange(0, 6)):
                kind = rng.choice(["page", "download", "api", "search"])
                rows.append(
                    DailyUsage(
                        day=day,
                        kind=kind,
                        channel=rng.choice(["portal", "rest", "ckan"]),
                        format=rng.choice(["csv", "xlsx"]) if kind == "download" else "",
                        dataset=rng.choice(["beras", "stunting", ""]),
                        product=rng.choice(["", "buku-saku"]),
                        agency_id=rng.choice(agencies),
                        sector=rng.choice(["", "KESEHATAN", "PEMBANGUNAN"]),
                        bot=rng.random() < 0.2,
                        signed_in=rng.random() < 0.1,
                        events=rng.randrange(1, 50),
                        visitors=rng.randrange(0, 20),
                        failed=rng.randrange(0, 3),
                    )
                )
            day += dt.timedelta(days=1)
        DailyUsage.objects.bulk_create(rows)

    def filters(self) -> list[Filters]:
        periods = [
            (D(2025, 1, 1), D(2026, 3, 31)),  # monthly series, whole months only
            (D(2025, 3, 17), D(2026, 2, 9)),  # weekly series, ragged edges read as days
            (D(2025, 3, 5), D(2026, 2, 25)),  # edges read as their months less other days
            (D(2025, 6, 3), D(2025, 7, 29)),  # two partial months less other days
            (D(2025, 2, 1), D(2025, 2, 28)),  # one whole month, daily series
            (D(2025, 5, 5), D(2025, 5, 25)),  # inside one month: days only
        ]
        narrowing: list[dict[str, Any]] = [
            {"agency_id": self.p.agency.pk},
            {"sector": "KESEHATAN"},
            {"dataset": "beras"},
            {"product": "buku-saku"},
            {"channel": "ckan"},
            {"channel": "rest", "include_bots": True},
            {"agency_id": self.p.other_agency.pk, "dataset": "stunting"},
            {},
        ]
        return [Filters(start=start, end=end, **kw) for start, end in periods for kw in narrowing]

    def read(self) -> list[dict[str, Any]]:
        found = []
        for filters in self.filters():
            figures = analytics.figures(filters)
            figures.pop("sample")
            found.append(figures)
        return found

    def test_the_monthly_path_gives_the_daily_paths_figures(self) -> None:
        daily = self.read()
        self.assertFalse(MonthlyUsage.objects.exists())
        for n in range(15):
            self.assertGreater(rollups.roll_month(D(2025 + n // 12, n % 12 + 1, 1)), 0)
        self.assertTrue(Filters(start=D(2025, 1, 1), end=D(2025, 12, 31)).spans.months)
        monthly = self.read()
        for filters, before, after in zip(self.filters(), daily, monthly, strict=True):
            with self.subTest(filters=filters):
                self.assertEqual(after, before)
        # The figures are not all empty: the comparison means something.
        self.assertGreater(daily[0]["totals"][0]["value"], 0)
        self.assertTrue(any(row["downloads_by_format"] for row in daily))

    def test_only_months_with_monthly_rows_are_read_as_months(self) -> None:
        rollups.roll_month(D(2025, 4, 1))
        found = analytics.spans(D(2025, 3, 17), D(2025, 6, 9))
        self.assertEqual(found.months, ((D(2025, 4, 1), D(2025, 4, 1)),))
        self.assertEqual(
            found.days, ((D(2025, 3, 17), D(2025, 3, 31)), (D(2025, 5, 1), D(2025, 6, 9)))
        )
        self.assertEqual(found.minus, ())

    def test_a_month_mostly_in_the_period_is_read_less_its_other_days(self) -> None:
        for month in (D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1)):
            rollups.roll_month(month)
        found = analytics.spans(D(2025, 3, 10), D(2025, 5, 12))
        self.assertEqual(found.months, ((D(2025, 3, 1), D(2025, 4, 1)),))
        self.assertEqual(found.minus, ((D(2025, 3, 1), D(2025, 3, 9)),))
        self.assertEqual(found.days, ((D(2025, 5, 1), D(2025, 5, 12)),))
