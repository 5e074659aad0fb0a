"""The KPI pages by role, their CSV and JSON twins, bad periods and the targets form."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.testing import PersonaTestCase
from satudata.reports.models import KpiTarget


class KpiPageTests(PersonaTestCase):
    def test_who_may_see_the_pages(self) -> None:
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
            user = self.p.by_role()[role]
            for url in ("/laporan/kpi/", "/laporan/kpi.json", "/laporan/kepatuhan-sop/"):
                with self.subTest(role=role, url=url):
                    self.client.logout()
                    if user is not None:
                        self.client.force_login(user)
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_only_the_administrator_sets_targets(self) -> None:
        for role, status in (("walidata", 403), ("kepala_dinas", 403), ("admin", 200)):
            with self.subTest(role=role):
                user = self.p.by_role()[role]
                assert user is not None
                self.client.force_login(user)
                self.assertEqual(self.client.get("/laporan/kpi/target/").status_code, status)

    def test_the_page_shows_not_available_with_the_reason(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/kpi/?periode=2026-Q1", HTTP_ACCEPT_LANGUAGE="id")
        with translation.override("id"):
            not_available = _("not available")
            quarter = _("Quarter %(number)s %(year)s") % {"number": 1, "year": 2026}
        self.assertContains(response, not_available)
        self.assertContains(response, quarter)
        self.assertContains(response, "punctuality")

    def test_json_and_csv_twins(self) -> None:
        self.client.force_login(self.p.walidata)
        data = self.client.get("/laporan/kpi.json?periode=2026-03").json()
        self.assertEqual(
            (data["period"], data["start"], data["end"]), ("2026-03", "2026-03-01", "2026-03-31")
        )
        self.assertEqual(len(data["kpis"]), 18)
        response = self.client.get("/laporan/kpi/?periode=2026&format=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        lines = response.content.decode("utf-8-sig").splitlines()
        self.assertTrue(lines[0].startswith("no,kode,kpi"))
        self.assertEqual(len(lines), 19)
        compliance = self.client.get("/laporan/kepatuhan-sop.json?periode=2026-Q1").json()
        self.assertEqual(len(compliance["activities"]), 6)
        csv = self.client.get("/laporan/kepatuhan-sop.csv?periode=2026-Q1")
        self.assertIn("kegiatan,rilis", csv.content.decode("utf-8-sig"))

    def test_a_bad_period_or_filter_is_a_clear_400(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.get("/laporan/kpi/?periode=2026-Q7", HTTP_ACCEPT_LANGUAGE="id")
        self.assertEqual(response.status_code, 400)
        with translation.override("id"):
            expected = _(
                "“%(value)s” is not a period. Write a month as 2026-03, a quarter as 2026-Q1 or "
                "a year as 2026."
            ) % {"value": "2026-Q7"}
        self.assertContains(response, expected, status_code=400)
        data = self.client.get("/laporan/kpi.json?periode=xx", HTTP_ACCEPT_LANGUAGE="id")
        self.assertEqual(data.status_code, 400)
        self.assertIn("error", data.json())
        bad = self.client.get("/laporan/kpi/?opd=999999&jenis=roket")
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(
            self.client.get("/laporan/kepatuhan-sop/?periode=2026-00").status_code, 400
        )

    def test_targets_are_checked_and_saved(self) -> None:
        self.client.force_login(self.p.admin)
        response = self.client.post(
            "/laporan/kpi/target/",
            {"punctuality": "120", "satisfaction": "20"},
            HTTP_ACCEPT_LANGUAGE="id",
        )
        self.assertEqual(response.status_code, 400)
        with translation.override("id"):
            message = _("The target must be from %(low)s to %(high)s.")
        for low in (0, 25):
            text = message % {"low": low, "high": 100}
            self.assertContains(response, text, status_code=400)
        self.assertFalse(KpiTarget.objects.exists())
        response = self.client.post(
            "/laporan/kpi/target/", {"punctuality": "95", "satisfaction": "88,31"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(KpiTarget.objects.values_list("code", "target")),
            {"punctuality": Decimal(95), "satisfaction": Decimal("88.31")},
        )
