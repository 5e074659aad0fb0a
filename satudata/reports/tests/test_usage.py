"""Usage events: what is counted on each channel, in batches, with no cookie and no address
kept, and the summary the dissemination report reads."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from django.db import IntegrityError
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


def _event(n: int, **overrides: object) -> UsageEvent:
    fields: dict[str, object] = {
        "at": timezone.now(),
        "kind": "page",
        "channel": "portal",
        "name": "portal:dataset",
        "dataset": f"dataset-{n}",
        "status": 200,
        "visitor": "a" * 16,
    }
    fields.update(overrides)
    return UsageEvent(**fields)


class UsageBatchTests(PersonaTestCase):
    """One hostile request must not cost the counts of everyone else in its batch."""

    def write(self, events: list[UsageEvent]) -> int:
        batch = usage.Buffer()
        batch.events = events
        return batch.flush()

    def test_a_hostile_event_is_cleaned_and_the_batch_is_stored(self) -> None:
        hostile = _event(
            0,
            query="air\x00bersih",
            dataset="/" + "x" * 10_000,
            name="portal:\x00" + "n" * 500,
            results=10**20,
            status=10**6,
        )
        events = [_event(n) for n in range(1, 300)]
        events.insert(150, hostile)
        with self.assertLogs("satudata.reports.usage", "WARNING") as logs:
            self.assertEqual(self.write([*events, _event(999, at=None)]), 300)
        self.assertIn("skipped 1 unusable usage events", logs.output[0])
        self.assertEqual(UsageEvent.objects.count(), 300)
        stored = UsageEvent.objects.get(query__startswith="air")
        self.assertEqual(stored.query, "airbersih")
        self.assertEqual(len(stored.dataset), 120)
        self.assertEqual(stored.name, "portal:" + "n" * 53)
        self.assertEqual((stored.results, stored.status), (2147483647, 32767))

    def test_a_row_the_database_refuses_is_skipped_alone(self) -> None:
        events = [_event(n) for n in range(5)]
        real_save = UsageEvent.save

        def refuse_third(event: UsageEvent, *args: object, **kwargs: object) -> None:
            if event.dataset == "dataset-2":
                raise IntegrityError("refused")
            real_save(event, *args, **kwargs)  # type: ignore[arg-type]

        with (
            mock.patch.object(
                UsageEvent.objects, "bulk_create", side_effect=IntegrityError("one bad row")
            ),
            mock.patch.object(UsageEvent, "save", refuse_third),
            self.assertLogs("satudata.reports.usage", "WARNING"),
        ):
            self.assertEqual(self.write(events), 4)
        self.assertEqual(
            sorted(UsageEvent.objects.values_list("dataset", flat=True)),
            ["dataset-0", "dataset-1", "dataset-3", "dataset-4"],
        )
