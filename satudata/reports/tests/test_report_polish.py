"""How the activity-6 pages and the report's files read to a demanding user: the usage
dashboard's tables folded under their charts and its incomplete weeks marked; KPI targets with
their unit and no codes; the report's KPI table in words (the XLSX keeps the codes); the
publish button only when publishing is allowed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from satudata.core.testing import PersonaTestCase
from satudata.reports.analytics import Filters
from satudata.reports.models import DailySearch, DailySite, RolledDay
from satudata.reports.report_pdf import _kpi_table
from satudata.reports.snapshot import kpi_number, with_unit
from satudata.reports.tests import test_report as base
from satudata.reports.tests.reportdata import known_figures
from satudata.reports.views_usage import partial_periods

D = dt.date


def _roll(day: dt.date, **counts: Any) -> None:
    RolledDay.objects.get_or_create(day=day, defaults={"rolled_at": timezone.now()})
    DailySite.objects.create(day=day, **counts)


def _frozen_kpi_table() -> dict[str, Any]:
    """A KPI table as snapshot.kpi_section freezes it."""
    columns = ["No.", "Code", "Indicator", "Unit", "Value", "Target", "Last", "Year", "Met"]
    rows = [
        [1, "punctuality", "Punctuality", "%", 75.0, "100", None, 80.0, "not met"],
        [2, "delay", "Mean and maximum delay", "days", 5.0, "0", 0.0, None, "not met"],
        [10, "web_use", "Use: web", "count", 90462, None, 3619, 3619, None],
        [16, "satisfaction", "Satisfaction (IKM)", "score", 79.07, "88.31", None, None, None],
    ]
    return {"key": "kpi", "title": "KPIs", "columns": columns, "rows": rows}


class UsageDashboardReadingTests(PersonaTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.p.walidata)

    def test_a_week_or_month_that_does_not_count_all_its_days_is_partial(self) -> None:
        for offset in range(20):  # 2 to 21 March 2026 rolled: Monday 2 to Saturday 21
            _roll(D(2026, 3, 2) + dt.timedelta(days=offset), page_views=100)
        filters = Filters.from_query(
            {"periode": "rentang", "dari": "2026-03-01", "sampai": "2026-03-21"}
        )
        weeks = [{"period": D(2026, 2, 23)}, {"period": D(2026, 3, 2)}, {"period": D(2026, 3, 16)}]
        # 23 Feb is cut by the period's start, 16 March lacks Sunday 22; 2 March is whole.
        self.assertEqual(partial_periods(filters, "week", weeks), {D(2026, 2, 23), D(2026, 3, 16)})
        months = [{"period": D(2026, 3, 1)}]
        self.assertEqual(partial_periods(filters, "month", months), {D(2026, 3, 1)})
        today = timezone.localdate()
        now = Filters.from_query(
            {"periode": "rentang", "dari": str(today - dt.timedelta(days=1)), "sampai": str(today)}
        )
        self.assertIn(today, partial_periods(now, "day", [{"period": today}]))

    def test_the_trend_chart_leaves_the_incomplete_week_out_and_the_table_marks_it(self) -> None:
        start = D(2026, 1, 5)  # a Monday; 10 whole weeks and 3 days of an eleventh
        for offset in range(73):
            _roll(start + dt.timedelta(days=offset), page_views=1000)
        query = {"periode": "rentang", "dari": "2026-01-05", "sampai": "2026-03-18"}
        spec = self.client.get(reverse("usage:chart", args=["tren"]), query).json()
        drawn = {value["x"] for value in spec["data"]["values"]}
        self.assertIn("2026-03-09", drawn)
        self.assertNotIn("2026-03-16", drawn)  # Monday to Wednesday only: looks like a collapse
        self.assertNotIn("2026-01-05", spec["title"]["subtitle"])  # dates as people write them
        self.assertIn(date_format(D(2026, 1, 5), "j M Y"), spec["title"]["subtitle"])
        page = self.client.get(reverse("usage:dashboard"), query).content.decode()
        self.assertEqual(page.count('class="usage-partial"'), 1)
        self.assertIn(_("incomplete"), page)

    def test_chart_tables_are_folded_and_rankings_cut_to_ten_rows_with_the_csv(self) -> None:
        _roll(D(2026, 3, 2), page_views=50)
        for n in range(13):
            DailySearch.objects.create(day=D(2026, 3, 2), query=f"kata {n:02}", searches=20 - n)
        query = {"periode": "rentang", "dari": "2026-03-01", "sampai": "2026-03-31"}
        page = self.client.get(reverse("usage:dashboard"), query).content.decode()
        self.assertIn(_("Show the table of figures"), page)
        folded = page.split('<details class="usage-table-box">')
        self.assertGreater(len(folded), 1)
        self.assertIn('class="usage-table"', folded[1])  # the trend's table is inside
        self.assertIn("kata 09", page)
        self.assertNotIn("kata 10", page)  # the 11th search is in the CSV only
        csv_link = reverse("usage:figure-csv", args=["pencarian"])
        self.assertRegex(page, rf'<p class="usage-more"><a href="{re.escape(csv_link)}\?[^"]+">')
        self.assertIn("data-filter-box", page)


class KpiPageReadingTests(PersonaTestCase):
    def test_targets_carry_their_unit_and_codes_stay_out_of_the_page(self) -> None:
        self.client.force_login(self.p.walidata)
        html = self.client.get("/laporan/kpi/", {"periode": "2026"}).content.decode()  # Indonesian
        row = html[html.index('id="kpi-punctuality"') :]
        row = row[: row.index("</tr>")]
        self.assertIn("≥ 100 %", row)
        self.assertNotIn("<code>", row)
        delay = html[html.index('id="kpi-delay"') :]
        self.assertIn("≤ 0 hari", delay[: delay.index("</tr>")])
        ikm = html[html.index('id="kpi-satisfaction"') :]
        self.assertIn("≥ 88,31", ikm[: ikm.index("</tr>")])

    def test_the_status_label_has_its_own_translation_context(self) -> None:
        with translation.override("en"):
            self.assertEqual(pgettext("KPI status", "Target met"), "Target met")
        source = open(  # noqa: SIM115 - a template read once
            "satudata/reports/templates/reports/kpi/kpi_table.html", encoding="utf-8"
        ).read()
        for label in ("Target met", "Target not met", "No target"):
            self.assertIn(f'{{% translate "{label}" context "KPI status" %}}', source)

    def test_the_targets_form_names_units_in_words_and_decimals_the_indonesian_way(self) -> None:
        self.client.force_login(self.p.admin)
        html = self.client.get("/laporan/kpi/target/").content.decode()  # Indonesian
        self.assertIn("88,31", html)
        self.assertIn("Satuan: hari.", html)
        self.assertNotIn(": days.", html)
        with translation.override("id"):
            self.assertIn(f": {pgettext('KPI unit', 'score')}. ", html)


class ReportKpiTableTests(PersonaTestCase):
    period = base.ReportTests.period
    # The report tests' helpers, borrowed (they only need ``self.p`` and ``self.period``).
    generate = cast(Any, base.ReportTests).generate
    signed = cast(Any, base.ReportTests).signed

    def test_the_printed_kpi_table_has_units_in_words_and_no_code_column(self) -> None:
        with translation.override("en"):
            table = _kpi_table(_frozen_kpi_table())
        self.assertEqual(len(table["columns"]), 8)
        self.assertNotIn("Code", table["columns"])
        punctuality, delay, web, ikm = table["rows"]
        self.assertEqual(punctuality[1:5], ["Punctuality", "%", "75 %", "≥ 100 %"])
        self.assertEqual(punctuality[5], "not available")
        self.assertEqual(delay[2:5], ["days", "5 days", "≤ 0 days"])
        self.assertEqual(web[3:7], ["90.462", "–", "3.619", "3.619"])
        self.assertEqual(ikm[3:5], ["79,1", "≥ 88,31"])
        self.assertFalse(any(cell == "punctuality" for row in table["rows"] for cell in row))

    def test_numbers_with_their_unit(self) -> None:
        self.assertEqual(kpi_number(36.36), "36,4")
        self.assertEqual(kpi_number(100.0), "100")
        self.assertEqual(kpi_number("88.31", 2), "88,31")
        with translation.override("id"):
            self.assertEqual(with_unit(5.0, "days"), "5 hari")
            self.assertEqual(with_unit(None, "%"), "tidak tersedia")

    def test_the_xlsx_keeps_the_code_and_writes_the_unit_in_words(self) -> None:
        report = self.generate()
        assert report.snapshot is not None
        frozen = report.snapshot["sections"][0]["tables"][0]
        rows = base.xlsx_rows(report, "1-kpi")
        self.assertEqual(rows[1], frozen["columns"])
        self.assertEqual(rows[2][1], frozen["rows"][0][1])  # the code, for analysts
        with translation.override("id"):
            self.assertEqual(rows[2][3], "%")

    def test_the_publish_button_shows_only_when_publishing_is_allowed(self) -> None:
        report = self.generate()
        self.client.force_login(self.p.walidata)
        page = self.client.get(reverse("laporan:detail", args=[report.uuid])).content.decode()
        self.assertIn('id="publish-problem"', page)  # the reason is kept
        self.assertNotIn('data-action="publish"', page)
        self.assertIn('class="report-actions"', page)
        signed = self.signed()
        with known_figures():
            page = self.client.get(reverse("laporan:detail", args=[signed.uuid])).content.decode()
        self.assertIn('data-action="publish"', page)
        self.assertNotIn('id="publish-problem"', page)

    def test_the_calendar_mean_delay_is_the_kpis_over_late_releases(self) -> None:
        report = self.generate()
        assert report.snapshot is not None
        labels = [label for label, _value in report.snapshot["sections"][1]["facts"]]
        self.assertIn(_("Mean delay of the late releases (days)"), labels)
        self.assertNotIn(_("Mean delay (days)"), labels)
