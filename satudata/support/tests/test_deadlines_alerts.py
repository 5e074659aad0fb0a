"""Reminders before a ticket's deadline and escalation of a missed one to the Kepala Bidang,
sent once per deadline however often (and by however many workers) the job runs; the e-mails
go through a real SMTP server.

Calendar (no holidays in these tests): Monday 3 August 2026 to Friday 7 August 2026.
``SUPPORT_REMINDER_HOURS`` is 24: a reminder is due from 23:59 WIB the day before a deadline.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TransactionTestCase, override_settings

from satudata.accounts.models import Notification
from satudata.core.models import MailKind, MailStatus, OutgoingMail
from satudata.core.testing import Personas, PersonaTestCase, load_reference_data, make_personas
from satudata.core.tests.conftest import MailServer
from satudata.support import deadlines, services
from satudata.support.models import Category, Ticket, TicketAlert

WIB = ZoneInfo("Asia/Jakarta")
REMINDED = "Tiket %s jatuh tempo"
ESCALATED = "Tiket %s melewati tenggat"


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


def receive(at: dt.datetime, **fields: Any) -> Ticket:
    fields.setdefault("category", Category.CONSULTATION)
    with time_machine.travel(at, tick=False):
        ticket, _token = services.create_ticket(
            actor=None,
            subject="Data posyandu",
            message="Mohon data posyandu per desa.",
            requester_name="Rina Pemohon",
            requester_phone="0812000000",  # no e-mail: only the staff notices are mailed
            channel="telepon",
            **fields,
        )
    return ticket


def smtp_settings(server: MailServer) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=server.host,
        EMAIL_PORT=server.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=4,
        TASKS_BACKEND="immediate",
        SUPPORT_REMINDER_HOURS=24,
    )


def received(server: MailServer) -> list[tuple[list[str], str]]:
    """(recipients, subject) of every message the SMTP server accepted."""
    assert server.inbox is not None
    out = []
    for envelope in server.inbox.envelopes:
        parsed = email.message_from_bytes(
            envelope.original_content or b"",
            policy=email.policy.default,  # type: ignore[arg-type]
        )
        assert isinstance(parsed, EmailMessage)
        out.append((sorted(envelope.rcpt_tos), str(parsed["Subject"])))
    return out


class RealMailMixin:
    smtp: MailServer

    @pytest.fixture(autouse=True)
    def _real_smtp(self, smtp_server: MailServer) -> Iterator[None]:
        self.smtp = smtp_server
        with smtp_settings(smtp_server):
            yield


class ReminderTests(RealMailMixin, PersonaTestCase):
    def run_job(self, at: dt.datetime) -> int:
        with time_machine.travel(at, tick=False), self.captureOnCommitCallbacks(execute=True):
            return deadlines.remind_and_escalate()

    def notices(self, text: str) -> list[tuple[str, str]]:
        return list(
            Notification.objects.filter(title__startswith=text)
            .order_by("id")
            .values_list("user__username", "title")
        )

    def test_it_reminds_the_handler_once_the_day_before_the_first_response_is_due(self) -> None:
        p = self.p
        # Received Mon 3 Aug 09:00: first response due Tue 4 Aug 23:59, answer Thu 6 Aug 23:59.
        ticket = receive(wib(2026, 8, 3, 9, 0), agency=p.agency, assignee=p.producer)
        self.assertEqual(self.run_job(wib(2026, 8, 3, 23, 30)), 0)  # 24 h 29 min before
        self.assertEqual(self.run_job(wib(2026, 8, 4, 0, 30)), 1)  # 23 h 29 min before
        title = f"Tiket {ticket.number} jatuh tempo Selasa, 4 Agustus 2026"
        self.assertEqual(self.notices(REMINDED % ticket.number), [("budi.dinkes", title)])
        # The same half-hour again, the next one, and the afternoon: nothing more.
        for at in (wib(2026, 8, 4, 0, 30), wib(2026, 8, 4, 1, 0), wib(2026, 8, 4, 15, 0)):
            self.assertEqual(self.run_job(at), 0)
        self.assertEqual(len(self.notices(REMINDED % ticket.number)), 1)
        self.assertEqual(
            received(self.smtp), [(["budi.dinkes@contoh.invalid"], f"[Satu Data] {title}")]
        )
        mail = OutgoingMail.objects.get(kind=MailKind.NOTICE)
        self.assertEqual((mail.to, mail.status), (["budi.dinkes@contoh.invalid"], MailStatus.SENT))
        self.assertIn("Selasa, 4 Agustus 2026, pukul 23.59 WIB", mail.body)
        self.assertIn(f"/layanan/tiket/{ticket.pk}/", mail.body)
        self.assertEqual(self.notices(ESCALATED % ticket.number), [])

    def test_a_missed_deadline_goes_to_the_kepala_bidang_once_then_the_answer_clock(self) -> None:
        p = self.p
        ticket = receive(wib(2026, 8, 3, 9, 0), agency=p.agency, assignee=p.producer)
        self.assertEqual(self.run_job(wib(2026, 8, 4, 12, 0)), 1)  # first-response reminder
        self.assertEqual(self.run_job(wib(2026, 8, 4, 23, 58)), 0)  # still on time
        # Wed 5 Aug 00:00: still not acknowledged, the first response is late.
        self.assertEqual(self.run_job(wib(2026, 8, 5, 0, 0)), 1)
        self.assertEqual(self.run_job(wib(2026, 8, 5, 0, 0)), 0)
        self.assertEqual(self.run_job(wib(2026, 8, 5, 0, 30)), 0)
        escalated = f"Tiket {ticket.number} melewati tenggat"
        self.assertEqual(self.notices(ESCALATED % ticket.number), [("hendra.kabid", escalated)])
        with time_machine.travel(wib(2026, 8, 5, 9, 0), tick=False):
            services.acknowledge(actor=p.producer, ticket=ticket)
        # Acknowledged: the answer clock (Thu 6 Aug 23:59) is the only one left.
        self.assertEqual(self.run_job(wib(2026, 8, 5, 12, 0)), 0)
        self.assertEqual(self.run_job(wib(2026, 8, 6, 0, 0)), 1)  # answer reminder
        self.assertEqual(self.run_job(wib(2026, 8, 7, 0, 0)), 1)  # answer escalation
        for at in (wib(2026, 8, 7, 0, 0), wib(2026, 8, 7, 8, 0), wib(2026, 8, 10, 8, 0)):
            self.assertEqual(self.run_job(at), 0)
        self.assertEqual(
            sorted(TicketAlert.objects.values_list("kind", "deadline")),
            [
                ("escalation", wib(2026, 8, 4, 23, 59)),
                ("escalation", wib(2026, 8, 6, 23, 59)),
                ("reminder", wib(2026, 8, 4, 23, 59)),
                ("reminder", wib(2026, 8, 6, 23, 59)),
            ],
        )
        self.assertEqual(
            [u for u, _t in self.notices(f"Tiket {ticket.number}")],
            ["budi.dinkes", "hendra.kabid", "budi.dinkes", "hendra.kabid"],
        )
        subjects = sorted(s for _to, s in received(self.smtp))
        self.assertEqual(
            subjects,
            sorted(
                [
                    f"[Satu Data] {escalated}",
                    f"[Satu Data] {escalated}",
                    f"[Satu Data] Tiket {ticket.number} jatuh tempo Selasa, 4 Agustus 2026",
                    f"[Satu Data] Tiket {ticket.number} jatuh tempo Kamis, 6 Agustus 2026",
                ]
            ),
        )

    def test_a_ticket_waiting_for_the_requester_is_neither_reminded_nor_escalated(self) -> None:
        p = self.p
        ticket = receive(wib(2026, 8, 3, 9, 0))
        with time_machine.travel(wib(2026, 8, 3, 10, 0), tick=False):
            services.reply(actor=p.walidata, ticket=ticket, body="Tahun berapa?", wait=True)
        for day in (4, 5, 6, 7):
            self.assertEqual(self.run_job(wib(2026, 8, day, 12, 0)), 0)
        # Resumed Mon 10 Aug: waited Tue 4 … Mon 10 = 5 working days, so the answer moves from
        # Thu 6 Aug to Thu 13 Aug (7, 10, 11, 12, 13) and is reminded on Wed 12 / Thu 13.
        with time_machine.travel(wib(2026, 8, 10, 9, 0), tick=False):
            services.requester_reply(ticket=ticket, body="Tahun 2025.")
        self.assertEqual(self.run_job(wib(2026, 8, 11, 12, 0)), 0)
        self.assertEqual(self.run_job(wib(2026, 8, 13, 0, 0)), 1)
        alert = TicketAlert.objects.get()
        self.assertEqual((alert.kind, alert.deadline), ("reminder", wib(2026, 8, 13, 23, 59)))
        # Unassigned and without an agency: the Walidata staff are reminded.
        self.assertEqual([u for u, _t in self.notices(REMINDED % ticket.number)], ["rina.walidata"])

    def test_an_extended_deadline_is_reminded_again(self) -> None:
        p = self.p
        ticket = receive(wib(2026, 8, 3, 9, 0), assignee=p.walidata)
        with time_machine.travel(wib(2026, 8, 3, 10, 0), tick=False):
            services.acknowledge(actor=p.walidata, ticket=ticket)
        self.assertEqual(self.run_job(wib(2026, 8, 6, 8, 0)), 1)  # answer due Thu 6 Aug
        with time_machine.travel(wib(2026, 8, 6, 9, 0), tick=False):
            services.extend(actor=p.walidata, ticket=ticket, reason="Data dari OPD belum ada.")
        # A consultation is extended by 3 working days: Thu 6 → Tue 11 Aug.
        self.assertEqual(self.run_job(wib(2026, 8, 7, 12, 0)), 0)  # old deadline not escalated
        self.assertEqual(self.run_job(wib(2026, 8, 11, 0, 0)), 1)
        self.assertEqual(self.run_job(wib(2026, 8, 11, 0, 30)), 0)
        self.assertEqual(
            sorted(TicketAlert.objects.values_list("kind", "deadline")),
            [("reminder", wib(2026, 8, 6, 23, 59)), ("reminder", wib(2026, 8, 11, 23, 59))],
        )

    def test_a_closed_ticket_is_never_escalated(self) -> None:
        p = self.p
        ticket = receive(wib(2026, 8, 3, 9, 0))
        with time_machine.travel(wib(2026, 8, 3, 11, 0), tick=False):
            services.answer(actor=p.walidata, ticket=ticket, body="Terlampir.")
            services.close(actor=p.walidata, ticket=ticket)
        self.assertEqual(self.run_job(wib(2026, 8, 20, 8, 0)), 0)
        self.assertFalse(TicketAlert.objects.exists())

    def test_an_objection_is_reminded_to_the_kepala_dinas_then_escalated_once(self) -> None:
        p = self.p
        ticket = receive(wib(2026, 8, 3, 9, 0), category=Category.KIP, purpose="Penelitian.")
        with time_machine.travel(wib(2026, 8, 3, 11, 0), tick=False):
            services.answer(
                actor=p.walidata,
                ticket=ticket,
                body="Ditolak.",
                outcome="refused",
                refusal_reason="17h",
            )
            objection = services.file_objection(
                ticket=ticket, reason="a", statement="Saya keberatan."
            )
        due = objection.due_at.astimezone(WIB)
        # 30 working days after Mon 3 Aug (no holidays here): 20 in August, 10 to Mon 14 Sep.
        self.assertEqual(due, wib(2026, 9, 14, 23, 59))
        self.assertEqual(self.run_job(wib(2026, 9, 13, 23, 0)), 0)  # 24 h 59 min before
        self.assertEqual(self.run_job(wib(2026, 9, 14, 8, 0)), 1)
        self.assertEqual(self.run_job(wib(2026, 9, 14, 9, 0)), 0)
        reminded = Notification.objects.filter(title__contains="diputuskan").values_list(
            "user__username", flat=True
        )
        self.assertEqual(list(reminded), ["sri.kadis"])
        self.assertEqual(self.run_job(wib(2026, 9, 15, 0, 30)), 1)  # missed: escalated
        self.assertEqual(self.run_job(wib(2026, 9, 16, 0, 30)), 0)
        late = Notification.objects.filter(title__contains="belum diputuskan")
        self.assertEqual(
            sorted(late.values_list("user__username", flat=True)), ["hendra.kabid", "sri.kadis"]
        )
        self.assertEqual(
            set(late.values_list("url", flat=True)), {f"/layanan/keberatan/{objection.pk}/"}
        )
        # A decided objection is left alone.
        with time_machine.travel(wib(2026, 9, 16, 9, 0), tick=False):
            services.decide_objection(
                actor=p.kepala_dinas, objection=objection, decision="dismissed", note="Tetap."
            )
        self.assertEqual(self.run_job(wib(2026, 12, 1, 9, 0)), 0)


class TwoWorkersTests(RealMailMixin, TransactionTestCase):
    """Two scheduler workers run the job at the same moment, on separate connections with real
    commits: the unique alert row lets exactly one of them send each alert."""

    p: Personas

    def setUp(self) -> None:
        load_reference_data()
        self.p = make_personas()

    def test_two_workers_at_once_send_each_alert_exactly_once(self) -> None:
        p = self.p
        # Mon 3 Aug 09:00: first response due Tue 4 Aug (missed by Wed 5 Aug 00:30).
        late = receive(wib(2026, 8, 3, 9, 0), agency=p.agency)
        # Tue 4 Aug 09:00: first response due Wed 5 Aug 23:59 (reminded at Wed 5 Aug 00:30).
        soon = receive(wib(2026, 8, 4, 9, 0), agency=p.agency)
        at = wib(2026, 8, 5, 0, 30)
        real_send_once = deadlines.send_once
        gate = threading.Barrier(2, timeout=15)
        waited = threading.local()

        def racing_send_once(*args: Any) -> bool:
            # Both workers have read the alerts due before either writes one: the race that
            # only the unique constraint can settle.
            if not getattr(waited, "done", False):
                waited.done = True
                gate.wait()
            return real_send_once(*args)

        results: list[int] = []
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                results.append(deadlines.remind_and_escalate(at))
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        with mock.patch.object(deadlines, "send_once", racing_send_once):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(sum(results), 2, results)
        self.assertEqual(
            sorted(TicketAlert.objects.values_list("ticket__number", "kind")),
            sorted([(late.number, "escalation"), (soon.number, "reminder")]),
        )
        # Producers of the agency get the reminder, the Kepala Bidang the escalation; once each.
        self.assertEqual(
            sorted(Notification.objects.values_list("user__username", "title")),
            [
                ("budi.dinkes", f"Tiket {soon.number} jatuh tempo Rabu, 5 Agustus 2026"),
                ("hendra.kabid", f"Tiket {late.number} melewati tenggat"),
            ],
        )
        self.assertEqual(
            sorted(received(self.smtp)),
            [
                (
                    ["budi.dinkes@contoh.invalid"],
                    f"[Satu Data] Tiket {soon.number} jatuh tempo Rabu, 5 Agustus 2026",
                ),
                (
                    ["hendra.kabid@contoh.invalid"],
                    f"[Satu Data] Tiket {late.number} melewati tenggat",
                ),
            ],
        )
        # And once more in sequence, as the next half-hour's run: nothing new.
        self.assertEqual(deadlines.remind_and_escalate(at + dt.timedelta(minutes=30)), 0)
        self.assertEqual(TicketAlert.objects.count(), 2)
