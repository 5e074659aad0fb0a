"""The demo's year of sample usage: every day there, weekly and seasonal shape, robots of both
kinds, sample-marked, never in the future, written once, and fast."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter
from datetime import UTC

import time_machine
from django.db.models import Count, Max

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports.demo_usage import load_sample_usage
from satudata.reports.models import Channel, EventKind, UsageEvent

NOW = dt.datetime(2026, 12, 6, 5, 0, tzinfo=UTC)  # 12.00 WIB
TODAY = dt.date(2026, 12, 6)


@time_machine.travel(NOW, tick=False)
class SampleUsageTests(PersonaTestCase):
    written: int
    seconds: float
    per_day: dict[dt.date, int]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name in ("Jumlah Bidan Desa", "Angka Stunting", "Produksi Padi"):
            table_dataset(
                actor=cls.p.walidata,
                agency=cls.p.agency,
                name=name,
                columns=[("kecamatan", "text"), ("jumlah", "int")],
                rows=[["Pringsewu", 12], ["Gadingrejo", 9]],
            )
        started = time.perf_counter()
        cls.written = load_sample_usage()
        cls.seconds = time.perf_counter() - started
        # Counted here rather than by the database's date function: SQLite's runs in Python.
        wib = dt.timedelta(hours=7)  # WIB keeps no summer time
        moments = UsageEvent.objects.filter(bot=False).values_list("at", flat=True)
        cls.per_day = dict(Counter((moment + wib).date() for moment in moments.iterator()))

    def test_it_writes_a_year_of_events_quickly(self) -> None:
        self.assertEqual(UsageEvent.objects.count(), self.written)
        self.assertGreater(self.written, 150_000)
        self.assertLess(self.written, 250_000)
        self.assertLess(self.seconds, 30)  # a few seconds on SQLite; room for a slow runner

    def test_every_day_of_the_year_is_there_and_nothing_is_in_the_future(self) -> None:
        first = TODAY - dt.timedelta(days=364)
        days = [first + dt.timedelta(days=n) for n in range(365)]
        self.assertEqual(sorted(self.per_day), days)
        self.assertLessEqual(UsageEvent.objects.aggregate(last=Max("at"))["last"], NOW)

    def test_every_event_is_sample_data(self) -> None:
        self.assertFalse(UsageEvent.objects.filter(sample=False).exists())

    def test_working_days_are_busier_than_fridays_and_sundays_the_quietest(self) -> None:
        by_weekday: dict[int, list[int]] = {}
        for day, n in self.per_day.items():
            by_weekday.setdefault(day.weekday(), []).append(n)
        mean = {weekday: statistics.mean(ns) for weekday, ns in by_weekday.items()}
        self.assertGreater(mean[1], mean[4])  # Tuesday > Friday
        self.assertGreater(mean[4], mean[5])  # Friday > Saturday
        self.assertGreater(mean[5], mean[6])  # Saturday > Sunday
        self.assertGreater(mean[0], 2 * mean[6])

    def test_lebaran_and_the_year_end_are_quiet_and_the_year_grows(self) -> None:
        lebaran = [self.per_day[dt.date(2026, 3, 20) + dt.timedelta(days=n)] for n in range(5)]
        before = [self.per_day[dt.date(2026, 2, 23) + dt.timedelta(days=n)] for n in range(5)]
        self.assertLess(statistics.mean(lebaran), 0.6 * statistics.mean(before))
        year_end = [self.per_day[dt.date(2025, 12, 24) + dt.timedelta(days=n)] for n in range(5)]
        self.assertLess(statistics.mean(year_end), 0.6 * statistics.mean(before))
        march = statistics.mean(
            n for d, n in self.per_day.items() if (d.year, d.month) == (2026, 2)
        )
        november = statistics.mean(
            n for d, n in self.per_day.items() if (d.year, d.month) == (2026, 11)
        )
        self.assertGreater(november, march)  # growth and the APBD season

    def test_robots_declared_and_one_by_behaviour(self) -> None:
        declared = UsageEvent.objects.filter(bot=True).count()
        self.assertGreater(declared, 0.03 * self.written)
        busiest = (
            UsageEvent.objects.filter(bot=False)
            .values("visitor")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert busiest is not None
        self.assertGreater(busiest["n"], 1_000)

    def test_downloads_api_searches_and_referrers_have_their_kinds(self) -> None:
        read = Counter(UsageEvent.objects.exclude(dataset="").values_list("dataset", flat=True))
        self.assertEqual(len(read), 3)  # the catalogue's own datasets, one far ahead
        self.assertGreater(read.most_common()[0][1], 1.5 * read.most_common()[2][1])
        formats = Counter(
            UsageEvent.objects.filter(kind=EventKind.DOWNLOAD).values_list("format", flat=True)
        )
        self.assertTrue({"csv", "xlsx", "json"} <= set(formats))
        channels = set(
            UsageEvent.objects.filter(kind=EventKind.API_CALL).values_list("channel", flat=True)
        )
        self.assertTrue(
            {Channel.REST, Channel.CKAN, Channel.DCAT, Channel.DATA_JSON, Channel.DATAPACKAGE}
            <= channels
        )
        zero = UsageEvent.objects.filter(kind=EventKind.SEARCH, results=0)
        self.assertIn("stunting per pekon", set(zero.values_list("query", flat=True)))
        kinds = set(UsageEvent.objects.values_list("referrer", flat=True))
        self.assertTrue({"search", "social", "government", "internal", ""} <= kinds)

    def test_a_second_run_adds_nothing(self) -> None:
        self.assertEqual(load_sample_usage(), 0)
        self.assertEqual(UsageEvent.objects.count(), self.written)

    def test_a_day_in_the_future_is_never_written(self) -> None:
        UsageEvent.objects.all().delete()
        load_sample_usage(today=TODAY + dt.timedelta(days=30), days=40)
        self.assertLessEqual(UsageEvent.objects.aggregate(last=Max("at"))["last"], NOW)
