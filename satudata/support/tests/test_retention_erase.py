"""Personal data of old requests is erased after the retention period, and nothing else."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import override_settings

from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.support import retention, services
from satudata.support.models import Category, GuestVisit, Ticket

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


@override_settings(SUPPORT_RETENTION_DAYS=365)
class RetentionTests(PersonaTestCase):
    def _closed_ticket(self) -> tuple[Ticket, str]:
        with time_machine.travel(START, tick=False):
            ticket, token = services.create_ticket(
                actor=None,
                category=Category.CONSULTATION,
                subject="Data sekolah",
                message="Mohon data sekolah per kecamatan.",
                requester_name="Dewi Anggraini",
                requester_email="dewi@example.org",
                requester_phone="0812-1111-2222",
            )
            services.answer(actor=self.p.walidata, ticket=ticket, body="Terlampir.")
            services.close(actor=self.p.walidata, ticket=ticket)
        return ticket, token

    def test_a_ticket_closed_past_the_period_keeps_its_record_but_not_the_person(self) -> None:
        ticket, token = self._closed_ticket()
        GuestVisit.objects.create(
            name="Tamu Lama",
            contact="0812",
            purpose="Konsultasi",
            served_by=self.p.walidata,
            visited_at=START,
        )
        with time_machine.travel(START + dt.timedelta(days=300), tick=False):
            self.assertEqual(retention.erase_expired(), 0)
        with time_machine.travel(START + dt.timedelta(days=400), tick=False):
            out = StringIO()
            call_command("erase_support_personal_data", "--dry-run", stdout=out)
            self.assertIn("1 tiket, 1 entri", out.getvalue())
            self.assertEqual(retention.erase_expired(), 2)
            self.assertEqual(retention.erase_expired(), 0)  # a second run changes nothing
        ticket.refresh_from_db()
        self.assertEqual(ticket.requester_name, retention.ERASED)
        self.assertEqual((ticket.requester_email, ticket.requester_phone), ("", ""))
        self.assertEqual(ticket.number, "LYN-2025-00001")
        self.assertTrue(ticket.messages.filter(body="Terlampir.").exists())
        self.assertIsNone(services.ticket_by_token(token))
        self.assertEqual(GuestVisit.objects.get().name, retention.ERASED)
        self.assertTrue(AuditEvent.objects.filter(action="support.personal_data_erased").exists())

    @override_settings(SUPPORT_RETENTION_DAYS=0)
    def test_zero_keeps_everything(self) -> None:
        self._closed_ticket()
        with time_machine.travel(START + dt.timedelta(days=4000), tick=False):
            self.assertEqual(retention.erase_expired(), 0)
        self.assertEqual(Ticket.objects.get().requester_name, "Dewi Anggraini")


@override_settings(SUPPORT_RETENTION_DAYS=365)
class AbandonedTicketTests(PersonaTestCase):
    def test_a_ticket_never_closed_and_untouched_for_the_period_is_erased_too(self) -> None:
        with time_machine.travel(START, tick=False):
            abandoned, _token = services.create_ticket(
                actor=None,
                category=Category.CONSULTATION,
                subject="Data pasar",
                message="Mohon data pasar.",
                requester_name="Joko Lama",
                requester_email="joko@example.org",
            )
            services.reply(actor=self.p.walidata, ticket=abandoned, body="Tahun berapa?", wait=True)
            active, _token = services.create_ticket(
                actor=None,
                category=Category.CONSULTATION,
                subject="Data jalan",
                message="Mohon data jalan.",
                requester_name="Sari Aktif",
                requester_email="sari@example.org",
            )
        with time_machine.travel(START + dt.timedelta(days=300), tick=False):
            services.add_note(actor=self.p.walidata, ticket=active, body="Masih dikerjakan.")
            services.start_work(actor=self.p.walidata, ticket=active)
        with time_machine.travel(START + dt.timedelta(days=400), tick=False):
            self.assertEqual(retention.erase_expired(), 1)
        abandoned.refresh_from_db()
        active.refresh_from_db()
        self.assertEqual(abandoned.requester_name, retention.ERASED)
        self.assertEqual(abandoned.state, "waiting")  # the record stays as it was
        self.assertEqual(active.requester_name, "Sari Aktif")  # touched 100 days ago
