"""Parquet: the raw events and each rollup table read back with pyarrow equal the rows; the
staff download, its access and its errors."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.core.management import CommandError, call_command
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.reports import parquet, rollups
from satudata.reports.models import DailySite, DailyUsage, MonthlyUsage, UsageEvent
from satudata.reports.tests.test_rollups import DAY, add, at, event


def _events() -> None:
    add(
        *(
            event(
                at(DAY + dt.timedelta(days=n % 3), n % 24, n % 60),
                kind=["page", "download", "api", "search"][n % 4],
                format="csv" if n % 4 == 1 else "",
                query="harga cabai" if n % 4 == 3 else "",
                results=0 if n % 4 == 3 else None,
                dataset=f"ds-{n % 5}",
                visitor=f"h{n % 11}",
                referrer_host="google.com" if n % 2 else "",
                referrer="search" if n % 2 else "",
                bot=n % 13 == 0,
                campaign="rilis-beras" if n % 5 == 0 else "",
                status=404 if n % 17 == 0 else 200,
            )
            for n in range(120)
        )
    )
    rollups.roll_range(DAY, DAY + dt.timedelta(days=2))


class ParquetExportTests(PersonaTestCase):
    def test_events_and_rollups_read_back_equal_the_rows(self) -> None:
        _events()
        with tempfile.TemporaryDirectory() as folder:
            # Chunks of 7 rows: the keyset paging is exercised.
            path = Path(folder) / "events.parquet"
            self.assertEqual(parquet.write_table(parquet.EVENTS, path, chunk=7), 120)
            table = pq.read_table(path)
            rows = UsageEvent.objects.order_by("pk")
            self.assertEqual(
                table.column("id").to_pylist(), list(rows.values_list("pk", flat=True))
            )
            self.assertEqual(
                table.column("at").to_pylist(), list(rows.values_list("at", flat=True))
            )
            self.assertEqual(
                table.column("visitor").to_pylist(), list(rows.values_list("visitor", flat=True))
            )
            self.assertEqual(
                table.column("results").to_pylist(), list(rows.values_list("results", flat=True))
            )
            self.assertEqual(
                table.column("bot").to_pylist(), list(rows.values_list("bot", flat=True))
            )
            # Every rollup table, column by column.
            counts = parquet.export_all(Path(folder) / "all")
            self.assertEqual(counts["usage_events"], 120)
            for name, spec in parquet.ROLLUPS.items():
                read = pq.read_table(Path(folder) / "all" / f"{name}.parquet").to_pylist()
                lookups = [lookup for _c, lookup, _k in spec.columns]
                want = [
                    dict(zip([c for c, _l, _k in spec.columns], row, strict=True))
                    for row in spec.model._default_manager.order_by("pk").values_list(*lookups)
                ]
                with self.subTest(table=name):
                    self.assertGreater(len(want), 0)
                    self.assertEqual(read, want)

    def test_a_period_limits_the_rows(self) -> None:
        _events()
        with tempfile.TemporaryDirectory() as folder:
            counts = parquet.export_all(Path(folder), DAY, DAY)
            start, end = rollups.bounds(DAY)
            self.assertEqual(
                counts["usage_events"], UsageEvent.objects.filter(at__gte=start, at__lt=end).count()
            )
            self.assertEqual(counts["daily_site"], 2)
            days = pq.read_table(Path(folder) / "daily_usage.parquet").column("day").to_pylist()
            self.assertEqual(set(days), {DAY})
            monthly = pq.read_table(Path(folder) / "monthly_usage.parquet")
            self.assertEqual(set(monthly.column("month").to_pylist()), {DAY.replace(day=1)})
            self.assertEqual(monthly.num_rows, MonthlyUsage.objects.count())

    def test_the_command(self) -> None:
        _events()
        with tempfile.TemporaryDirectory() as folder:
            out = io.StringIO()
            call_command("export_usage_parquet", "--out", folder, "--from", str(DAY), stdout=out)
            self.assertIn("usage_events.parquet: 120 baris", out.getvalue())
            with self.assertRaisesMessage(CommandError, "bukan tanggal"):
                call_command("export_usage_parquet", "--out", folder, "--to", "31-12-2026")


class ParquetDownloadTests(PersonaTestCase):
    url = "/laporan/pemanfaatan/parquet/daily_usage.parquet"

    def test_staff_download_a_rollup_table(self) -> None:
        _events()
        self.client.force_login(self.p.walidata)
        response = self.client.get(self.url, {"dari": str(DAY), "sampai": str(DAY)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertNotIn("Set-Cookie", {k for k in response.headers if k != "Set-Cookie"})
        table = pq.read_table(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        self.assertEqual(table.num_rows, DailyUsage.objects.filter(day=DAY).count())
        index = self.client.get("/laporan/pemanfaatan/parquet/").json()
        self.assertIn("daily_site", [t["name"] for t in index["tables"]])
        site = self.client.get("/laporan/pemanfaatan/parquet/daily_site.parquet")
        read = pq.read_table(io.BytesIO(b"".join(site.streaming_content)))  # type: ignore[attr-defined]
        self.assertEqual(read.num_rows, DailySite.objects.count())

    def test_access(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        for user in (self.p.kepala_bidang, self.p.kepala_dinas, self.p.admin):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_bad_input_is_a_clear_error(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.get(self.url, {"dari": "kemarin"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("dari", response.content.decode())
        self.assertIn("kemarin", response.content.decode())
        response = self.client.get(self.url, {"dari": "2026-03-10", "sampai": "2026-03-01"})
        self.assertEqual(response.status_code, 400)
        response = self.client.get("/laporan/pemanfaatan/parquet/tidak_ada.parquet")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(timezone.localdate().year > 2000, True)
