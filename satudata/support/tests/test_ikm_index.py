"""The IKM against a hand-computed example of PermenPAN-RB 14/2017's method, the survey pages
and the recap with its exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.test import TestCase, override_settings
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from satudata.core.testing import PersonaTestCase
from satudata.support import ikm, services
from satudata.support.models import Category, SurveyResponse
from satudata.support.tests.public_forms import solved_pow

# Three respondents, answers to U1..U9:
#   R1: 4 4 3 4 3 3 4 4 3
#   R2: 3 3 2 4 3 3 3 3 3
#   R3: 4 3 3 4 4 3 4 3 3
# Sums per unsur: 11 10 8 12 10 9 11 10 9 (Σ = 90)
# NRR = sum / 3: 3,6667 3,3333 2,6667 4,0000 3,3333 3,0000 3,6667 3,3333 3,0000
# Exact weight 1/9: IKM = Σ NRR / 9 = 30 / 9 = 3,3333…; × 25 = 83,3333… → 83,33: band B (Baik)
# Legacy 0,11:      IKM = Σ NRR × 0,11 = 30 × 0,11 = 3,3000;  × 25 = 82,50: band B
# Weighted NRR of U1, exact: 3,6667 / 9 = 0,4074; legacy: 3,6667 × 0,11 = 0,4033
# The lowest unsur is U3 (Waktu Penyelesaian), NRR 2,6667.
ANSWERS = [
    [4, 4, 3, 4, 3, 3, 4, 4, 3],
    [3, 3, 2, 4, 3, 3, 3, 3, 3],
    [4, 3, 3, 4, 4, 3, 4, 3, 3],
]
DAY = dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC)


def _answers(rows: list[list[int]] = ANSWERS, service: str = "") -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            service=service, submitted_at=DAY, **{f"u{i + 1}": v for i, v in enumerate(row)}
        )
        for row in rows
    )


class HandComputedTests(TestCase):
    def test_exact_weight(self) -> None:
        _answers()
        figures = ikm.summary(SurveyResponse.objects.all())
        self.assertEqual(figures["respondents"], 3)
        self.assertEqual([u["sum"] for u in figures["unsur"]], [11, 10, 8, 12, 10, 9, 11, 10, 9])
        self.assertEqual(figures["unsur"][0]["nrr"], 3.6667)
        self.assertEqual(figures["unsur"][0]["weighted"], 0.4074)
        self.assertEqual(figures["ikm"], 3.3333)
        self.assertEqual(figures["ikm_converted"], 83.33)
        self.assertEqual((figures["mutu"], figures["kinerja"]), ("B", "Baik"))
        self.assertEqual(figures["lowest"], ["U3"])

    def test_legacy_weight_for_old_reports(self) -> None:
        _answers()
        figures = ikm.summary(SurveyResponse.objects.all(), weight="legacy")
        self.assertEqual(figures["unsur"][0]["weighted"], 0.4033)
        self.assertEqual(figures["ikm"], 3.3)
        self.assertEqual(figures["ikm_converted"], 82.5)
        self.assertEqual(figures["mutu"], "B")

    def test_four_everywhere_is_exactly_100_and_a_band_follows_the_published_figure(self) -> None:
        _answers([[4] * 9])
        self.assertEqual(ikm.summary(SurveyResponse.objects.all())["ikm_converted"], 100.0)
        self.assertEqual(ikm.band_for_converted(Decimal("88.305")).mutu, "A")  # shown 88,31
        self.assertEqual(ikm.band_for_converted(Decimal("88.3049")).mutu, "B")  # shown 88,30
        self.assertEqual(ikm.band_for_converted(Decimal("64.99")).mutu, "D")
        self.assertEqual(ikm.band_for_converted(Decimal("65.00")).mutu, "C")

    def test_no_answers_give_no_index(self) -> None:
        figures = ikm.recap(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        self.assertEqual((figures["respondents"], figures["ikm"], figures["mutu"]), (0, None, None))

    def test_the_recap_of_a_period_counts_only_its_answers_and_per_service(self) -> None:
        _answers(service=Category.CONSULTATION)
        _answers([[1] * 9], service=Category.KIP)
        figures = ikm.recap(dt.date(2026, 5, 1), dt.date(2026, 5, 31), Category.CONSULTATION)
        self.assertEqual(figures["ikm_converted"], 83.33)
        everything = ikm.recap(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
        self.assertEqual(everything["respondents"], 4)
        self.assertEqual(len(everything["services"]), 2)
        self.assertEqual(ikm.recap(dt.date(2026, 6, 1), dt.date(2026, 6, 30))["respondents"], 0)


def _post(score: int | str = 3, **extra: str) -> dict[str, str]:
    return {**{f"u{i}": str(score) for i in range(1, 10)}, **extra}


@override_settings(SUPPORT_POW_BITS=8)
class SurveyPageTests(PersonaTestCase):
    def _closed(self) -> tuple[services.Ticket, str]:
        ticket, token = services.create_ticket(
            actor=None,
            category=Category.DATA_REQUEST,
            subject="Data",
            message="Mohon data.",
            requester_name="Lina",
            requester_email="lina@example.org",
        )
        services.answer(actor=self.p.walidata, ticket=ticket, body="Terlampir.")
        return ticket, token

    def test_a_closed_ticket_is_rated_once(self) -> None:
        ticket, token = self._closed()
        url = reverse("support:survey_ticket", args=[token])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.post(url, _post())
        self.assertFalse(SurveyResponse.objects.exists())  # answered, not closed yet
        services.close(actor=self.p.walidata, ticket=ticket)
        page = self.client.get(url)
        self.assertContains(page, "U1")
        # The address holds the ticket's secret: kept out of referrers, caches and indexes.
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        self.assertIn("no-store", page["Cache-Control"])
        self.assertIn("noindex", page["X-Robots-Tag"])
        self.assertEqual(self.client.post(url, _post(4)).status_code, 200)
        answer = SurveyResponse.objects.get()
        self.assertEqual(
            (answer.ticket, answer.service, answer.u9), (ticket, Category.DATA_REQUEST, 4)
        )
        self.client.post(url, _post(1))
        self.assertEqual(SurveyResponse.objects.count(), 1)

    def test_a_wrong_token_is_404_and_forged_values_are_refused_clearly(self) -> None:
        self.assertEqual(
            self.client.get(reverse("support:survey_ticket", args=["tebakan"])).status_code, 404
        )
        url = reverse("support:survey")
        for forged in (_post(5), _post(0), _post("x"), _post(3, age="abc"), {"u1": "3"}):
            answer = self.client.post(url, {**forged, **solved_pow(self.client)})
            self.assertEqual(answer.status_code, 400)
            self.assertTrue(answer.context["form"].errors)
        self.assertFalse(SurveyResponse.objects.exists())
        done = self.client.post(
            url,
            _post(3, service=Category.CONSULTATION, sex="P", age="31", **solved_pow(self.client)),
        )
        self.assertEqual(done.status_code, 302)
        self.assertEqual(SurveyResponse.objects.get().sex, "P")


class RecapPageTests(PersonaTestCase):
    def test_staff_read_the_recap_and_download_it(self) -> None:
        _answers()
        query = {"period": "month", "year": "2026", "month": "5", "weight": "exact"}
        self.client.force_login(self.p.kepala_bidang)
        page = self.client.get(reverse("support:ikm"), query)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["figures"]["ikm_converted"], 83.33)
        self.assertContains(page, "83,33")
        xlsx = self.client.get(reverse("support:ikm_export", args=["xlsx"]), query)
        self.assertEqual(xlsx.status_code, 200)
        book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        rows = book.get_sheet_by_index(0).to_python()
        self.assertIn(83.33, [cell for row in rows for cell in row])
        self.assertEqual(len([r for r in rows if r and isinstance(r[0], float) and r[0] >= 1]), 3)
        pdf = self.client.get(reverse("support:ikm_export", args=["pdf"]), query)
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        self.assertIn("83,33", text)

    def test_others_may_not_read_it(self) -> None:
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(reverse("support:ikm")).status_code, 403)
        self.client.logout()
        self.assertEqual(
            self.client.get(reverse("support:ikm_export", args=["pdf"])).status_code, 302
        )
