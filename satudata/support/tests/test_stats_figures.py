"""The activity-6 figures of the help desk, counted from tickets made through the services."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.sop.workdays import WIB
from satudata.support import services, stats
from satudata.support.models import Category, Channel, KipOutcome, RefusalReason

# A Monday in a week without holidays in the test database (none are loaded).
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=WIB)


def _ticket(
    category: str, at: dt.datetime, channel: str = Channel.WEB, name: str = "Sari Rahmawati"
) -> services.Ticket:
    with time_machine.travel(at, tick=False):
        ticket, _token = services.create_ticket(
            actor=None,
            category=category,
            channel=channel,
            subject="Permintaan",
            message="Isi permintaan",
            requester_name=name,
            requester_email="sari.rahmawati@example.org",
        )
    return ticket


class PeriodFiguresTests(PersonaTestCase):
    def test_counts_sla_and_kip_outcomes_of_the_period(self) -> None:
        p = self.p
        fast = _ticket(Category.CONSULTATION, MONDAY)
        with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
            services.answer(actor=p.walidata, ticket=fast, body="Jawaban")
        slow = _ticket(Category.CONSULTATION, MONDAY, channel=Channel.EMAIL)
        # Answered on the next Monday: 5 working days, past the 3-day standard.
        with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
            services.answer(actor=p.walidata, ticket=slow, body="Jawaban")
        kip = _ticket(Category.KIP, MONDAY)
        with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
            services.answer(
                actor=p.walidata,
                ticket=kip,
                body="Ditolak",
                outcome=KipOutcome.REFUSED,
                refusal_reason=RefusalReason.PRIVACY,
            )
        _ticket(Category.FEEDBACK, MONDAY + dt.timedelta(days=40))  # outside the period

        figures = stats.period_figures(dt.date(2026, 3, 1), dt.date(2026, 3, 31))

        self.assertEqual(figures["received"], 3)
        by_category = {row["code"]: row["count"] for row in figures["by_category"]}
        self.assertEqual(by_category[Category.CONSULTATION], 2)
        self.assertEqual(by_category[Category.FEEDBACK], 0)
        self.assertEqual(figures["answered"]["count"], 3)
        self.assertEqual(figures["answered"]["within_sla"], 2)
        self.assertEqual(figures["answered"]["median_working_days"], 1)
        self.assertEqual(figures["acknowledged"]["within_sla"], 2)  # the slow one acknowledged late
        self.assertEqual(figures["kip"]["received"], 1)
        outcomes = {row["code"]: row["count"] for row in figures["kip"]["outcomes"]}
        self.assertEqual(outcomes[KipOutcome.REFUSED], 1)
        self.assertEqual(figures["kip"]["refusal_reasons"][0]["code"], RefusalReason.PRIVACY)

        table = stats.kip_yearly_table(2026)
        self.assertEqual((table["received"], table["refused"], table["granted"]), (1, 1, 0))
        self.assertEqual(table["time_to_fulfil"]["bands"][0]["count"], 1)

    def test_an_unanswered_ticket_is_overdue_at_the_period_end(self) -> None:
        _ticket(Category.CONSULTATION, MONDAY)
        figures = stats.period_figures(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        self.assertEqual((figures["open_at_end"], figures["overdue_at_end"]), (1, 1))
        early = stats.period_figures(dt.date(2026, 3, 2), dt.date(2026, 3, 2))
        self.assertEqual(early["overdue_at_end"], 0)


class ReportPagesTests(PersonaTestCase):
    def test_staff_read_the_figures_and_the_json_carries_no_personal_data(self) -> None:
        _ticket(Category.KIP, MONDAY, name="Wiranto Kusumadewi")
        self.client.force_login(self.p.kepala_bidang)
        page = self.client.get(reverse("support:report"), {"periode": "tahun", "tahun": "2026"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Pasal 12")
        answer = self.client.get(
            reverse("support:report_json"), {"periode": "tahun", "tahun": "2026"}
        )
        self.assertEqual(answer.status_code, 200)
        body = answer.content.decode()
        self.assertEqual(json.loads(body)["kip_yearly"]["received"], 1)
        for personal in ("Wiranto", "sari.rahmawati", "example.org"):
            self.assertNotIn(personal, body)

    def test_a_wrong_period_is_a_clear_400_and_others_are_refused(self) -> None:
        self.client.force_login(self.p.walidata)
        answer = self.client.get(
            reverse("support:report_json"), {"periode": "bulan", "bulan": "13"}
        )
        self.assertEqual(answer.status_code, 400)
        self.assertIn("bulan", answer.json()["error"])
        self.assertEqual(
            self.client.get(reverse("support:report"), {"periode": "abad"}).status_code, 400
        )
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(reverse("support:report_json")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("support:report_json")).status_code, 302)
