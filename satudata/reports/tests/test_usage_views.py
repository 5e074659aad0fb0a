"""The usage dashboard's pages: who may see them, bad filters answered with the reason (never a
500), the tiles and tables in Indonesian numbers, and every figure as CSV, JSON and a chart."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.core.testing import PersonaTestCase
from satudata.reports.models import DailySearch, DailySite, DailyUsage, RolledDay
from satudata.reports.views_usage import FIGURES

D = dt.date
MARCH = {"dari": "2026-03-01", "sampai": "2026-03-31"}


def site(day: dt.date, **counts: object) -> None:
    RolledDay.objects.get_or_create(day=day, defaults={"rolled_at": timezone.now()})
    DailySite.objects.create(day=day, **counts)


class UsageViewTests(PersonaTestCase):
    def setUp(self) -> None:
        site(D(2026, 3, 2), page_views=12345, visitors=400, downloads=20, sample=True)
        site(D(2026, 2, 20), page_views=10000)
        site(D(2026, 3, 2), bot=True, events=777)
        DailyUsage.objects.create(
            day=D(2026, 3, 2),
            kind="download",
            channel="portal",
            format="csv",
            events=20,
            dataset="=HYPERLINK(1)",
        )
        DailySearch.objects.create(day=D(2026, 3, 2), query="=cmd|x", searches=3, zero_results=3)
        self.url = reverse("usage:dashboard")

    def login(self, who: str = "walidata") -> None:
        self.client.force_login(getattr(self.p, who))

    def test_anonymous_visitors_log_in_producers_are_refused_staff_see_it(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/masuk/", response["Location"])
        self.login("producer")
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(
            self.client.get(reverse("usage:figure-csv", args=["format"])).status_code, 403
        )
        for who in ("walidata", "kepala_bidang", "kepala_dinas", "admin"):
            self.login(who)
            self.assertEqual(self.client.get(self.url).status_code, 200, who)

    def test_the_page_shows_tiles_trends_robots_and_the_sample_banner(self) -> None:
        self.login()
        response = self.client.get(self.url, MARCH)
        html = response.content.decode()
        self.assertContains(response, "12.345")  # Indonesian thousands
        self.assertContains(response, "23,5")  # +23,5 % against February's 10.000
        self.assertContains(response, "777")
        self.assertContains(response, 'class="notice usage-sample"')
        self.assertIn('data-spec-url="/laporan/pemanfaatan/grafik/tren.json?', html)
        self.assertIn("build/product-chart.js", html)
        self.assertNotIn("H:i", html)

    def test_an_empty_period_says_not_available(self) -> None:
        self.login()
        response = self.client.get(self.url, {"dari": "2020-01-01", "sampai": "2020-01-31"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, _("not available"))
        self.assertNotContains(response, 'class="notice usage-sample"')

    def test_bad_filters_answer_the_reason_not_a_500(self) -> None:
        self.login()
        bad = [
            ({"dari": "2026-02-30", "sampai": "2026-03-01"}, "dari", None),
            (
                {"dari": "2026-03-01", "sampai": "2026-01-01"},
                "sampai",
                "The last day comes before the first day.",
            ),
            (
                {"dari": "2010-01-01", "sampai": "2026-01-01"},
                "sampai",
                "A period may be at most five years long.",
            ),
            ({"instansi": "tidak-ada"}, "instansi", None),
            ({"kanal": "ftp"}, "kanal", "Choose one of the channels offered."),
        ]
        for query, field, msgid in bad:
            response = self.client.get(self.url, query)
            self.assertEqual(response.status_code, 200, query)
            self.assertContains(response, 'role="alert"')
            message = response.context["errors"].errors[field]
            self.assertIn(message, response.content.decode())
            if msgid:
                self.assertEqual(message, _(msgid))  # in the user's language
            for name in ("figure-csv", "figure-json"):
                answer = self.client.get(reverse(f"usage:{name}", args=["ringkasan"]), query)
                self.assertEqual(answer.status_code, 400, (name, query))

    def test_every_figure_downloads_as_csv_and_json(self) -> None:
        self.login()
        for slug, figure in FIGURES.items():
            response = self.client.get(reverse("usage:figure-json", args=[slug]), MARCH)
            self.assertEqual(response.status_code, 200, slug)
            body = response.json()
            self.assertEqual([c["key"] for c in body["columns"]], [c.key for c in figure.columns])
            self.assertTrue(body["available"])
            response = self.client.get(reverse("usage:figure-csv", args=[slug]), MARCH)
            self.assertEqual(response.status_code, 200, slug)
            self.assertIn("attachment;", response["Content-Disposition"])
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            self.assertEqual(rows[0], figure.header())
        summary = self.client.get(reverse("usage:figure-json", args=["ringkasan"]), MARCH).json()
        views = next(r for r in summary["rows"] if r["value"] == 12345)
        self.assertEqual(views["previous"], 10000)
        self.assertEqual(views["change_previous"], 23.5)

    def test_csv_cells_that_would_run_as_formulas_are_neutralised(self) -> None:
        self.login()
        for slug, payload in (("dataset", "'=HYPERLINK(1)"), ("pencarian-nihil", "'=cmd|x")):
            response = self.client.get(reverse("usage:figure-csv", args=[slug]), MARCH)
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            self.assertIn(payload, rows[1], slug)

    def test_charts_are_vega_lite_with_indonesian_numbers(self) -> None:
        self.login()
        spec = self.client.get(reverse("usage:chart", args=["tren"]), MARCH).json()
        self.assertIn("vega-lite", spec["$schema"])
        self.assertEqual(spec["config"]["locale"]["number"]["decimal"], ",")
        values = spec["data"]["values"]
        self.assertIn({"x": "2026-03-02", "measure": _("Page views"), "value": 12345}, values)
        self.assertTrue(spec["description"])
        bar = self.client.get(reverse("usage:chart", args=["format"]), MARCH).json()
        self.assertEqual(bar["mark"], "bar")
        self.assertEqual(
            self.client.get(reverse("usage:chart", args=["kampanye"])).status_code, 404
        )
        self.assertEqual(self.client.get(reverse("usage:chart", args=["nope"])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("usage:chart", args=["tren"]), {"kanal": "x"}).status_code, 400
        )

    def test_the_page_reads_a_year_in_a_bounded_number_of_queries(self) -> None:
        self.login()
        self.client.get(self.url)  # warm the session and the form's choices
        # 22: one of them finds the period's whole months kept in ``MonthlyUsage``.
        with self.assertNumQueries(22):
            self.client.get(self.url, {"periode": "12-bulan"})
