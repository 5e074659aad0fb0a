"""EPSS evidence: each indicator's figures and level against a hand-built year of releases,
calendar, SOP tasks and usage rollups; an empty year claims no level and shows nothing as 0;
the page by role; the XLSX read back with calamine and the PDF's text with pypdf."""

from __future__ import annotations

import datetime as dt
import io
from datetime import UTC
from typing import Any

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import SimpleTestCase
from django.utils.translation import gettext as _
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from satudata.accounts.models import Agency
from satudata.core.testing import PersonaTestCase, xlsx_cells
from satudata.releases.models import EntryState, Precision, Release, ReleaseEntry, ReleaseState
from satudata.reports import epss, epss_export
from satudata.reports.models import Channel, DailySite, DailyUsage, EventKind
from satudata.sop.models import SopDocument, SopStep, SopTask, TaskStatus

NOW = dt.datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 3, 0, tzinfo=UTC)  # 10.00 WIB


class ReferenceEndTests(SimpleTestCase):
    def test_it_reads_the_ways_people_write_a_reference_period(self) -> None:
        cases = {
            "2025": dt.date(2025, 12, 31),
            "Tahun 2024": dt.date(2024, 12, 31),
            "2025-02": dt.date(2025, 2, 28),
            "Maret 2025": dt.date(2025, 3, 31),
            "2025-Q1": dt.date(2025, 3, 31),
            "Triwulan IV 2025": dt.date(2025, 12, 31),
            "Semester 1 2025": dt.date(2025, 6, 30),
        }
        for text, end in cases.items():
            with self.subTest(text=text):
                self.assertEqual(epss.reference_end(text), end)

    def test_it_does_not_guess_a_period_it_cannot_read(self) -> None:
        for text in ("", "2025-13", "akhir tahun", "Triwulan V 2025"):
            with self.subTest(text=text):
                self.assertIsNone(epss.reference_end(text))


class History:
    """Two releases in 2026 (one on time, confirmed five months ahead; one three days late,
    confirmed a month ahead), one in 2025, and human and robot usage in both years."""

    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.kind = ContentType.objects.get_for_model(Agency)
        self.entry("Tepat", target=at(2026, 3, 10), released=at(2026, 3, 10), ahead=130, ref="2025")
        self.entry("Telat", target=at(2026, 6, 1), released=at(2026, 6, 4), ahead=31, ref="2026-Q1")
        self.entry("Lalu", target=at(2025, 5, 1), released=at(2025, 5, 1), ahead=100, ref="2024")
        self.usage()

    def entry(self, title: str, *, target: Any, released: Any, ahead: int, ref: str) -> None:
        entry = ReleaseEntry.objects.create(
            title=title,
            agency=self.agency,
            planned_at=target,
            state=EntryState.CONFIRMED,
            precision=Precision.EXACT,
            first_announced_at=target - dt.timedelta(days=ahead + 10),
            first_confirmed_at=target - dt.timedelta(days=ahead),
            target_at=target,
            released_at=released,
            reference_period=ref,
        )
        Release.objects.create(
            content_type=self.kind,
            object_id=entry.pk,
            entry=entry,
            title=title,
            agency=self.agency,
            state=ReleaseState.SCHEDULED,
            release_at=released,
        )

    def usage(self) -> None:
        for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 2)):
            DailySite.objects.create(
                day=day, bot=False, page_views=100, visitors=40, downloads=10, api_calls=5
            )
            DailySite.objects.create(day=day, bot=True, page_views=9000, downloads=900)
        DailySite.objects.create(day=dt.date(2025, 4, 1), bot=False, page_views=50, downloads=5)
        rows = [
            (dt.date(2026, 4, 1), EventKind.DOWNLOAD, Channel.PORTAL, "csv", 14, False),
            (dt.date(2026, 4, 2), EventKind.DOWNLOAD, Channel.PORTAL, "xlsx", 6, False),
            (dt.date(2026, 4, 1), EventKind.API_CALL, Channel.CKAN, "", 8, False),
            (dt.date(2026, 4, 2), EventKind.API_CALL, Channel.REST, "", 2, False),
            (dt.date(2026, 4, 2), EventKind.API_CALL, Channel.DCAT, "", 5000, True),
            (dt.date(2025, 4, 1), EventKind.API_CALL, Channel.CKAN, "", 3, False),
        ]
        DailyUsage.objects.bulk_create(
            DailyUsage(day=d, kind=k, channel=c, format=f, events=n, bot=b)
            for d, k, c, f, n, b in rows
        )


def review_task(year: int) -> SopTask:
    step = SopStep.objects.get(document__is_current=True, code="laporan")
    return SopTask.objects.create(
        step=step,
        title="Laporan diseminasi",
        created_at=at(year, 1, 5),
        due_at=at(year, 1, 19),
        completed_at=at(year, 1, 15),
        status=TaskStatus.DONE,
    )


def by_code(found: epss.Evidence) -> dict[str, epss.Indicator]:
    return {ind.code: ind for ind in found.indicators}


def figure(ind: epss.Indicator, label: str) -> Any:
    return next(f.value for f in ind.figures if f.label == label)


@time_machine.travel(NOW, tick=False)
class EvidenceTests(PersonaTestCase):
    def test_punctuality_and_notice_support_level_2_and_say_what_level_3_needs(self) -> None:
        History(self.p.agency)
        ind = by_code(epss.evidence(2026, self.p.walidata))["20302"]
        self.assertEqual(figure(ind, _("Releases measured against a confirmed date")), 2)
        self.assertEqual(figure(ind, _("Released on time")), 50.0)
        self.assertEqual(figure(ind, _("Longest delay")), 3)
        self.assertEqual(figure(ind, _("Date final at least three months ahead")), 50.0)
        self.assertEqual(figure(ind, _("Released on time the year before")), 100.0)
        self.assertEqual(ind.level, 2)
        self.assertEqual(
            ind.missing, [_("Every release's date was final at least three months before it.")]
        )

    def test_timeliness_is_the_median_days_from_the_reference_period_to_the_release(self) -> None:
        History(self.p.agency)
        ind = by_code(epss.evidence(2026, self.p.walidata))["20301"]
        # 2025 → 10 March 2026 is 69 days; Q1 2026 → 4 June 2026 is 65 days.
        self.assertEqual(figure(ind, _("Median days from reference period to release")), 67)
        self.assertEqual(figure(ind, _("Longest days from reference period to release")), 69)
        self.assertEqual(ind.level, 3)
        self.assertEqual(
            _(
                "Every release of the year states a reference period, so timeliness is "
                "measured for all producers."
            ),
            ind.reasons[1],
        )

    def test_an_unreadable_reference_period_keeps_timeliness_at_level_2(self) -> None:
        History(self.p.agency)
        ReleaseEntry.objects.filter(title="Telat").update(reference_period="akhir semester")
        ind = by_code(epss.evidence(2026, self.p.walidata))["20301"]
        self.assertEqual(figure(ind, _("Releases whose reference period could not be read")), 1)
        self.assertEqual(ind.level, 2)

    def test_usage_counts_people_only_and_a_review_lifts_access_to_level_5(self) -> None:
        History(self.p.agency)
        ind = by_code(epss.evidence(2026, self.p.walidata))["20402"]
        self.assertEqual(figure(ind, _("Downloads")), 20)  # robots' 1,800 left out
        self.assertEqual(figure(ind, _("Page views (people)")), 200)
        self.assertEqual(ind.level, 3)
        review_task(2026)
        self.assertEqual(by_code(epss.evidence(2026, self.p.walidata))["20402"].level, 5)

    def test_formats_and_api_calls_by_channel_without_robots(self) -> None:
        History(self.p.agency)
        ind = by_code(epss.evidence(2026, self.p.walidata))["20403"]
        self.assertEqual(figure(ind, _("API calls (people)")), 10)
        self.assertEqual(figure(ind, _("Downloads as %(format)s") % {"format": "csv"}), 14)
        self.assertIn("xlsx", figure(ind, _("Dataset download formats")))
        self.assertIsNone(figure(ind, _("Product formats made")))
        self.assertEqual(ind.level, 3)
        self.assertTrue(any("/api/3/action/package_list" in link.url for link in ind.links))
        self.assertTrue(any(link.url == "/data.json" for link in ind.links))

    def test_the_sop_and_its_review_support_dissemination_at_level_4(self) -> None:
        History(self.p.agency)
        ind = by_code(epss.evidence(2026, self.p.walidata))["30401"]
        self.assertEqual(ind.level, 2)  # the SOP is in force, but no task of it was opened
        self.assertEqual(ind.missing, [_("The SOP's tasks were followed in the year.")])
        review_task(2026)
        ind = by_code(epss.evidence(2026, self.p.walidata))["30401"]
        self.assertEqual(ind.level, 4)
        self.assertEqual(ind.missing, [_("The SOP was revised in the year to improve it.")])
        self.assertEqual(figure(ind, _("Periodic reviews in the year")), 1)

    def test_harvests_by_national_catalogues_are_what_level_4_of_50302_needs(self) -> None:
        History(self.p.agency)
        review_task(2026)
        ind = by_code(epss.evidence(2026, self.p.walidata))["50302"]
        self.assertEqual(figure(ind, _("Catalogue harvests (CKAN, DCAT, data.json)")), 8)
        self.assertEqual(ind.level, 5)  # 8 harvests against 3 the year before
        DailyUsage.objects.filter(channel=Channel.CKAN).delete()
        ind = by_code(epss.evidence(2026, self.p.walidata))["50302"]
        self.assertIsNone(figure(ind, _("Catalogue harvests (CKAN, DCAT, data.json)")))
        self.assertEqual(ind.level, 3)

    def test_an_empty_year_claims_no_level_and_shows_no_zero(self) -> None:
        History(self.p.agency)
        found = epss.evidence(2024, self.p.walidata)
        for ind in found.indicators:
            with self.subTest(code=ind.code):
                self.assertIsNone(ind.level)
                self.assertEqual(ind.reasons, [])
                self.assertNotIn(0, [f.value for f in ind.figures])
        codes = by_code(found)
        self.assertIsNone(figure(codes["20302"], _("Released on time")))
        self.assertIsNone(figure(codes["20402"], _("Downloads")))
        shown = epss_export.shown(codes["20301"].figures[1])
        self.assertEqual(shown, _("not available"))


@time_machine.travel(NOW, tick=False)
class EvidencePageTests(PersonaTestCase):
    def test_staff_see_the_page_others_do_not(self) -> None:
        expected = {
            "anonymous": 302,
            "producer": 403,
            "pembina": 403,
            "walidata": 200,
            "kepala_bidang": 200,
            "kepala_dinas": 200,
            "admin": 200,
        }
        for role, status in expected.items():
            with self.subTest(role=role):
                user = self.p.by_role()[role]
                self.client.logout()
                if user is not None:
                    self.client.force_login(user)
                response = self.client.get("/laporan/epss/", {"tahun": 2026})
                self.assertEqual(response.status_code, status)

    def test_the_page_shows_each_indicator_its_level_and_indonesian_numbers(self) -> None:
        History(self.p.agency)
        DailySite.objects.filter(day=dt.date(2026, 4, 1), bot=False).update(page_views=1500)
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/epss/", {"tahun": 2026})
        self.assertEqual(response.status_code, 200)
        for code in epss.INDICATORS:
            self.assertContains(response, f'id="epss-{code}"')
        self.assertContains(response, "Pemantauan Ketepatan Waktu Diseminasi")
        self.assertContains(response, "1.600")  # page views, Indonesian grouping
        self.assertContains(response, "/laporan/epss.xlsx?tahun=2026")

    def test_a_year_that_is_not_one_is_refused_with_the_reason(self) -> None:
        self.client.force_login(self.p.walidata)
        for value in ("abc", "1999", "2099", "2026.5"):
            with self.subTest(value=value):
                response = self.client.get("/laporan/epss/", {"tahun": value})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, 'role="alert"', status_code=400)
                response = self.client.get("/laporan/epss.pdf", {"tahun": value})
                self.assertEqual(response.status_code, 400)

    def test_the_xlsx_reads_back_with_the_levels_figures_and_links(self) -> None:
        History(self.p.agency)
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/epss.xlsx", {"tahun": 2026})
        self.assertEqual(response.status_code, 200)
        self.assertIn("bukti-epss-2026.xlsx", response["Content-Disposition"])
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        levels = book.get_sheet_by_index(0).to_python()
        rows = {row[0]: row for row in levels[1:]}
        self.assertEqual(sorted(rows), sorted(epss.INDICATORS))
        self.assertEqual(rows["20302"][1], "Pemantauan Ketepatan Waktu Diseminasi")
        self.assertEqual(rows["20302"][4], 2)
        figures = book.get_sheet_by_index(1).to_python()
        downloads = [r for r in figures if r[0] == "20402" and r[1] == _("Downloads")]
        self.assertEqual(downloads[0][2], 20)
        links = book.get_sheet_by_index(2).to_python()
        self.assertIn("http://testserver/data.json", [r[2] for r in links])

    def test_text_that_looks_like_a_formula_stays_text_in_the_xlsx(self) -> None:
        SopDocument.objects.filter(is_current=True).update(number='=HYPERLINK("http://x")')
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/epss.xlsx", {"tahun": 2026})
        cells = [c for c in xlsx_cells(response.content) if c.value.startswith("=HYPERLINK")]
        self.assertTrue(cells)
        for cell in cells:
            self.assertFalse(cell.is_formula)
            self.assertTrue(cell.is_text and cell.is_quoted)

    def test_the_pdf_prints_every_indicator_and_its_level(self) -> None:
        History(self.p.agency)
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/epss.pdf", {"tahun": 2026})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("Bukti Dukung EPSS Tahun 2026", text)
        for code in epss.INDICATORS:
            self.assertIn(code, text)
        self.assertIn("Penjaminan Aktualitas Data", text)
        self.assertIn("Tingkat yang didukung bukti", text)
