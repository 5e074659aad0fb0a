"""Usage events: what is counted on each channel, in batches, with no cookie and no address
kept, and the summary the dissemination report reads."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports import usage
from satudata.reports.models import DailySalt, UsageEvent

IP = "203.0.113.7"


class UsageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=self.p.kepala_bidang,
        )
        usage.buffer.flush()
        UsageEvent.objects.all().delete()

    def visit(self, url: str, agent: str = "Firefox") -> None:
        response = self.client.get(url, REMOTE_ADDR=IP, HTTP_USER_AGENT=agent)
        self.assertNotIn("Set-Cookie", str(response.headers))  # no cookie for the public
        self.assertLess(response.status_code, 500)

    def test_each_channel_is_counted_as_what_it_is(self) -> None:
        slug = self.dataset.slug
        for url in (
            "/",
            "/dataset/?q=puskesmas",
            "/dataset/?q=kemiskinan",
            f"/dataset/{slug}/",
            f"/dataset/{slug}/data.csv",
            f"/dataset/{slug}/data.xlsx",
            "/api/3/action/package_search?q=sekolah",
            "/api/3/action/package_show?id=" + slug,
            "/api/v1/datasets?organization=dinkes",
            f"/api/v1/datasets/{slug}/export?format=json",
            "/catalog.ttl",
            "/data.json",
        ):
            self.visit(url)
        self.client.force_login(self.p.walidata)
        self.client.get("/tugas/")  # staff pages are not usage of the data server
        rows = list(
            UsageEvent.objects.order_by("pk").values_list(
                "kind", "channel", "name", "format", "query", "results"
            )
        )
        self.assertEqual(
            rows,
            [
                ("page", "portal", "portal:home", "", "", None),
                ("search", "portal", "portal:search", "", "puskesmas", 1),
                ("search", "portal", "portal:search", "", "kemiskinan", 0),
                ("page", "portal", "portal:dataset", "", "", None),
                ("download", "portal", "portal:download", "csv", "", None),
                ("download", "portal", "portal:download", "xlsx", "", None),
                ("search", "ckan", "ckan:package_search", "", "sekolah", 0),
                ("api", "ckan", "ckan:package_show", "", "", None),
                ("search", "rest", "api-v1:list_datasets", "", "organization:dinkes", 1),
                ("download", "rest", "api-v1:export_data", "json", "", None),
                ("api", "dcat", "api:dcat-catalog", "ttl", "", None),
                ("api", "data.json", "api:data-json", "", "", None),
            ],
        )
        self.assertEqual(UsageEvent.objects.filter(dataset=slug).count(), 5)

    def test_visitors_are_daily_hashes_never_addresses(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
            self.visit("/")
            self.visit("/dataset/")
            self.visit("/", agent="Chrome")
        with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC), tick=False):
            self.visit("/")
        first, second, other, next_day = UsageEvent.objects.order_by("pk")
        self.assertEqual(first.visitor, second.visitor)
        self.assertNotEqual(first.visitor, other.visitor)
        self.assertNotEqual(first.visitor, next_day.visitor)  # the salt changed
        self.assertRegex(first.visitor, r"^[0-9a-f]{16}$")
        stored = " ".join(str(v) for v in UsageEvent.objects.values_list())
        self.assertNotIn(IP, stored)
        self.assertEqual(
            list(DailySalt.objects.values_list("day", flat=True)), [dt.date(2026, 3, 3)]
        )

    def test_events_are_written_in_batches(self) -> None:
        with self.settings(USAGE_BATCH=3, USAGE_FLUSH_SECONDS=3600):
            self.visit("/")
            self.visit("/")
            self.assertEqual(UsageEvent.objects.count(), 0)  # waiting in the buffer
            self.visit("/")
            self.assertEqual(UsageEvent.objects.count(), 3)
            self.visit("/")
            self.assertEqual(usage.buffer.flush(), 1)
        self.assertEqual(UsageEvent.objects.count(), 4)

    def test_the_summary_for_the_report(self) -> None:
        slug = self.dataset.slug
        for url in (
            f"/dataset/{slug}/data.csv",
            f"/dataset/{slug}/data.csv",
            f"/dataset/{slug}/data.parquet",
            "/dataset/?q=kemiskinan",
            "/dataset/?q=kemiskinan",
            "/dataset/?q=puskesmas",
            "/api/3/action/package_list",
            "/api/v1/datasets/tidak-ada",
        ):
            self.visit(url)
        now = timezone.now()
        report = usage.summary(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
        self.assertEqual(report["downloads_by_format"], {"csv": 2, "parquet": 1})
        self.assertEqual(report["api_calls_by_channel"], {"ckan": 1})  # the 404 is not use
        self.assertEqual(report["zero_result_searches"], [("kemiskinan", 2)])
        self.assertEqual(report["searches"], 3)
        self.assertEqual(report["top_datasets"], [(slug, 3)])
        self.assertEqual(report["visitors_per_day"], 1.0)
