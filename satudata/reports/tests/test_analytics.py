"""Usage analytics read from hand-built daily rollups, so every expected figure is known:
totals with the previous period and last year, the series' grain, "not available" for a period
with nothing rolled up, robots apart, the filters, the breakdowns and the report's section."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports import analytics
from satudata.reports.analytics import FilterError, Filters
from satudata.reports.models import (
    DailyCampaign,
    DailyReferrer,
    DailySearch,
    DailySite,
    DailyUsage,
    RolledDay,
)

D = dt.date


def rolled(*days: dt.date) -> None:
    for day in days:
        RolledDay.objects.create(day=day, rolled_at=timezone.now(), complete=True)


def site(day: dt.date, *, bot: bool = False, sample: bool = False, **counts: int) -> None:
    RolledDay.objects.get_or_create(day=day, defaults={"rolled_at": timezone.now()})
    DailySite.objects.create(day=day, bot=bot, sample=sample, **counts)


def use(day: dt.date, kind: str, events: int, **fields: Any) -> DailyUsage:
    RolledDay.objects.get_or_create(day=day, defaults={"rolled_at": timezone.now()})
    fields.setdefault("channel", "portal")
    return DailyUsage.objects.create(day=day, kind=kind, events=events, **fields)


def period(start: dt.date, end: dt.date, **kw: Any) -> Filters:
    return Filters(start=start, end=end, **kw)


class TotalsTests(PersonaTestCase):
    def test_it_sums_the_humans_days_and_keeps_robots_apart(self) -> None:
        site(
            D(2026, 3, 1),
            page_views=100,
            visitors=40,
            downloads=10,
            api_calls=5,
            searches=7,
            zero_result_searches=2,
            events=122,
        )
        site(
            D(2026, 3, 2),
            page_views=50,
            visitors=20,
            downloads=5,
            api_calls=1,
            searches=3,
            zero_result_searches=1,
            events=59,
        )
        site(D(2026, 3, 2), bot=True, page_views=900, visitors=3, events=1000)
        found = analytics.totals(period(D(2026, 3, 1), D(2026, 3, 31)))
        self.assertEqual(
            found,
            {
                "page_views": 150,
                "visitors": 60,
                "downloads": 15,
                "api_calls": 6,
                "searches": 10,
                "zero_result_searches": 3,
            },
        )
        self.assertEqual(analytics.robots(period(D(2026, 3, 1), D(2026, 3, 31))), 1000)
        with_bots = analytics.totals(period(D(2026, 3, 1), D(2026, 3, 31), include_bots=True))
        self.assertEqual(with_bots["page_views"], 1050)

    def test_a_period_with_no_rolled_day_is_not_available_never_zero(self) -> None:
        site(D(2026, 3, 1), page_views=100)
        empty = period(D(2025, 1, 1), D(2025, 1, 31))
        self.assertEqual(analytics.totals(empty), dict.fromkeys(analytics.MEASURES))
        self.assertIsNone(analytics.robots(empty))
        self.assertIsNone(analytics.breakdown(empty))
        found = analytics.figures(empty)
        self.assertFalse(found["available"])
        self.assertTrue(all(t["value"] is None for t in found["totals"]))
        self.assertTrue(all(p["page_views"] is None for p in found["series"]["points"]))

    def test_a_rolled_day_without_rows_counts_zero(self) -> None:
        rolled(D(2026, 2, 10))
        found = analytics.totals(period(D(2026, 2, 1), D(2026, 2, 28)))
        self.assertEqual(found["page_views"], 0)

    def test_it_compares_with_the_previous_period_and_last_year(self) -> None:
        site(D(2026, 3, 10), page_views=150)
        site(D(2026, 2, 20), page_views=100)  # in the 31 days before March
        site(D(2025, 3, 15), page_views=300)
        march = period(D(2026, 3, 1), D(2026, 3, 31))
        self.assertEqual(march.previous().start, D(2026, 1, 29))
        self.assertEqual(march.previous().end, D(2026, 2, 28))
        views = next(t for t in analytics.totals_with_trends(march) if t["key"] == "page_views")
        self.assertEqual(views["value"], 150)
        self.assertEqual(views["previous"], 100)
        self.assertEqual(views["last_year"], 300)
        self.assertEqual(views["change_previous"], 50.0)
        self.assertEqual(views["change_last_year"], -50.0)

    def test_a_change_from_nothing_or_an_unknown_is_not_available(self) -> None:
        self.assertIsNone(analytics.change(10, 0))
        self.assertIsNone(analytics.change(10, None))
        self.assertIsNone(analytics.change(None, 10))
        self.assertEqual(analytics.change(15, 10), 50.0)

    def test_it_says_when_the_period_holds_sample_days(self) -> None:
        site(D(2026, 3, 1), page_views=1, sample=True)
        self.assertTrue(analytics.has_sample(D(2026, 3, 1), D(2026, 3, 31)))
        self.assertFalse(analytics.has_sample(D(2026, 4, 1), D(2026, 4, 30)))


class SeriesTests(PersonaTestCase):
    def test_the_grain_is_daily_then_weekly_then_monthly(self) -> None:
        self.assertEqual(analytics.grain(62), "day")
        self.assertEqual(analytics.grain(63), "week")
        self.assertEqual(analytics.grain(366), "week")
        self.assertEqual(analytics.grain(367), "month")

    def test_a_daily_series_has_every_day_and_none_where_not_rolled(self) -> None:
        site(D(2026, 3, 2), page_views=5, visitors=2)
        rolled(D(2026, 3, 3))
        points = analytics.series(period(D(2026, 3, 1), D(2026, 3, 4)))["points"]
        self.assertEqual([p["period"] for p in points], [D(2026, 3, d) for d in (1, 2, 3, 4)])
        self.assertEqual([p["page_views"] for p in points], [None, 5, 0, None])

    def test_weeks_start_on_monday_and_sum_their_days(self) -> None:
        site(D(2026, 3, 2), page_views=5)  # a Monday
        site(D(2026, 3, 8), page_views=7)  # the Sunday after
        site(D(2026, 3, 9), page_views=1)
        found = analytics.series(period(D(2026, 1, 1), D(2026, 4, 30)))
        self.assertEqual(found["grain"], "week")
        by_week = {p["period"]: p["page_views"] for p in found["points"]}
        self.assertEqual(by_week[D(2026, 3, 2)], 12)
        self.assertEqual(by_week[D(2026, 3, 9)], 1)
        self.assertIsNone(by_week[D(2026, 2, 23)])

    def test_the_report_gets_months(self) -> None:
        site(D(2025, 1, 31), page_views=4, visitors=2, downloads=1, api_calls=0)
        site(D(2025, 3, 1), page_views=6)
        months = analytics.report_section(D(2025, 1, 1), D(2025, 12, 31))["monthly"]
        self.assertEqual(len(months), 12)
        self.assertEqual(
            months[0],
            {"month": "2025-01", "page_views": 4, "visitors": 2, "downloads": 1, "api_calls": 0},
        )
        self.assertIsNone(months[1]["page_views"])
        self.assertEqual(months[2]["page_views"], 6)


class NarrowingTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=cls.p.kepala_bidang,
        )

    def setUp(self) -> None:
        day, other = D(2026, 3, 5), self.p.other_agency
        slug = self.dataset.slug
        common = {"agency": self.p.agency, "sector": "KESEHATAN", "dataset": slug}
        use(day, "page", 30, visitors=10, **common)
        use(day, "download", 8, format="csv", visitors=4, **common)
        use(day, "download", 2, format="xlsx", visitors=2, **common)
        use(day, "api", 5, channel="ckan", **common)
        use(day, "download", 4, channel="builder", format="csv", **common)
        use(day, "page", 12, dataset="lain", agency=other, sector="PENDIDIKAN_DAN_PELATIHAN")
        use(day, "page", 999, bot=True, **common)
        use(day, "page", 77, signed_in=True, **common)  # staff: never counted
        use(day, "page", 3, product="brs-ipm", visitors=3)
        self.march = period(D(2026, 3, 1), D(2026, 3, 31))

    def test_it_narrows_by_agency_sector_dataset_and_channel(self) -> None:
        by_agency = analytics.totals(
            period(D(2026, 3, 1), D(2026, 3, 31), agency_id=self.p.agency.pk)
        )
        self.assertEqual(by_agency["page_views"], 30)
        self.assertEqual(by_agency["downloads"], 14)
        self.assertEqual(by_agency["api_calls"], 5)
        self.assertIsNone(by_agency["zero_result_searches"])  # not known per object
        by_sector = period(D(2026, 3, 1), D(2026, 3, 31), sector="PENDIDIKAN_DAN_PELATIHAN")
        self.assertEqual(analytics.totals(by_sector)["page_views"], 12)
        by_dataset = period(D(2026, 3, 1), D(2026, 3, 31), dataset=self.dataset.slug)
        self.assertEqual(analytics.totals(by_dataset)["downloads"], 14)
        by_channel = period(D(2026, 3, 1), D(2026, 3, 31), channel="ckan")
        self.assertEqual(analytics.totals(by_channel)["api_calls"], 5)
        self.assertEqual(analytics.totals(by_channel)["page_views"], 0)
        self.assertEqual(analytics.robots(by_dataset), 999)

    def test_the_breakdowns_name_what_they_count(self) -> None:
        found = analytics.breakdown(self.march)
        self.assertEqual(
            analytics.downloads_by_format(found),
            [{"format": "csv", "n": 12}, {"format": "xlsx", "n": 2}],
        )
        channels = {row["channel"]: row["n"] for row in analytics.api_by_channel(found)}
        self.assertEqual(channels["ckan"], 5)
        self.assertEqual(channels["builder"], 4)
        self.assertEqual(channels["rest"], 0)
        top = analytics.top_datasets(found)
        self.assertEqual(top[0]["dataset"], self.dataset.slug)
        self.assertEqual(top[0]["title"], self.dataset.title)
        self.assertEqual(top[0]["agency"], self.p.agency.name)
        self.assertEqual((top[0]["views"], top[0]["downloads"]), (30, 14))
        self.assertEqual(top[1]["title"], "lain")  # a slug the catalogue no longer has
        agencies = analytics.by_agency(found)
        self.assertEqual(agencies[0]["agency"], self.p.agency.name)
        sectors = {row["sector"]: row["label"] for row in analytics.by_sector(found)}
        self.assertEqual(sectors["PENDIDIKAN_DAN_PELATIHAN"], "Pendidikan dan Pelatihan")
        self.assertEqual(analytics.top_products(found)[0]["product"], "brs-ipm")

    def test_channel_counts_give_the_portal_and_every_machine_channel(self) -> None:
        counts = analytics.channel_counts(D(2026, 3, 1), D(2026, 3, 31))
        self.assertEqual(counts["portal"], 30 + 10 + 12 + 3)
        self.assertEqual(counts["ckan"], 5)
        self.assertEqual(counts["dcat"], 0)
        self.assertEqual(analytics.channel_counts(D(2020, 1, 1), D(2020, 1, 31)), {})


class SiteWideTests(PersonaTestCase):
    def test_searches_referrers_and_campaigns(self) -> None:
        day = D(2026, 3, 5)
        site(day, page_views=1)
        DailySearch.objects.create(day=day, query="stunting", searches=9, zero_results=9)
        DailySearch.objects.create(day=day, query="penduduk", searches=20, zero_results=0)
        DailySearch.objects.create(day=D(2026, 3, 6), query="stunting", searches=1, zero_results=1)
        DailyReferrer.objects.create(day=day, kind="search", host="www.google.com", events=40)
        DailyReferrer.objects.create(day=day, kind="social", host="wa.me", events=10)
        DailyCampaign.objects.create(day=day, campaign="ig-brs", landings=6, visitors=5)
        march = period(D(2026, 3, 1), D(2026, 3, 31))
        self.assertEqual(analytics.zero_result_queries(march), [{"query": "stunting", "n": 10}])
        self.assertEqual(analytics.top_queries(march)[0]["query"], "penduduk")
        self.assertEqual([r["kind"] for r in analytics.referrers(march)], ["search", "social"])
        self.assertEqual(analytics.referrer_hosts(march)[0]["host"], "www.google.com")
        self.assertEqual(
            analytics.campaigns(march), [{"campaign": "ig-brs", "landings": 6, "visitors": 5}]
        )


class ReportSectionTests(PersonaTestCase):
    KEYS = {
        "available",
        "totals",
        "previous",
        "last_year",
        "downloads_by_format",
        "api_by_channel",
        "top_datasets",
        "top_products",
        "zero_result_queries",
        "referrers",
        "campaigns",
        "monthly",
        "bots",
        "sample",
    }
    TOTALS = {
        "page_views",
        "visitors",
        "downloads",
        "api_calls",
        "searches",
        "zero_result_searches",
    }

    def test_it_has_exactly_the_agreed_keys_and_is_json(self) -> None:
        site(D(2026, 1, 5), page_views=10, visitors=3, sample=True)
        use(D(2026, 1, 5), "download", 2, format="csv", dataset="x")
        found = analytics.report_section(D(2026, 1, 1), D(2026, 1, 31))
        self.assertEqual(set(found), self.KEYS)
        for key in ("totals", "previous", "last_year"):
            self.assertEqual(set(found[key]), self.TOTALS)
        self.assertEqual(
            set(found["top_datasets"][0]), {"dataset", "title", "agency", "views", "downloads"}
        )
        self.assertEqual(set(found["api_by_channel"][0]), {"channel", "label", "n"})
        self.assertTrue(found["available"])
        self.assertTrue(found["sample"])
        self.assertEqual(found["totals"]["page_views"], 10)
        self.assertIsNone(found["previous"]["page_views"])
        self.assertEqual(found["bots"], {"events": 0})
        json.dumps(found)

    def test_an_empty_period_is_not_available(self) -> None:
        found = analytics.report_section(D(2020, 1, 1), D(2020, 12, 31))
        self.assertFalse(found["available"])
        self.assertTrue(all(v is None for v in found["totals"].values()))
        self.assertEqual(found["bots"], {"events": None})
        self.assertTrue(all(m["page_views"] is None for m in found["monthly"]))


class FilterTests(PersonaTestCase):
    TODAY = D(2026, 5, 14)

    def read(self, **query: str) -> Filters:
        return Filters.from_query(query, today=self.TODAY)

    def test_presets_give_their_dates(self) -> None:
        cases = {
            "bulan-ini": (D(2026, 5, 1), D(2026, 5, 14)),
            "bulan-lalu": (D(2026, 4, 1), D(2026, 4, 30)),
            "triwulan-ini": (D(2026, 4, 1), D(2026, 5, 14)),
            "tahun-ini": (D(2026, 1, 1), D(2026, 5, 14)),
            "tahun-lalu": (D(2025, 1, 1), D(2025, 12, 31)),
            "12-bulan": (D(2025, 5, 15), D(2026, 5, 14)),
        }
        for preset, dates in cases.items():
            found = self.read(periode=preset)
            self.assertEqual((found.start, found.end), dates, preset)
        january = Filters.from_query({"periode": "bulan-lalu"}, today=D(2026, 1, 3))
        self.assertEqual((january.start, january.end), (D(2025, 12, 1), D(2025, 12, 31)))

    def test_chosen_dates_and_narrowing_are_read_and_written_back(self) -> None:
        found = self.read(
            dari="2026-01-01",
            sampai="2026-01-31",
            instansi=self.p.agency.slug,
            sektor="KESEHATAN",
            dataset="jumlah-x",
            kanal="ckan",
            robot="1",
        )
        self.assertEqual(found.preset, "rentang")
        self.assertEqual(found.agency_id, self.p.agency.pk)
        self.assertTrue(found.include_bots and found.narrowed)
        self.assertEqual(Filters.from_query(found.query(), today=self.TODAY), found)

    def assertRefused(self, field: str, **query: str) -> None:
        with self.assertRaises(FilterError) as caught:
            self.read(**query)
        self.assertIn(field, caught.exception.errors)

    def test_bad_filters_are_refused_with_a_reason(self) -> None:
        self.assertRefused("dari", periode="rentang", dari="2026-13-01", sampai="2026-01-31")
        self.assertRefused("sampai", periode="rentang", dari="2026-01-01")
        self.assertRefused("sampai", dari="2026-02-01", sampai="2026-01-31")
        self.assertRefused("sampai", dari="2020-01-01", sampai="2025-01-02")
        self.assertRefused("periode", periode="minggu-depan")
        self.assertRefused("instansi", instansi="tidak-ada")
        self.assertRefused("sektor", sektor="SULAP")
        self.assertRefused("kanal", kanal="ftp")
        self.assertRefused("dataset", dataset="<script>")
        five_years = self.read(dari="2021-01-01", sampai="2025-12-31")
        self.assertEqual(five_years.days, 1826)
