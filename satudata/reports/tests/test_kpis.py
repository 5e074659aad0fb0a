"""Every KPI of §4.3 against a hand-built history of the first quarter of 2026: releases on
time and late, one due and not out, a postponement and a cancellation, errata, pre-release
access, Daftar Data items, tables with and without open formats, tickets, an IKM answer and
rollup rows (robots among them) — and an empty period where every KPI is not available."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.catalog.models import DataItem, DataList, DatasetVersion
from satudata.core.models import AuditEvent
from satudata.core.testing import Personas, PersonaTestCase
from satudata.products.models import Product, ProductFile, ProductVersion
from satudata.promotion.models import PromotionAction
from satudata.releases.models import (
    DateChange,
    Erratum,
    PreReleaseAccess,
    Release,
    ReleaseEntry,
    ReleaseKind,
)
from satudata.reports import kpis, periods
from satudata.reports.models import DailySearch, DailySite, DailyUsage, KpiTarget, RolledDay
from satudata.sop.workdays import WIB
from satudata.support import services as support
from satudata.support.models import Category, SurveyResponse, Ticket

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=WIB)


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


class History:
    """The hand-built quarter (see the module's note); figures expected are in the tests."""

    @staticmethod
    def build(p: Personas) -> None:
        History.calendar(p)
        History.releases(p)
        History.daftar_data(p)
        History.usage()
        History.users(p)

    @staticmethod
    def entry(agency: Agency, title: str, **fields: object) -> ReleaseEntry:
        return ReleaseEntry.objects.create(
            title=title, agency=agency, precision="tanggal", state="pasti", **fields
        )

    @staticmethod
    def calendar(p: Personas) -> None:
        item = DataItem.objects.get(name="Jumlah Puskesmas")
        # A: on its day, announced 4 months and confirmed 6 weeks ahead; reference 2025.
        History.entry(
            p.agency,
            "Jumlah Puskesmas 2025",
            item=item,
            reference_period="2025",
            planned_at=at(2, 10),
            target_at=at(2, 10),
            released_at=at(2, 10, 10),
            first_announced_at=at(10, 1, year=2025),
            first_confirmed_at=at(12, 30, year=2025),
        )
        # B: a table three days late, announced and confirmed late; reference Triwulan IV 2025.
        History.entry(
            p.other_agency,
            "Tabel Guru Triwulan IV 2025",
            product_type="tabel",
            reference_period="Triwulan IV 2025",
            planned_at=at(3, 2),
            target_at=at(3, 2),
            released_at=at(3, 5),
            first_announced_at=at(2, 1),
            first_confirmed_at=at(2, 20),
        )
        # C: due on 20 March and not out; postponed on 15 March.
        late = History.entry(
            p.agency,
            "Angka Kematian Bayi 2025",
            reference_period="2025",
            planned_at=at(4, 20),
            target_at=at(3, 20),
            first_announced_at=at(1, 2),
            first_confirmed_at=at(1, 2),
        )
        DateChange.objects.create(
            entry=late,
            previous_at=at(3, 20),
            previous_precision="tanggal",
            new_at=at(4, 20),
            new_precision="tanggal",
            reason="Data dari puskesmas belum lengkap",
            changed_by=p.walidata,
            approved_by=p.kepala_bidang,
            changed_at=at(3, 15),
        )
        # D: cancelled on 1 March.
        ReleaseEntry.objects.create(
            title="Survei Gizi 2025",
            agency=p.agency,
            planned_at=at(3, 25),
            state="batal",
            cancelled_at=at(3, 1),
            cancellation_reason="Survei tidak dilaksanakan",
        )

    @staticmethod
    def releases(p: Personas) -> None:
        dataset_type = ContentType.objects.get_for_model(DatasetVersion)
        table = Product.objects.create(
            slug="tabel-guru", kind="tabel", title="Guru", agency=p.other_agency
        )
        version = ProductVersion.objects.create(product=table, number=1, published_at=at(3, 5))
        for fmt in ("csv", "json-stat", "html"):
            ProductFile.objects.create(
                version=version, format=fmt, name=f"guru.{fmt}", path="x", sha256="0", size=1
            )
        bare = Product.objects.create(
            slug="tabel-bidan", kind="tabel", title="Bidan", agency=p.agency
        )
        bare_version = ProductVersion.objects.create(product=bare, number=1, published_at=at(1, 5))
        ProductFile.objects.create(
            version=bare_version, format="pdf", name="bidan.pdf", path="x", sha256="0", size=1
        )
        entries = {e.title: e for e in ReleaseEntry.objects.all()}
        common = {"state": "dijadwalkan"}
        r1 = Release.objects.create(
            content_type=dataset_type,
            object_id=9001,
            title="Jumlah Puskesmas 2025",
            agency=p.agency,
            release_at=at(2, 10, 10),
            entry=entries["Jumlah Puskesmas 2025"],
            **common,
        )
        r2 = Release.objects.create(
            content_type=ContentType.objects.get_for_model(ProductVersion),
            object_id=version.pk,
            title="Tabel Guru",
            agency=p.other_agency,
            release_at=at(3, 5),
            entry=entries["Tabel Guru Triwulan IV 2025"],
            **common,
        )
        Release.objects.create(
            content_type=dataset_type,
            object_id=9002,
            kind=ReleaseKind.REVISION,
            title="Jumlah Puskesmas 2025 (revisi)",
            agency=p.agency,
            release_at=at(3, 10),
            **common,
        )
        Erratum.objects.create(
            release=r2,
            note="Angka salah",
            significant=True,
            created_by=p.walidata,
            created_at=at(3, 15),
        )
        Erratum.objects.create(
            release=r1,
            note="Salah ketik",
            significant=False,
            created_by=p.walidata,
            created_at=at(3, 1),
        )
        PreReleaseAccess.objects.create(
            release=r1,
            user=p.pembina,
            organisation="BPS",
            justification="Penyusunan BRS",
            access_from=at(2, 9, 10),
            granted_by=p.kepala_bidang,
        )
        PromotionAction.objects.create(
            release=r1,
            channel="instagram",
            title="Unggahan",
            planned_on=dt.date(2026, 2, 11),
            status="selesai",
            campaign="ig-puskesmas",
            reach=300,
            reach_kind="tayangan",
        )

    @staticmethod
    def daftar_data(p: Personas) -> None:
        pass  # built before the calendar (see ``setUpTestData``)

    @staticmethod
    def usage() -> None:
        for day in (dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(365 + 90)):
            RolledDay.objects.create(day=day, rolled_at=at(1, 1), complete=True)
        base_day = dt.date(2025, 6, 1)
        DailyUsage.objects.create(
            day=base_day, kind="download", channel="portal", format="csv", events=365
        )
        DailyUsage.objects.create(day=base_day, kind="api", channel="rest", events=730)
        day = dt.date(2026, 1, 5)
        DailySite.objects.create(
            day=day, page_views=100, visitors=40, searches=10, zero_result_searches=3
        )
        DailySite.objects.create(day=day, bot=True, page_views=999, visitors=5)
        DailySearch.objects.create(day=day, query="produksi padi", searches=3, zero_results=3)
        DailyUsage.objects.create(
            day=day, kind="download", channel="portal", format="csv", events=20, dataset="puskesmas"
        )
        DailyUsage.objects.create(
            day=day, kind="download", channel="portal", format="xlsx", events=5, dataset="puskesmas"
        )
        DailyUsage.objects.create(
            day=day, kind="download", channel="portal", format="csv", events=100, bot=True
        )
        DailyUsage.objects.create(day=day, kind="api", channel="rest", events=50, visitors=3)
        DailyUsage.objects.create(
            day=day, kind="api", channel="ckan", events=30, visitors=1, failed=4, bot=True
        )

    @staticmethod
    def users(p: Personas) -> None:
        def ticket(when: dt.datetime) -> Ticket:
            with time_machine.travel(when, tick=False):
                made, _token = support.create_ticket(
                    actor=None,
                    category=Category.CONSULTATION,
                    channel="web",
                    subject="Permintaan",
                    message="Isi",
                    requester_name="Sari",
                    requester_email="sari@example.org",
                )
            return made

        fast, slow = ticket(at(3, 2)), ticket(at(3, 2))
        with time_machine.travel(at(3, 2, 11), tick=False):
            support.answer(actor=p.walidata, ticket=fast, body="Jawaban")
        with time_machine.travel(at(3, 9), tick=False):
            support.answer(actor=p.walidata, ticket=slow, body="Jawaban")
        SurveyResponse.objects.create(submitted_at=at(3, 3), **{f"u{i}": 4 for i in range(1, 10)})


class KpiTableTests(PersonaTestCase):
    rows: dict[str, dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        data_list = DataList.objects.create(year=2025, status="approved")
        for number, (name, month) in enumerate(
            [("Jumlah Puskesmas", 2), ("Jumlah Posyandu", 3), ("Jumlah Bidan", 6)], start=1
        ):
            DataItem.objects.create(
                data_list=data_list,
                number=number,
                agency=p.agency,
                name=name,
                frequency="tahunan",
                release_month=month,
                release_year_offset=1,
            )
        History.build(p)
        cls.rows = by_code(kpis.kpi_table(*Q1))

    def value(self, code: str) -> float | None:
        return self.rows[code]["value"]

    def test_it_has_the_eighteen_kpis_with_exact_keys_and_is_json(self) -> None:
        rows = kpis.kpi_table(*Q1)
        self.assertEqual([r["number"] for r in rows], list(range(1, 19)))
        keys = {
            "code",
            "number",
            "name",
            "unit",
            "value",
            "available",
            "note",
            "details",
            "target",
            "direction",
            "last_period",
            "last_year",
            "meets_target",
        }
        for row in rows:
            self.assertEqual(set(row), keys, row["code"])
        json.dumps(rows)

    def test_it_measures_punctuality_against_releases_due(self) -> None:
        self.assertEqual(self.value("punctuality"), 33.3)  # A on time; B late; C due, not out
        details = self.rows["punctuality"]["details"]
        self.assertEqual(
            (details["due"], details["on_time"], details["due_not_released"]), (3, 1, 1)
        )
        self.assertIs(self.rows["punctuality"]["meets_target"], False)

    def test_it_measures_mean_and_max_delay_over_late_releases(self) -> None:
        self.assertEqual(self.value("delay"), 3.0)
        self.assertEqual(self.rows["delay"]["details"]["max_days"], 3)

    def test_it_measures_advance_notice(self) -> None:
        self.assertEqual(self.value("advance_notice"), 50.0)
        self.assertEqual(self.rows["advance_notice"]["details"]["confirmed_4_weeks"], 1)

    def test_it_counts_calendar_changes_with_reasons(self) -> None:
        self.assertEqual(self.value("calendar_changes"), 2)
        details = self.rows["calendar_changes"]["details"]
        self.assertEqual(details["postponements"][0]["reason"], "Data dari puskesmas belum lengkap")
        self.assertEqual(details["cancellations"][0]["reason"], "Survei tidak dilaksanakan")

    def test_it_measures_timeliness_from_the_reference_period_end(self) -> None:
        self.assertEqual(self.value("timeliness"), 52.5)  # median of 41 and 64 days

    def test_it_measures_daftar_data_coverage(self) -> None:
        self.assertEqual(self.value("daftar_data_coverage"), 50.0)
        self.assertEqual(self.rows["daftar_data_coverage"]["details"]["scheduled"], 2)

    def test_a_significant_erratum_within_the_window_makes_a_release_not_error_free(self) -> None:
        self.assertEqual(self.value("error_free"), 66.7)

    def test_it_counts_errata_and_revisions(self) -> None:
        self.assertEqual(self.value("corrections"), 2)
        details = self.rows["corrections"]["details"]
        self.assertEqual(
            (details["significant"], details["minor"], details["revisions"]), (1, 1, 1)
        )

    def test_it_counts_output_by_product_type(self) -> None:
        self.assertEqual(self.value("output"), 3)
        types = {
            r["product_type"]: r["releases"]
            for r in self.rows["output"]["details"]["by_product_type"]
        }
        self.assertEqual((types["dataset"], types["tabel"]), (2, 1))

    def test_web_use_and_downloads_count_people_only(self) -> None:
        self.assertEqual(self.value("web_use"), 100)
        self.assertEqual(self.rows["web_use"]["details"]["zero_result_searches"], 3)
        self.assertEqual(self.value("downloads"), 25)
        formats = {r["format"]: r["n"] for r in self.rows["downloads"]["details"]["by_format"]}
        self.assertEqual(formats, {"csv": 20, "xlsx": 5})

    def test_api_use_counts_scripts_and_failed_calls(self) -> None:
        self.assertEqual(self.value("api_use"), 80)
        self.assertEqual(self.rows["api_use"]["details"]["failed"], 4)

    def test_the_channel_index_compares_with_the_base_year_scaled_to_the_period(self) -> None:
        # portal: 25 / (365 × 90/365) × 100 = 27.8; rest: 50 / (730 × 90/365) × 100 = 27.8
        self.assertEqual(self.value("channel_index"), 27.8)
        self.assertEqual(self.rows["channel_index"]["details"]["base_year"], 2025)

    def test_promotion_users_and_satisfaction(self) -> None:
        self.assertEqual(self.value("promotion_reach"), 0)  # an action done, no tagged visit
        self.assertEqual(self.rows["promotion_reach"]["details"]["reach_entered_by_staff"], 300)
        self.assertEqual(self.value("requests_sla"), 50.0)
        self.assertEqual(self.value("satisfaction"), 100.0)
        self.assertIs(self.rows["satisfaction"]["meets_target"], True)

    def test_it_measures_pre_release_access(self) -> None:
        self.assertEqual(self.value("prerelease"), 1)
        details = self.rows["prerelease"]["details"]
        self.assertEqual((details["persons"], details["max_hours"]), (1, 24.0))

    def test_machine_readable_counts_tables_with_csv_and_json_stat(self) -> None:
        self.assertEqual(self.value("machine_readable"), 50.0)

    def test_per_agency_and_product_type(self) -> None:
        dinkes = by_code(kpis.kpi_table(*Q1, agency_id=self.p.agency.pk))
        self.assertEqual(dinkes["punctuality"]["value"], 50.0)  # A on time, C due
        self.assertIsNone(dinkes["satisfaction"]["value"])
        self.assertIn(
            _("this figure is not recorded per agency or product type"),
            dinkes["satisfaction"]["note"],
        )
        tables = by_code(kpis.kpi_table(*Q1, product_type="tabel"))
        self.assertEqual(tables["punctuality"]["value"], 0.0)
        self.assertEqual(tables["output"]["value"], 1)
        self.assertEqual(tables["downloads"]["value"], 0)  # no product downloads: measured zero

    def test_last_period_and_last_year_are_filled(self) -> None:
        self.assertEqual(self.rows["web_use"]["last_period"], 0)  # Q4 2025 rolled, no visit
        self.assertIsNone(self.rows["punctuality"]["last_year"])

    def test_an_administrators_target_replaces_the_default(self) -> None:
        kpis.set_target(actor=self.p.admin, code="punctuality", target=Decimal("30"))
        row = by_code(kpis.kpi_table(*Q1))["punctuality"]
        self.assertEqual(row["target"], 30.0)
        self.assertIs(row["meets_target"], True)


class EmptyPeriodTests(PersonaTestCase):
    def test_every_kpi_is_not_available_with_a_reason_and_never_zero(self) -> None:
        rows = kpis.kpi_table(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        self.assertEqual(len(rows), 18)
        for row in rows:
            self.assertIsNone(row["value"], row["code"])
            self.assertFalse(row["available"])
            self.assertTrue(row["note"].startswith(("Not available", "Tidak tersedia")), row)
            self.assertIsNone(row["meets_target"])


class TargetTests(PersonaTestCase):
    def test_targets_out_of_range_are_refused(self) -> None:
        for code, value in (("punctuality", "120"), ("satisfaction", "20"), ("delay", "-1")):
            with self.subTest(code=code), self.assertRaises(ValidationError):
                kpis.set_target(actor=self.p.admin, code=code, target=Decimal(value))
        self.assertFalse(KpiTarget.objects.exists())

    def test_a_change_is_audited_and_clearing_returns_to_the_default(self) -> None:
        kpis.set_target(actor=self.p.admin, code="satisfaction", target=Decimal("76.61"))
        self.assertEqual(kpis.targets()["satisfaction"], Decimal("76.61"))
        kpis.set_target(actor=self.p.admin, code="satisfaction", target=None)
        self.assertEqual(kpis.targets()["satisfaction"], Decimal("88.31"))
        actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
        self.assertEqual(actions[-2:], ["reports.kpi_target_set", "reports.kpi_target_cleared"])


class PeriodTests(TestCase):
    def test_it_parses_months_quarters_and_years(self) -> None:
        self.assertEqual(
            (periods.parse("2026-03").start, periods.parse("2026-03").end),
            (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        )
        quarter = periods.parse("2026-Q3")
        self.assertEqual((quarter.start, quarter.end), (dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
        self.assertEqual(quarter.previous().code, "2026-Q2")
        self.assertEqual(periods.parse("2026-Q1").previous().code, "2025-Q4")
        self.assertEqual(periods.parse("2026-01").previous().code, "2025-12")
        self.assertEqual(periods.parse("2026").last_year().code, "2025")

    def test_bad_periods_are_explained(self) -> None:
        for text in ("2026-13", "2026-Q5", "kemarin", "1800"):
            with self.subTest(text=text), self.assertRaises(periods.PeriodError):
                periods.parse(text)

    def test_bounds_are_wib_days(self) -> None:
        low, high = periods.parse("2026-03").moments()
        self.assertEqual(low, dt.datetime(2026, 3, 1, tzinfo=WIB))
        self.assertEqual(high, dt.datetime(2026, 4, 1, tzinfo=WIB))

    def test_reference_period_ends(self) -> None:
        cases = {
            "2025": dt.date(2025, 12, 31),
            "2025-02": dt.date(2025, 2, 28),
            "Maret 2025": dt.date(2025, 3, 31),
            "Triwulan II 2025": dt.date(2025, 6, 30),
            "2025-Q3": dt.date(2025, 9, 30),
            "Semester I 2025": dt.date(2025, 6, 30),
            "2024/2025": dt.date(2025, 6, 30),
            "": None,
            "sepanjang masa": None,
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(periods.reference_end(text), expected)
