"""Dates out of the calendar's sane range (year 1, 1900, 9999) are form errors in Indonesian on
every help-desk form that takes one, never a 500: the guest book's filters, its downloads and
its entries, the IKM recap's custom period and its downloads, and a request recorded by staff.
The guest book also takes a real visit through its form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.support import services
from satudata.support.models import Category, GuestVisit, Ticket

WIB = ZoneInfo("Asia/Jakarta")
OUT_OF_RANGE = "Pilih tanggal antara tahun 2000 dan 2100."
NOW = dt.datetime(2026, 8, 5, 10, 0, tzinfo=WIB)


class DateBoundTests(PersonaTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.client.force_login(self.p.walidata)

    def test_the_guest_book_filters_and_downloads_refuse_far_dates(self) -> None:
        for query in ({"dari": "0001-01-01"}, {"sampai": "9999-12-31"}, {"dari": "1999-12-31"}):
            with self.subTest(query=query):
                page = self.client.get(reverse("support:guestbook"), query)
                self.assertContains(page, OUT_OF_RANGE, status_code=400)
                for fmt in ("csv", "xlsx"):
                    download = self.client.get(
                        reverse("support:guestbook_export", args=[fmt]), query
                    )
                    self.assertEqual(download.status_code, 302)
                    shown = self.client.get(download["Location"])
                    self.assertContains(shown, "Pilih periode yang sah", status_code=400)
                    self.assertContains(shown, OUT_OF_RANGE, status_code=400)
        ok = self.client.get(
            reverse("support:guestbook"), {"dari": "2000-01-01", "sampai": "2100-12-31"}
        )
        self.assertEqual(ok.status_code, 200)

    def test_the_ikm_recap_refuses_a_far_custom_period(self) -> None:
        for start, end in (("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")):
            query = {"period": "custom", "start": start, "end": end}
            with self.subTest(query=query):
                page = self.client.get(reverse("support:ikm"), query)
                self.assertContains(page, OUT_OF_RANGE)
                self.assertIsNone(page.context["figures"])
                for fmt in ("xlsx", "pdf"):
                    download = self.client.get(reverse("support:ikm_export", args=[fmt]), query)
                    self.assertEqual(download.status_code, 302)

    def visit(self, **fields: Any) -> Any:
        data = {
            "name": "Budi Santoso",
            "institution_type": "akademisi",
            "institution_name": "Universitas Lampung",
            "contact": "0812 1111 2222",
            "purpose": "Konsultasi data kemiskinan",
            "data_requested": "Persentase penduduk miskin per kecamatan",
            "visited_at": "2026-08-05T09:30",
            "outcome": "Ditunjukkan dataset kemiskinan.",
            "ticket_number": "",
            **fields,
        }
        return self.client.post(reverse("support:guestbook"), data)

    def test_a_visit_is_recorded_through_the_form_and_far_or_future_times_are_refused(
        self,
    ) -> None:
        ticket, _token = services.create_ticket(
            actor=self.p.walidata,
            category=Category.CONSULTATION,
            channel="datang",
            subject="Data kemiskinan",
            message="Data kemiskinan per kecamatan.",
            requester_name="Budi Santoso",
        )
        for when, error in (
            ("0001-01-01T00:00", OUT_OF_RANGE),
            ("9999-12-31T23:59", OUT_OF_RANGE),
            ("1900-01-01T10:00", OUT_OF_RANGE),
            ("2026-08-07T09:00", "Waktu kunjungan tidak boleh di masa depan."),
        ):
            with self.subTest(when=when):
                refused = self.visit(visited_at=when)
                self.assertContains(refused, error, status_code=400)
                self.assertContains(refused, "Budi Santoso", status_code=400)  # typed text kept
        self.assertFalse(GuestVisit.objects.exists())
        saved = self.visit(ticket_number=ticket.number.lower())
        self.assertEqual(saved.status_code, 302)
        visit = GuestVisit.objects.get()
        self.assertEqual(visit.visited_at, dt.datetime(2026, 8, 5, 9, 30, tzinfo=WIB))
        self.assertEqual((visit.served_by, visit.ticket), (self.p.walidata, ticket))
        self.assertTrue(
            AuditEvent.objects.for_object(visit).filter(action="support.guest_recorded").exists()
        )
        listed = self.client.get(reverse("support:guestbook"))
        self.assertContains(listed, "Budi Santoso")
        csv = self.client.get(reverse("support:guestbook_export", args=["csv"]))
        self.assertIn("Universitas Lampung", csv.content.decode("utf-8-sig"))

    def test_a_request_recorded_by_staff_refuses_a_far_time(self) -> None:
        data = {
            "channel": "telepon",
            "category": "konsultasi",
            "requester_name": "Ani",
            "institution_type": "umum",
            "subject": "Data pasar",
            "message": "Berapa jumlah pasar?",
        }
        for when in ("0001-01-01T00:00", "1900-01-01T12:00", "9999-12-31T10:00"):
            with self.subTest(when=when):
                refused = self.client.post(
                    reverse("support:ticket_new"), {**data, "received_at": when}
                )
                self.assertContains(refused, OUT_OF_RANGE, status_code=400)
        self.assertFalse(Ticket.objects.exists())
        saved = self.client.post(
            reverse("support:ticket_new"), {**data, "received_at": "2026-08-04T14:00"}
        )
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(
            Ticket.objects.get().received_at, dt.datetime(2026, 8, 4, 14, 0, tzinfo=WIB)
        )
