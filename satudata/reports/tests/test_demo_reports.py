"""The demo's activity 6: a year of sample usage rolled up, last month's report signed and on
the release desk, the year's report waiting for the Kepala Bidang, both with their files and
sample narrative."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from satudata.core.demo import load_demo
from satudata.releases.models import Release, ReleaseState
from satudata.reports.demo_reports import load_sample_reports
from satudata.reports.models import DailySite, Report, ReportState, RolledDay


class DemoReportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_the_year_of_usage_is_rolled_up_and_labelled_sample(self) -> None:
        today = timezone.localdate()
        self.assertGreaterEqual(RolledDay.objects.filter(day__lte=today).count(), 365)
        site = DailySite.objects.filter(bot=False)
        self.assertTrue(site.filter(sample=True).exists())
        self.assertFalse(site.filter(page_views__gt=0, sample=False).exists())

    def test_two_reports_one_signed_and_handed_to_the_release_desk(self) -> None:
        monthly = Report.objects.get(period_kind="bulan")
        yearly = Report.objects.get(period_kind="tahun")
        self.assertEqual(monthly.state, ReportState.PUBLISHED)
        self.assertTrue(monthly.signer_name and monthly.signer_nip)
        assert monthly.product_version is not None
        release = Release.objects.for_content(monthly.product_version).get()
        self.assertEqual(release.state, ReleaseState.SUBMITTED)
        self.assertEqual(yearly.state, ReportState.SUBMITTED)
        for report in (monthly, yearly):
            with self.subTest(report=report.period_label):
                self.assertTrue(report.is_sample)
                self.assertEqual(report.generation, "selesai", report.generation_error)
                self.assertTrue(report.pdf and report.docx and report.xlsx)
                texts = list(report.narrative.values_list("text", flat=True))
                self.assertEqual(len(texts), 9)
                self.assertTrue(all("data contoh" in text for text in texts))

    def test_a_second_run_adds_nothing(self) -> None:
        self.assertEqual(load_sample_reports(), [])
        self.assertEqual(Report.objects.count(), 2)
