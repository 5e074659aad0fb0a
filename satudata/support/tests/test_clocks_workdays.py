"""The ticket clocks in working days (WIB, the platform's holiday calendar), with frozen time.

Every expected date below is counted by hand in a comment. The test calendar holds only the
holidays created in ``setUpTestData``; weekends are never working days. Dates in 2026:
Wednesday 13 May, Friday 14 August, Wednesday 2 December.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.sop.models import Holiday, HolidayKind
from satudata.support import clocks, services
from satudata.support.models import Category, KipOutcome, State, Ticket

WIB = ZoneInfo("Asia/Jakarta")
HOLIDAYS = {
    dt.date(2026, 5, 14): ("Kenaikan Yesus Kristus", HolidayKind.NATIONAL),  # Thursday
    dt.date(2026, 5, 15): ("Cuti bersama Kenaikan", HolidayKind.JOINT_LEAVE),  # Friday
    dt.date(2026, 8, 17): ("Hari Kemerdekaan", HolidayKind.NATIONAL),  # Monday
    dt.date(2026, 12, 24): ("Cuti bersama Natal", HolidayKind.JOINT_LEAVE),  # Thursday
    dt.date(2026, 12, 25): ("Hari Raya Natal", HolidayKind.NATIONAL),  # Friday
    dt.date(2027, 1, 1): ("Tahun Baru Masehi", HolidayKind.NATIONAL),  # Friday
}


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    """A deadline: 23:59 WIB of that day."""
    return dt.datetime(year, month, day, 23, 59, tzinfo=WIB)


def receive(at: dt.datetime, category: str = Category.CONSULTATION, **fields: Any) -> Ticket:
    with time_machine.travel(at, tick=False):
        ticket, _token = services.create_ticket(
            actor=None,
            category=category,
            subject="Data stunting per desa",
            message="Mohon data stunting per desa tahun 2025.",
            requester_name="Rina Pemohon",
            requester_email="rina@example.org",
            **fields,
        )
    return ticket


class ClockTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for day, (name, kind) in HOLIDAYS.items():
            Holiday.objects.create(date=day, name=name, kind=kind)

    def assertDue(self, actual: dt.datetime, expected: dt.datetime) -> None:
        self.assertEqual(actual.astimezone(WIB), expected)


class InitialDeadlineTests(ClockTestCase):
    def test_it_uses_a_one_day_first_response_and_the_category_standards(self) -> None:
        self.assertEqual(clocks.first_response_days(), 1)
        self.assertEqual(clocks.answer_days(Category.CONSULTATION), 3)
        self.assertEqual(clocks.answer_days(Category.KIP), 10)
        self.assertEqual(clocks.extension_days(Category.KIP), 7)

    def test_a_ticket_received_on_a_monday_morning(self) -> None:
        # Mon 3 Aug 09:00 → counting starts Tue 4 Aug.
        # First response (1 WD): Tue 4 Aug. Consultation (3 WD): Tue 4, Wed 5, Thu 6 → Thu 6.
        ticket = receive(wib(2026, 8, 3, 9, 0))
        self.assertDue(ticket.first_response_due, end_of(2026, 8, 4))
        self.assertDue(ticket.answer_due, end_of(2026, 8, 6))

    def test_a_ticket_received_on_friday_evening_before_a_monday_holiday(self) -> None:
        # Fri 14 Aug 19:30 WIB; Sat 15, Sun 16 weekend, Mon 17 Aug Independence Day.
        # First response (1 WD): Tue 18 Aug.
        # Consultation (3 WD): Tue 18, Wed 19, Thu 20 → Thu 20 Aug.
        consultation = receive(wib(2026, 8, 14, 19, 30))
        self.assertDue(consultation.first_response_due, end_of(2026, 8, 18))
        self.assertDue(consultation.answer_due, end_of(2026, 8, 20))
        # KIP (10 WD): 18, 19, 20, 21, 24, 25, 26, 27, 28, 31 → Mon 31 Aug.
        kip = receive(wib(2026, 8, 14, 19, 30), Category.KIP)
        self.assertDue(kip.first_response_due, end_of(2026, 8, 18))
        self.assertDue(kip.answer_due, end_of(2026, 8, 31))

    def test_a_ticket_received_on_a_saturday_counts_from_the_next_working_day(self) -> None:
        # Sat 15 Aug 10:00: Sun 16 weekend, Mon 17 holiday → the same dates as Friday evening.
        ticket = receive(wib(2026, 8, 15, 10, 0))
        self.assertDue(ticket.first_response_due, end_of(2026, 8, 18))
        self.assertDue(ticket.answer_due, end_of(2026, 8, 20))

    def test_the_day_received_is_the_wib_day_not_the_utc_one(self) -> None:
        # Thu 13 Aug 23:30 UTC is Fri 14 Aug 06:30 WIB: counting starts after Friday, so the
        # first response is due Tue 18 Aug (a UTC clock would say Fri 14 Aug).
        ticket = receive(dt.datetime(2026, 8, 13, 23, 30, tzinfo=dt.UTC))
        self.assertDue(ticket.first_response_due, end_of(2026, 8, 18))
        self.assertDue(ticket.answer_due, end_of(2026, 8, 20))
        self.assertEqual(ticket.received_at.astimezone(WIB).date(), dt.date(2026, 8, 14))

    def test_a_ticket_received_on_the_eve_of_a_long_holiday(self) -> None:
        # Wed 13 May 16:00; Thu 14 May Ascension, Fri 15 May joint leave, then the weekend.
        # First response (1 WD): Mon 18 May. Consultation (3 WD): 18, 19, 20 → Wed 20 May.
        consultation = receive(wib(2026, 5, 13, 16, 0))
        self.assertDue(consultation.first_response_due, end_of(2026, 5, 18))
        self.assertDue(consultation.answer_due, end_of(2026, 5, 20))
        # KIP (10 WD): 18, 19, 20, 21, 22, 25, 26, 27, 28, 29 → Fri 29 May.
        kip = receive(wib(2026, 5, 13, 16, 0), Category.KIP)
        self.assertDue(kip.answer_due, end_of(2026, 5, 29))

    def test_a_request_recorded_later_counts_from_when_it_came(self) -> None:
        # A letter that arrived Wed 13 May 10:00, recorded by staff on Mon 18 May: the clock
        # runs from the letter's day, so the answer is due Wed 20 May, as above.
        with time_machine.travel(wib(2026, 5, 18, 8, 0), tick=False):
            ticket, _token = services.create_ticket(
                actor=self.p.walidata,
                category=Category.CONSULTATION,
                subject="Surat permintaan data",
                message="Permintaan data melalui surat.",
                requester_name="Pak Darto",
                channel="surat",
                received_at=wib(2026, 5, 13, 10, 0),
            )
        self.assertDue(ticket.first_response_due, end_of(2026, 5, 18))
        self.assertDue(ticket.answer_due, end_of(2026, 5, 20))


class ExtensionTests(ClockTestCase):
    def test_a_kip_answer_is_extended_by_seven_working_days_once(self) -> None:
        # Received Fri 14 Aug evening: answer due Mon 31 Aug (see above).
        # +7 WD: Tue 1, Wed 2, Thu 3, Fri 4, Mon 7, Tue 8, Wed 9 Sep → Wed 9 Sep.
        kip = receive(wib(2026, 8, 14, 19, 30), Category.KIP)
        with time_machine.travel(wib(2026, 8, 26, 10, 0), tick=False):
            services.extend(
                actor=self.p.walidata, ticket=kip, reason="Data dihimpun dari tiga OPD."
            )
        kip.refresh_from_db()
        self.assertDue(kip.answer_due, end_of(2026, 9, 9))
        self.assertDue(kip.first_response_due, end_of(2026, 8, 18))  # not moved
        self.assertEqual(kip.extended_at, wib(2026, 8, 26, 10, 0))
        with (
            time_machine.travel(wib(2026, 9, 7, 10, 0), tick=False),
            self.assertRaises(services.SupportError) as refused,
        ):
            services.extend(actor=self.p.walidata, ticket=kip, reason="Perlu waktu tambahan lagi.")
        self.assertIn("sudah diperpanjang", refused.exception.message)
        kip.refresh_from_db()
        self.assertDue(kip.answer_due, end_of(2026, 9, 9))
        self.assertEqual(kip.extension_reason, "Data dihimpun dari tiga OPD.")

    def test_an_extension_skips_the_holidays_on_its_way(self) -> None:
        # KIP received Mon 3 Aug 09:00: 10 WD = 4, 5, 6, 7, 10, 11, 12, 13, 14, 18 (17 is a
        # holiday) → Tue 18 Aug. +7 WD: 19, 20, 21, 24, 25, 26, 27 → Thu 27 Aug.
        kip = receive(wib(2026, 8, 3, 9, 0), Category.KIP)
        self.assertDue(kip.answer_due, end_of(2026, 8, 18))
        with time_machine.travel(wib(2026, 8, 12, 9, 0), tick=False):
            services.extend(actor=self.p.walidata, ticket=kip, reason="Menunggu data dari OPD.")
        kip.refresh_from_db()
        self.assertDue(kip.answer_due, end_of(2026, 8, 27))


class ObjectionTests(ClockTestCase):
    def test_an_objection_is_decided_within_thirty_working_days(self) -> None:
        kip = receive(wib(2026, 11, 16, 9, 0), Category.KIP)
        with time_machine.travel(wib(2026, 11, 25, 9, 0), tick=False):
            services.answer(
                actor=self.p.walidata,
                ticket=kip,
                body="Informasi dikecualikan.",
                outcome=KipOutcome.REFUSED,
                refusal_reason="17h",
            )
        # Filed Wed 2 Dec 10:00. 30 WD from Thu 3 Dec: Dec 3, 4 (2); 7–11 (7); 14–18 (12);
        # 21, 22, 23 (15) — 24 and 25 Dec are holidays —; 28–31 (19) — 1 Jan holiday —;
        # Jan 4–8 (24); 11–15 (29); Mon 18 Jan (30) → Mon 18 Jan 2027.
        with time_machine.travel(wib(2026, 12, 2, 10, 0), tick=False):
            objection = services.file_objection(
                ticket=kip, reason="a", statement="Saya keberatan atas penolakan ini."
            )
        self.assertDue(objection.due_at, end_of(2027, 1, 18))
        self.assertDue(clocks.objection_due(wib(2026, 12, 2, 10, 0)), end_of(2027, 1, 18))


class PauseTests(ClockTestCase):
    def test_waiting_for_the_requester_moves_the_deadlines_by_the_working_days_waited(
        self,
    ) -> None:
        # Received Mon 3 Aug 09:00: first response Tue 4 Aug, answer (3 WD) Thu 6 Aug.
        ticket = receive(wib(2026, 8, 3, 9, 0))
        with time_machine.travel(wib(2026, 8, 4, 10, 0), tick=False):
            services.reply(
                actor=self.p.walidata, ticket=ticket, body="Untuk tahun berapa?", wait=True
            )
        ticket.refresh_from_db()
        self.assertEqual((ticket.state, ticket.paused_at), (State.WAITING, wib(2026, 8, 4, 10, 0)))
        # Resumed Tue 18 Aug 09:00. Working days waited, after Tue 4 up to Tue 18:
        # 5, 6, 7, 10, 11, 12, 13, 14, 18 (17 is a holiday) = 9.
        # Answer: Thu 6 Aug + 9 WD = 7, 10, 11, 12, 13, 14, 18, 19, 20 → Thu 20 Aug
        # (the two working days left at the pause, Wed and Thu, are now Wed 19 and Thu 20).
        # First response: Tue 4 Aug + 9 WD = 5, 6, 7, 10, 11, 12, 13, 14, 18 → Tue 18 Aug.
        with time_machine.travel(wib(2026, 8, 18, 9, 0), tick=False):
            services.requester_reply(ticket=ticket, body="Tahun 2025, terima kasih.")
        ticket.refresh_from_db()
        self.assertEqual((ticket.state, ticket.paused_at), (State.IN_PROGRESS, None))
        self.assertDue(ticket.answer_due, end_of(2026, 8, 20))
        self.assertDue(ticket.first_response_due, end_of(2026, 8, 18))

    def test_a_pause_resumed_the_same_day_moves_nothing(self) -> None:
        ticket = receive(wib(2026, 8, 3, 9, 0))
        with time_machine.travel(wib(2026, 8, 4, 10, 0), tick=False):
            services.reply(actor=self.p.walidata, ticket=ticket, body="Tahun berapa?", wait=True)
        with time_machine.travel(wib(2026, 8, 4, 15, 0), tick=False):
            services.requester_reply(ticket=ticket, body="Tahun 2025.")
        ticket.refresh_from_db()
        self.assertDue(ticket.answer_due, end_of(2026, 8, 6))

    def test_a_pause_over_a_weekend_and_a_holiday_counts_only_working_days(self) -> None:
        # Received Mon 10 Aug 09:00: answer (3 WD) 11, 12, 13 → Thu 13 Aug.
        # Paused Fri 14 Aug 15:00, resumed by staff Tue 18 Aug 08:00: after Fri 14 up to
        # Tue 18 the working days are only Tue 18 (Sat, Sun, the Mon 17 holiday) = 1.
        # Answer: Thu 13 Aug + 1 WD → Fri 14 Aug.
        ticket = receive(wib(2026, 8, 10, 9, 0))
        with time_machine.travel(wib(2026, 8, 14, 15, 0), tick=False):
            services.reply(actor=self.p.walidata, ticket=ticket, body="Format apa?", wait=True)
        with time_machine.travel(wib(2026, 8, 18, 8, 0), tick=False):
            services.start_work(actor=self.p.walidata, ticket=ticket)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.IN_PROGRESS)
        self.assertDue(ticket.answer_due, end_of(2026, 8, 14))

    def test_a_staff_answer_while_waiting_also_restarts_the_clock(self) -> None:
        # As the first pause test, but the officer answers on Tue 18 Aug without waiting for
        # the requester: the clock is resumed (9 working days) before the answer is recorded.
        ticket = receive(wib(2026, 8, 3, 9, 0))
        with time_machine.travel(wib(2026, 8, 4, 10, 0), tick=False):
            services.reply(actor=self.p.walidata, ticket=ticket, body="Tahun berapa?", wait=True)
        with time_machine.travel(wib(2026, 8, 18, 9, 0), tick=False):
            services.answer(actor=self.p.walidata, ticket=ticket, body="Terlampir data 2025.")
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.ANSWERED)
        self.assertDue(ticket.answer_due, end_of(2026, 8, 20))
        assert ticket.answered_at is not None
        self.assertLessEqual(ticket.answered_at, ticket.answer_due)

    def test_the_clock_helpers_count_working_days_late(self) -> None:
        # Due Thu 13 Aug 23:59. Mon 17 Aug is a holiday: on Tue 18 the ticket is 2 working days
        # late (Fri 14, Tue 18); on Thu 13 itself it is on time.
        due = end_of(2026, 8, 13)
        self.assertEqual(clocks.working_days_late(due, wib(2026, 8, 13, 23, 0)), 0)
        self.assertEqual(clocks.working_days_late(due, wib(2026, 8, 14, 0, 30)), 1)
        self.assertEqual(clocks.working_days_late(due, wib(2026, 8, 18, 9, 0)), 2)
        self.assertEqual(clocks.working_days_late(due, wib(2026, 8, 16, 9, 0)), 1)  # Sunday


class ObjectionWindowTests(ClockTestCase):
    """Pasal 35–36: an objection after the answer, or once the time limit passed without one,
    filed within 30 working days of either.

    KIP request received Mon 16 Nov 2026 09:00: 10 WD from Tue 17 Nov: 17–20 (4), 23–27 (9),
    Mon 30 Nov (10) → answer due Mon 30 Nov 23:59."""

    def setUp(self) -> None:
        self.kip = receive(wib(2026, 11, 16, 9, 0), Category.KIP)

    def refusal(self, at: dt.datetime) -> str:
        self.kip.refresh_from_db()
        return services.objection_refusal(self.kip, at)

    def test_an_unanswered_request_may_be_objected_to_once_its_time_limit_passed(self) -> None:
        self.assertDue(self.kip.answer_due, end_of(2026, 11, 30))
        with (
            time_machine.travel(wib(2026, 11, 30, 10, 0), tick=False),
            self.assertRaises(services.SupportError) as early,
        ):
            services.file_objection(ticket=self.kip, reason="c", statement="Belum dijawab.")
        self.assertIn("30 November 2026", early.exception.message)
        with time_machine.travel(wib(2026, 12, 1, 9, 0), tick=False):
            # Grounds that judge an answer do not fit a request without one.
            with self.assertRaises(services.SupportError) as refused:
                services.file_objection(ticket=self.kip, reason="a", statement="Ditolak.")
            self.assertEqual(refused.exception.field, "reason")
            objection = services.file_objection(
                ticket=self.kip, reason="c", statement="Permohonan saya tidak dijawab."
            )
        # Decided within 30 WD from Wed 2 Dec: 2–4 (3), 7–11 (8), 14–18 (13), 21–23 (16;
        # 24 and 25 Dec are holidays), 28–31 (20; 1 Jan is one), Jan 4–8 (25), 11–15 (30).
        self.assertDue(objection.due_at, end_of(2027, 1, 15))

    def test_the_thirty_working_days_to_object_run_from_the_missed_time_limit(self) -> None:
        # From Mon 30 Nov 23:59, 30 WD from Tue 1 Dec: Dec 1–4 (4), 7–11 (9), 14–18 (14),
        # 21–23 (17), 28–31 (21), Jan 4–8 (26), 11–14 (30) → Thu 14 Jan 2027.
        self.assertEqual(self.refusal(wib(2027, 1, 14, 20, 0)), "")
        late = self.refusal(wib(2027, 1, 15, 8, 0))
        self.assertIn("14 Januari 2027", late)
        self.assertIn("Pasal 36", late)
        with (
            time_machine.travel(wib(2027, 1, 15, 8, 0), tick=False),
            self.assertRaises(services.SupportError),
        ):
            services.file_objection(ticket=self.kip, reason="g", statement="Terlambat.")

    def test_the_thirty_working_days_run_from_the_answer_when_there_is_one(self) -> None:
        with time_machine.travel(wib(2026, 11, 25, 9, 0), tick=False):
            services.answer(
                actor=self.p.walidata,
                ticket=self.kip,
                body="Sebagian informasi dikecualikan.",
                outcome=KipOutcome.PARTLY,
                refusal_reason="17h",
            )
        # From Wed 25 Nov, 30 WD from Thu 26 Nov: 26–27 (2), 30 Nov–4 Dec (7), 7–11 (12),
        # 14–18 (17), 21–23 (20), 28–31 (24), Jan 4–8 (29), Mon 11 Jan (30).
        self.assertEqual(self.refusal(wib(2027, 1, 11, 15, 0)), "")
        self.assertIn("11 Januari 2027", self.refusal(wib(2027, 1, 12, 9, 0)))
        with time_machine.travel(wib(2027, 1, 11, 15, 0), tick=False):
            services.file_objection(ticket=self.kip, reason="a", statement="Sebagian ditolak.")

    def test_a_request_waiting_for_the_requester_has_no_missed_time_limit(self) -> None:
        with time_machine.travel(wib(2026, 11, 17, 9, 0), tick=False):
            services.reply(
                actor=self.p.walidata, ticket=self.kip, body="Dokumen yang mana?", wait=True
            )
        self.assertNotEqual(self.refusal(wib(2026, 12, 10, 9, 0)), "")

    def test_the_requester_objects_to_an_unanswered_request_through_the_link(self) -> None:
        self.kip.refresh_from_db()
        # The token is only e-mailed; the test sets a known one.
        Ticket.objects.filter(pk=self.kip.pk).update(secret_hash=services.token_hash("rahasia"))
        url = reverse("support:follow", args=["rahasia"])
        with time_machine.travel(wib(2026, 11, 27, 9, 0), tick=False):
            page = self.client.get(url)
            self.assertFalse(page.context["can_object"])
            self.assertContains(page, "Senin, 30 November 2026")
            refused = self.client.post(
                reverse("support:objection", args=["rahasia"]),
                {"reason": "c", "statement": "Belum dijawab."},
            )
            self.assertEqual(refused.status_code, 400)
        with time_machine.travel(wib(2026, 12, 1, 9, 0), tick=False):
            page = self.client.get(url)
            self.assertTrue(page.context["can_object"])
            grounds = [
                value for value, _label in page.context["objection_form"].fields["reason"].choices
            ]
            self.assertEqual(grounds, ["c", "g"])
            self.assertContains(page, "Kamis, 14 Januari 2027")
            filed = self.client.post(
                reverse("support:objection", args=["rahasia"]),
                {"reason": "c", "statement": "Permohonan saya tidak dijawab."},
            )
            self.assertEqual(filed.status_code, 302)
        self.assertEqual(self.kip.objections.get().reason, "c")


class PauseAndExtensionTests(ClockTestCase):
    def test_an_extension_and_a_pause_both_move_the_answer(self) -> None:
        # KIP received Mon 3 Aug 09:00: 10 WD from Tue 4: 4–7 (4), 10–14 (9), Tue 18 (10; Mon 17
        # is a holiday) → Tue 18 Aug.
        kip = receive(wib(2026, 8, 3, 9, 0), Category.KIP, purpose="Penelitian")
        self.assertDue(kip.answer_due, end_of(2026, 8, 18))
        with time_machine.travel(wib(2026, 8, 5, 10, 0), tick=False):
            services.reply(
                actor=self.p.walidata, ticket=kip, body="Dokumen tahun berapa?", wait=True
            )
        # Extended while waiting, Thu 6 Aug: +7 WD from Tue 18: 19–21 (3), 24–27 (7) → Thu 27.
        with time_machine.travel(wib(2026, 8, 6, 9, 0), tick=False):
            services.extend(
                actor=self.p.walidata, ticket=kip, reason="Dokumen ada di arsip OPD lain."
            )
        kip.refresh_from_db()
        self.assertDue(kip.answer_due, end_of(2026, 8, 27))
        self.assertEqual(kip.state, State.WAITING)
        # Resumed Mon 10 Aug 09:00: waited after Wed 5 up to Mon 10 = 6, 7, 10 = 3 WD.
        # Thu 27 Aug + 3 WD: 28, 31 Aug, 1 Sep → Tue 1 Sep.
        with time_machine.travel(wib(2026, 8, 10, 9, 0), tick=False):
            services.requester_reply(ticket=kip, body="Tahun 2025.")
        kip.refresh_from_db()
        self.assertDue(kip.answer_due, end_of(2026, 9, 1))
        # Extended once only, paused or not.
        with self.assertRaises(services.SupportError):
            services.extend(actor=self.p.walidata, ticket=kip, reason="Sekali lagi, tidak boleh.")
