"""Regressions found by reviewing activity 6: control characters in visitors' words, visitors of
a part of the site, dates far from today, the report's previous period, tasks not yet due, the
rollups of days whose raw events are gone, and what a published report leaves out."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.reports import analytics, compliance, rollups, snapshot, usage
from satudata.reports.models import (
    DailySearch,
    DailySite,
    DailyUsage,
    RolledDay,
    UsageEvent,
)
from satudata.reports.tests import test_report as base
from satudata.reports.tests.test_analytics import period, rolled, site, use
from satudata.reports.tests.test_report import docx_text
from satudata.sop import services as sop

D = dt.date


class ControlCharacterTests(PersonaTestCase):
    # The report tests' helper, borrowed (it only needs ``self.p`` and ``self.period``).
    period = base.ReportTests.period
    generate = cast(Any, base.ReportTests).generate

    def test_a_search_typed_with_control_characters_is_recorded_without_them(self) -> None:
        event = usage.clean_event(
            UsageEvent(
                at=timezone.now(),
                kind="search",
                channel="portal",
                name="x",
                status=200,
                visitor="v",
                query="zzz\x1bqq\x00\x07",
            )
        )
        assert event is not None
        self.assertEqual(event.query, "zzzqq")

    def test_the_docx_is_made_even_when_the_figures_hold_control_characters(self) -> None:
        from unittest import mock

        from satudata.reports.tests import reportdata

        original = reportdata.report_section

        def section(start: dt.date, end: dt.date) -> dict[str, Any]:
            found = original(start, end)
            return found | {"zero_result_queries": [{"query": "harga\x1bcabai", "n": 5}]}

        with mock.patch.object(reportdata, "report_section", section):
            report = self.generate()
        self.assertIn("hargacabai", docx_text(report))


class NarrowedVisitorsTests(TestCase):
    def test_the_visitors_of_part_of_the_site_are_not_summed_over_its_rows(self) -> None:
        day = D(2026, 3, 2)
        rolled(day)
        site(day, page_views=4, visitors=1)
        use(day, "page", 2, dataset="a", visitors=1)
        use(day, "download", 2, dataset="a", format="csv", visitors=1)
        whole = analytics.totals(period(day, day))
        part = analytics.totals(period(day, day, dataset="a"))
        self.assertEqual(whole["visitors"], 1)
        self.assertIsNone(part["visitors"])  # one person, two rows: not "2 visitors"
        self.assertEqual(part["page_views"], 2)


class DateRangeTests(PersonaTestCase):
    def test_dates_at_the_calendars_ends_are_refused_not_a_500(self) -> None:
        self.client.force_login(self.p.walidata)
        for dari, sampai in (("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")):
            query = {"periode": "rentang", "dari": dari, "sampai": sampai}
            with self.subTest(dari=dari):
                page = self.client.get(reverse("usage:dashboard"), query)
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, "2000")
                for name in ("usage:figure-csv", "usage:figure-json", "usage:chart"):
                    answer = self.client.get(reverse(name, args=["format"]), query)
                    self.assertEqual(answer.status_code, 400, name)


class ReportPreviousPeriodTests(TestCase):
    def test_a_month_is_compared_with_the_month_before(self) -> None:
        for day in (D(2026, 2, 1), D(2026, 2, 28), D(2026, 1, 30), D(2026, 3, 5)):
            rolled(day)
        site(D(2026, 2, 1), page_views=10)
        site(D(2026, 2, 28), page_views=5)
        site(D(2026, 1, 30), page_views=1000)  # inside "29 Jan – 28 Feb", not in February
        site(D(2026, 3, 5), page_views=7)
        section = analytics.report_section(D(2026, 3, 1), D(2026, 3, 31))
        self.assertEqual(section["previous"]["page_views"], 15)


class ComplianceNowTests(PersonaTestCase):
    def test_a_task_due_later_in_the_running_period_is_not_overdue(self) -> None:
        today = timezone.localdate()
        task = sop.open_task(actor=None, step="layanan", title="Belum jatuh tempo")
        task.due_at = timezone.now() + dt.timedelta(hours=2)
        task.save(update_fields=["due_at"])
        first = today.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if task.due_at.astimezone(dt.UTC).date() > last:  # today is the month's last day
            return
        table = compliance.compliance_table(first, last)
        layanan = next(a for a in table["activities"] if a["code"] == "layanan")
        self.assertEqual(layanan["overdue"], 0)


class RetainedRollupTests(TestCase):
    @override_settings(USAGE_RAW_RETENTION_DAYS=30)
    def test_rolling_a_day_whose_raw_events_were_deleted_keeps_its_rollups(self) -> None:
        day = timezone.localdate() - dt.timedelta(days=100)
        start, _end = rollups.bounds(day)
        UsageEvent.objects.create(
            at=start + dt.timedelta(hours=9),
            kind="page",
            channel="portal",
            name="portal:home",
            status=200,
            visitor="v1",
        )
        rollups.roll_day(day)
        before = DailySite.objects.get(day=day, bot=False).page_views
        UsageEvent.objects.all().delete()  # what the retention does
        rollups.roll_range(day, day)
        rollups.roll_day(day)
        self.assertEqual(DailySite.objects.get(day=day, bot=False).page_views, before)
        self.assertEqual(before, 1)
        self.assertTrue(RolledDay.objects.get(day=day).complete)


class PublishedReportTests(TestCase):
    def test_rare_search_words_and_named_staff_stay_out_of_the_report(self) -> None:
        day = D(2026, 3, 2)
        rolled(day)
        site(day, searches=4, zero_result_searches=4)
        DailySearch.objects.create(day=day, query="nama tetangga saya", searches=1, zero_results=1)
        DailySearch.objects.create(day=day, query="harga cabai", searches=3, zero_results=3)
        DailyUsage.objects.all().delete()
        section = snapshot.use_section(D(2026, 3, 1), D(2026, 3, 31))
        searched = next(t for t in section["tables"] if t["key"] == "pencarian_nihil")
        self.assertEqual([row[0] for row in searched["rows"]], ["harga cabai"])
        people = snapshot.compliance_section(D(2026, 3, 1), D(2026, 3, 31))
        self.assertNotIn("sop_orang", [t["key"] for t in people["tables"]])
        self.assertNotIn("people", people["raw"])
