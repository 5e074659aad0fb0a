"""The staff desk's pages: its views and filters list the right tickets, a producer sees its
agency's only, the ticket page shows its steps, two officers answering at once lose nothing,
bad input is a clear form error (never a 500), and a closed ticket takes no requester reply.

The desk is read at Wednesday 5 August 2026, 10:00 WIB (no holidays in the calendar). Every
ticket is a consultation: first response 1 working day, answer 3 working days.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test import Client, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from satudata.core.models import AuditEvent
from satudata.core.testing import Personas, PersonaTestCase, load_reference_data, make_personas
from satudata.support import services
from satudata.support.models import Category, MessageKind, State, Ticket

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 8, 5, 10, 0, tzinfo=WIB)  # Wednesday
NUMBER = re.compile(r"LYN-\d{4}-\d{5}")
STALE = "Tiket berubah sejak Anda membukanya"
Response = Any  # the test client's response (django-stubs names it privately)


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


def receive(at: dt.datetime, **fields: Any) -> tuple[Ticket, str]:
    with time_machine.travel(at, tick=False):
        return services.create_ticket(
            actor=None,
            category=Category.CONSULTATION,
            subject=fields.pop("subject", "Data posyandu"),
            message="Mohon data posyandu per desa.",
            requester_name="Rina Pemohon",
            requester_email="rina@example.org",
            **fields,
        )


def listed(response: Response) -> set[str]:
    """The ticket numbers on a desk page."""
    return set(NUMBER.findall(response.content.decode()))


def step(ticket: Ticket, action: str) -> str:
    return reverse("support:ticket_action", args=[ticket.pk, action])


class DeskFilterTests(PersonaTestCase):
    """Seven tickets, each in one place of the desk (hand-counted due dates):

    * overdue_first — received Mon 3 Aug, not acknowledged: first response due Tue 4 Aug;
    * overdue_answer — received Mon 27 Jul, acknowledged: answer due Thu 30 Jul (28, 29, 30);
    * today_first — received Tue 4 Aug: first response due Wed 5 Aug (today);
    * today_answer — received Fri 31 Jul, acknowledged: answer due Wed 5 Aug (3, 4, 5);
    * waiting — received Mon 27 Jul, waiting since that day: its answer (Thu 30 Jul) is late
      but the clock stands still, so it is only under "waiting";
    * later — received Wed 5 Aug 08:00: first response due Thu 6 Aug;
    * closed — answered and closed: on no view.
    """

    t: dict[str, Ticket]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        t: dict[str, Ticket] = {}
        t["overdue_first"], _ = receive(wib(2026, 8, 3, 9), agency=p.agency)
        t["overdue_answer"], _ = receive(wib(2026, 7, 27, 9), agency=p.agency, assignee=p.walidata)
        t["today_first"], _ = receive(wib(2026, 8, 4, 9), agency=p.other_agency)
        t["today_answer"], _ = receive(wib(2026, 7, 31, 9), assignee=p.producer)
        t["waiting"], _ = receive(wib(2026, 7, 27, 9), agency=p.agency)
        t["later"], _ = receive(
            wib(2026, 8, 5, 8), agency=p.other_agency, assignee=p.other_producer
        )
        t["closed"], _ = receive(wib(2026, 7, 27, 9), agency=p.agency)
        with time_machine.travel(wib(2026, 7, 27, 10), tick=False):
            services.acknowledge(actor=p.walidata, ticket=t["overdue_answer"])
            services.reply(actor=p.walidata, ticket=t["waiting"], body="Tahun berapa?", wait=True)
            services.answer(actor=p.walidata, ticket=t["closed"], body="Terlampir.")
            services.close(actor=p.walidata, ticket=t["closed"])
        with time_machine.travel(wib(2026, 7, 31, 10), tick=False):
            services.acknowledge(actor=p.walidata, ticket=t["today_answer"])
        cls.t = t

    def setUp(self) -> None:
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def numbers(self, *names: str) -> set[str]:
        return {self.t[name].number for name in names}

    def desk(self, user: Any, **params: Any) -> Response:
        self.client.force_login(user)
        response = self.client.get(reverse("support:desk"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_dates_are_as_counted_by_hand(self) -> None:
        t = dict(self.t)
        for ticket in t.values():
            ticket.refresh_from_db()
        self.assertEqual(t["overdue_first"].first_response_due, wib(2026, 8, 4, 23, 59))
        self.assertEqual(t["overdue_answer"].answer_due, wib(2026, 7, 30, 23, 59))
        self.assertEqual(t["today_first"].first_response_due, wib(2026, 8, 5, 23, 59))
        self.assertEqual(t["today_answer"].answer_due, wib(2026, 8, 5, 23, 59))
        self.assertEqual(t["waiting"].state, State.WAITING)

    def test_each_view_lists_its_tickets(self) -> None:
        w = self.p.walidata
        self.assertEqual(
            listed(self.desk(w)),
            self.numbers(
                "overdue_first", "overdue_answer", "today_first", "today_answer", "waiting", "later"
            ),
        )
        self.assertEqual(
            listed(self.desk(w, tampil="today")), self.numbers("today_first", "today_answer")
        )
        self.assertEqual(
            listed(self.desk(w, tampil="overdue")), self.numbers("overdue_first", "overdue_answer")
        )
        self.assertEqual(listed(self.desk(w, tampil="waiting")), self.numbers("waiting"))

    def test_the_rows_say_how_late_or_due_they_are(self) -> None:
        overdue = self.desk(self.p.walidata, tampil="overdue").content.decode()
        # Answer due Thu 30 Jul: late Fri 31, Mon 3, Tue 4, Wed 5 = 4 working days.
        self.assertIn("4 hari kerja terlambat", overdue)
        # First response due Tue 4 Aug: late Wed 5 = 1 working day.
        self.assertIn("1 hari kerja terlambat", overdue)
        self.assertIn("2 permintaan terbuka", overdue)
        today = self.desk(self.p.walidata, tampil="today").content.decode()
        self.assertEqual(today.count("jatuh tempo hari ini"), 2)

    def test_the_person_and_agency_filters(self) -> None:
        p, w = self.p, self.p.walidata
        self.assertEqual(listed(self.desk(w, petugas=p.producer.pk)), self.numbers("today_answer"))
        self.assertEqual(
            listed(self.desk(w, petugas=p.walidata.pk)), self.numbers("overdue_answer")
        )
        self.assertEqual(
            listed(self.desk(w, opd=p.agency.pk)),
            self.numbers("overdue_first", "overdue_answer", "waiting"),
        )
        self.assertEqual(
            listed(self.desk(w, opd=p.agency.pk, tampil="overdue")),
            self.numbers("overdue_first", "overdue_answer"),
        )
        self.assertEqual(listed(self.desk(w, opd=p.other_agency.pk, tampil="waiting")), set())
        chosen = self.desk(w, opd=p.agency.pk).content.decode()
        self.assertIn(f'<option value="{p.agency.pk}" selected>', chosen)

    def test_the_summaries_count_open_and_overdue_per_person_and_agency(self) -> None:
        p = self.p
        response = self.desk(p.walidata)
        per_person = {r["assignee"]: (r["n"], r["late"]) for r in response.context["per_person"]}
        self.assertEqual(
            per_person,
            {
                None: (3, 1),  # overdue_first (late), today_first, waiting (paused)
                p.walidata.pk: (1, 1),  # overdue_answer
                p.producer.pk: (1, 0),  # today_answer
                p.other_producer.pk: (1, 0),  # later
            },
        )
        per_agency = {r["agency"]: (r["n"], r["late"]) for r in response.context["per_agency"]}
        self.assertEqual(
            per_agency,
            {p.agency.pk: (3, 2), p.other_agency.pk: (2, 0), None: (1, 0)},
        )
        names = {r["agency"]: r["agency__name"] for r in response.context["per_agency"]}
        self.assertEqual(names[p.agency.pk], "Dinas Kesehatan")

    def test_a_producer_sees_its_agency_and_its_own_tickets_only(self) -> None:
        p = self.p
        self.assertEqual(
            listed(self.desk(p.producer)),
            self.numbers("overdue_first", "overdue_answer", "waiting", "today_answer"),
        )
        self.assertEqual(
            listed(self.desk(p.producer, tampil="overdue")),
            self.numbers("overdue_first", "overdue_answer"),
        )
        self.assertEqual(
            listed(self.desk(p.producer, tampil="today")), self.numbers("today_answer")
        )
        # Asking for another agency's tickets gives nothing, not that agency's list.
        self.assertEqual(listed(self.desk(p.producer, opd=p.other_agency.pk)), set())
        per_agency = self.desk(p.producer).context["per_agency"]
        self.assertEqual({r["agency"] for r in per_agency}, {p.agency.pk, None})
        self.assertEqual(
            self.client.get(reverse("support:ticket", args=[self.t["later"].pk])).status_code,
            403,
        )
        self.assertEqual(listed(self.desk(p.other_producer)), self.numbers("today_first", "later"))

    def test_the_desk_reads_the_same_number_of_queries_for_more_tickets(self) -> None:
        self.client.force_login(self.p.walidata)
        url = reverse("support:desk")
        with CaptureQueriesContext(connection) as before:
            self.client.get(url, {"tampil": "overdue"})
        for day in (20, 21, 22, 23, 24):
            receive(wib(2026, 7, day, 9), agency=self.p.agency, assignee=self.p.producer)
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(url, {"tampil": "overdue"})
        self.assertEqual(len(listed(response)), 7)
        self.assertEqual(len(after), len(before))

    def test_bad_filter_values_never_fail_the_page(self) -> None:
        for params in (
            {"petugas": "<script>alert(1)</script>"},
            {"opd": "999999"},
            {"tampil": "semua"},
            {"halaman": "<script>"},
            {"halaman": "99999"},
            {"q": "<script>alert(1)</script>"},
            {"q": "x" * 5000},
        ):
            with self.subTest(params=params):
                response = self.desk(self.p.walidata, **params)
                self.assertNotIn(b"<script>alert(1)</script>", response.content)
        # A bad filter is an error on the form; the view asked for still applies.
        response = self.desk(self.p.walidata, tampil="overdue", petugas="999999")
        self.assertEqual(listed(response), self.numbers("overdue_first", "overdue_answer"))
        self.assertIn("petugas", response.context["form"].errors)
        self.assertContains(response, 'class="errorlist')


class TicketPageTests(PersonaTestCase):
    def test_the_ticket_page_shows_its_steps_in_order(self) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9), agency=p.agency)
        with time_machine.travel(wib(2026, 8, 3, 10), tick=False):
            services.acknowledge(actor=p.producer, ticket=ticket)
        with time_machine.travel(wib(2026, 8, 3, 11), tick=False):
            services.reply(actor=p.producer, ticket=ticket, body="Untuk tahun berapa?", wait=True)
        with time_machine.travel(wib(2026, 8, 4, 8), tick=False):
            services.requester_reply(ticket=ticket, body="Tahun 2025 saja.")
        self.client.force_login(p.producer)
        page = self.client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        history = page[page.index("Riwayat") :]
        order = [
            "Permintaan diterima",
            "Permintaan ditanggapi",
            "Balas pemohon",
            "Pemohon membalas",
        ]
        positions = [history.index(label) for label in order]
        self.assertEqual(positions, sorted(positions))
        conversation = page[page.index('id="h-conversation"') :]
        said = ["Mohon data posyandu per desa.", "Untuk tahun berapa?", "Tahun 2025 saja."]
        positions = [conversation.index(text) for text in said]
        self.assertEqual(positions, sorted(positions))
        # The steps open to the producer in this state, each a form with ids of its own; those
        # the state refuses (acknowledged already, not answered yet) are not offered.
        for action in ("reply", "note", "extend", "answer"):
            self.assertIn(f'action="{step(ticket, action)}"', page)
        # Assigning and merging are the help desk staff's (the service refuses a producer).
        for action in ("acknowledge", "start", "close", "assign", "merge"):
            self.assertNotIn(f'action="{step(ticket, action)}"', page)
        self.client.force_login(p.walidata)
        staff_page = self.client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        for action in ("assign", "merge"):
            self.assertIn(f'action="{step(ticket, action)}"', staff_page)
        self.client.force_login(p.producer)
        ids = re.findall(r' id="([^"]+)"', page)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn('<label for="answer-body">', page)
        self.assertIn("Tangani permintaan", page)
        self.assertIn("rina@example.org", page)

    def test_an_answered_ticket_is_closed_from_its_page_and_then_shows_no_step_forms(
        self,
    ) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9))
        services.answer(actor=p.walidata, ticket=ticket, body="Terlampir.")
        self.client.force_login(p.walidata)
        page = self.client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        self.assertIn(f'action="{step(ticket, "close")}"', page)
        self.assertNotIn(f'action="{step(ticket, "answer")}"', page)
        version = re.search(r'name="version" value="([^"]+)" id="close-version"', page)
        assert version is not None
        closed = self.client.post(step(ticket, "close"), {"version": version.group(1), "note": ""})
        self.assertEqual(closed.status_code, 302)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.CLOSED)
        self.client.force_login(p.walidata)
        page = self.client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        self.assertNotIn(f'action="{step(ticket, "answer")}"', page)
        self.assertIn("Permintaan ditutup", page)


class StaleFormTests(PersonaTestCase):
    def open_form(self, user: Any, ticket: Ticket) -> str:
        """Open the ticket page as ``user`` and read the version its forms carry."""
        client = Client()
        client.force_login(user)
        page = client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        match = re.search(r'name="version" value="([^"]+)"', page)
        assert match is not None
        return match.group(1)

    def test_the_second_officer_is_refused_in_indonesian_and_keeps_the_typed_reply(self) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9))
        first_version = self.open_form(p.walidata, ticket)
        second_version = self.open_form(p.kepala_bidang, ticket)
        self.assertEqual(first_version, second_version)

        first = Client()
        first.force_login(p.walidata)
        sent = first.post(step(ticket, "reply"), {"version": first_version, "body": "Balasan A."})
        self.assertEqual(sent.status_code, 302)

        second = Client()
        second.force_login(p.kepala_bidang)
        refused = second.post(
            step(ticket, "reply"), {"version": second_version, "body": "Balasan B, rinci."}
        )
        self.assertEqual(refused.status_code, 409)
        page = refused.content.decode()
        self.assertIn(STALE, page)
        self.assertIn("Balasan A.", page)  # what changed is on the page
        self.assertIn("Balasan B, rinci.", page)  # and the typed reply is still in the form
        fresh = re.search(
            r'action="{}".*?name="version" value="([^"]+)"'.format(
                re.escape(step(ticket, "reply"))
            ),
            page,
            re.S,
        )
        assert fresh is not None
        self.assertNotEqual(fresh.group(1), second_version)
        # Sent again with the current version, the second reply is kept beside the first.
        again = second.post(
            step(ticket, "reply"), {"version": fresh.group(1), "body": "Balasan B."}
        )
        self.assertEqual(again.status_code, 302)
        replies = list(
            ticket.messages.filter(kind=MessageKind.REPLY).values_list("body", "author__username")
        )
        self.assertEqual(replies, [("Balasan A.", "rina.walidata"), ("Balasan B.", "hendra.kabid")])
        audited = AuditEvent.objects.for_object(ticket).filter(action="support.ticket_replied")
        self.assertEqual(audited.count(), 2)

    def test_a_stale_answer_is_refused_and_the_first_answer_stands(self) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9))
        version = self.open_form(p.walidata, ticket)
        self.client.force_login(p.walidata)
        self.client.post(step(ticket, "answer"), {"version": version, "body": "Jawaban A."})
        self.client.force_login(p.kepala_bidang)
        refused = self.client.post(
            step(ticket, "answer"), {"version": version, "body": "Jawaban B."}
        )
        self.assertContains(refused, STALE, status_code=409)
        # The answer forms are gone (the ticket is answered): the typed text is in the error.
        self.assertNotContains(refused, f'action="{step(ticket, "answer")}"', status_code=409)
        self.assertContains(refused, "Jawaban B.", status_code=409)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.ANSWERED)
        answers = AuditEvent.objects.for_object(ticket).filter(action="support.ticket_answered")
        self.assertEqual(answers.count(), 1)
        self.assertEqual(
            list(ticket.messages.filter(kind=MessageKind.REPLY).values_list("body", flat=True)),
            ["Jawaban A."],
        )

    def test_an_internal_note_is_never_stale(self) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9))
        version = self.open_form(p.walidata, ticket)
        services.reply(actor=p.kepala_bidang, ticket=ticket, body="Sedang diproses.")
        self.client.force_login(p.walidata)
        noted = self.client.post(step(ticket, "note"), {"version": version, "body": "Cek BPS."})
        self.assertEqual(noted.status_code, 302)
        self.assertTrue(ticket.messages.filter(kind=MessageKind.NOTE, body="Cek BPS.").exists())


class BadInputTests(PersonaTestCase):
    def setUp(self) -> None:
        self.ticket, self.token = receive(wib(2026, 8, 3, 9))
        self.client.force_login(self.p.walidata)

    def post(self, action: str, **data: Any) -> HttpResponse:
        self.ticket.refresh_from_db()
        data.setdefault("version", self.ticket.updated_at.isoformat())
        response = self.client.post(step(self.ticket, action), data)
        assert isinstance(response, HttpResponse)
        return response

    def test_empty_huge_and_null_messages_are_form_errors(self) -> None:
        cases = [
            ("reply", "", "Tulis pesan; pesan tidak boleh kosong."),
            ("reply", "   \n  ", "Tulis pesan; pesan tidak boleh kosong."),
            ("answer", "", "Bidang ini tidak boleh kosong."),
            ("note", "", "Bidang ini tidak boleh kosong."),
            ("reply", "x" * (services.MAX_MESSAGE + 1), "paling banyak 20000 karakter"),
            ("answer", "y" * 1_000_000, "paling banyak 20000 karakter"),
        ]
        for action, body, error in cases:
            with self.subTest(action=action, body=body[:20]):
                response = self.post(action, body=body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(error, response.content.decode())
        # A NUL character is refused before any view (PostgreSQL cannot store it).
        nul = self.post("reply", body="data\x00posyandu")
        self.assertContains(nul, "Permintaan tidak dapat dipahami", status_code=400)
        self.assertEqual(self.ticket.messages.count(), 1)  # only the request
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.state, State.RECEIVED)

    def test_script_in_a_message_is_kept_as_text_and_shown_escaped(self) -> None:
        script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        self.assertEqual(self.post("reply", body=script).status_code, 302)
        self.assertTrue(self.ticket.messages.filter(body=script).exists())
        page = self.client.get(reverse("support:ticket", args=[self.ticket.pk]))
        self.assertNotIn(script.encode(), page.content)
        self.assertContains(page, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
        follow = Client().get(reverse("support:follow", args=[self.token]))
        self.assertNotIn(script.encode(), follow.content)

    def test_script_and_junk_in_other_fields_are_form_errors(self) -> None:
        merged = self.post("merge", into="<script>alert(1)</script>")
        self.assertEqual(merged.status_code, 400)
        self.assertContains(merged, "&lt;script&gt;alert(1)&lt;/script&gt;", status_code=400)
        self.assertNotIn(b"<script>alert(1)</script>", merged.content)
        assigned = self.post("assign", assignee="<script>", agency="x")
        self.assertEqual(assigned.status_code, 400)
        extended = self.post("extend", reason="")
        self.assertEqual(extended.status_code, 400)
        short = self.post("extend", reason="singkat")
        self.assertContains(short, "Tulis alasan perpanjangan", status_code=400)
        self.ticket.refresh_from_db()
        self.assertIsNone(self.ticket.extended_at)
        self.assertIsNone(self.ticket.merged_into_id)

    def test_an_unknown_step_is_a_404_not_a_500(self) -> None:
        self.assertEqual(self.post("hapus", body="x").status_code, 404)


class RequesterReplyTests(PersonaTestCase):
    def test_a_reply_to_a_closed_ticket_is_refused_clearly(self) -> None:
        p = self.p
        ticket, token = receive(wib(2026, 8, 3, 9))
        services.answer(actor=p.walidata, ticket=ticket, body="Terlampir.")
        services.close(actor=p.walidata, ticket=ticket)
        url = reverse("support:follow", args=[token])
        shown = Client().get(url)
        self.assertContains(shown, "Permintaan ini sudah ditutup dan tidak menerima balasan lagi")
        refused = Client().post(url, {"body": "Masih ada pertanyaan."})
        self.assertEqual(refused.status_code, 409)
        self.assertContains(
            refused, "Permintaan ini sudah ditutup dan tidak menerima balasan lagi", status_code=409
        )
        self.assertFalse(ticket.messages.filter(kind=MessageKind.REQUESTER).exists())
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.CLOSED)

    def test_a_reply_to_an_answered_ticket_reopens_it(self) -> None:
        p = self.p
        ticket, token = receive(wib(2026, 8, 3, 9))
        services.answer(actor=p.walidata, ticket=ticket, body="Terlampir.")
        posted = Client().post(
            reverse("support:follow", args=[token]), {"body": "Datanya kurang satu desa."}
        )
        self.assertEqual(posted.status_code, 302)
        ticket.refresh_from_db()
        self.assertEqual((ticket.state, ticket.answered_at), (State.IN_PROGRESS, None))


class TwoOfficersAtOnceTests(TransactionTestCase):
    """Two officers press "Answer" at the same moment, on separate connections: one answer is
    recorded, the other officer gets the Indonesian refusal."""

    p: Personas

    def setUp(self) -> None:
        load_reference_data()
        self.p = make_personas()

    def test_one_answer_wins_and_the_other_is_told(self) -> None:
        p = self.p
        ticket, _token = receive(wib(2026, 8, 3, 9))
        version = ticket.updated_at.isoformat()
        gate = threading.Barrier(2, timeout=15)
        results: dict[str, tuple[int, str]] = {}
        errors: list[BaseException] = []

        def officer(user: Any, body: str) -> None:
            try:
                client = Client()
                client.force_login(user)
                gate.wait()
                response = client.post(step(ticket, "answer"), {"version": version, "body": body})
                results[body] = (response.status_code, response.content.decode())
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=officer, args=(p.walidata, "Jawaban A.")),
            threading.Thread(target=officer, args=(p.kepala_bidang, "Jawaban B.")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(code for code, _page in results.values()), [302, 409])
        [loser] = [body for body, (code, _page) in results.items() if code == 409]
        [winner] = [body for body, (code, _page) in results.items() if code == 302]
        self.assertIn(STALE, results[loser][1])
        self.assertIn(loser, results[loser][1])  # the typed answer is still in the form
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.ANSWERED)
        self.assertEqual(
            list(ticket.messages.filter(kind=MessageKind.REPLY).values_list("body", flat=True)),
            [winner],
        )
        self.assertEqual(
            AuditEvent.objects.for_object(ticket).filter(action="support.ticket_answered").count(),
            1,
        )


class CannedReplyTests(PersonaTestCase):
    def test_staff_keep_canned_replies_and_one_fills_an_empty_reply(self) -> None:
        from satudata.support.models import CannedReply

        p = self.p
        self.client.force_login(p.walidata)
        saved = self.client.post(
            reverse("support:canned"),
            {
                "title": "Data ada di katalog",
                "category": "konsultasi",
                "body": "Data yang Anda cari ada di katalog; tautannya kami kirim.",
                "is_active": "on",
            },
        )
        self.assertEqual(saved.status_code, 302)
        canned = CannedReply.objects.get()
        self.assertTrue(
            AuditEvent.objects.for_object(canned).filter(action="support.canned_saved").exists()
        )
        edited = self.client.post(
            reverse("support:canned"),
            {
                "pk": canned.pk,
                "title": "Data ada di katalog",
                "category": "konsultasi",
                "body": "Data yang Anda cari ada di katalog portal.",
                "is_active": "on",
            },
        )
        self.assertEqual(edited.status_code, 302)
        canned.refresh_from_db()
        self.assertEqual(canned.body, "Data yang Anda cari ada di katalog portal.")
        retired = CannedReply.objects.create(title="Lama", body="Tidak dipakai.", is_active=False)

        ticket, _token = receive(wib(2026, 8, 3, 9))
        page = self.client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
        self.assertIn("Data ada di katalog", page)
        self.assertNotIn(f'<option value="{retired.pk}">Lama</option>', page)
        ticket.refresh_from_db()
        sent = self.client.post(
            step(ticket, "reply"),
            {"version": ticket.updated_at.isoformat(), "canned": canned.pk, "body": ""},
        )
        self.assertEqual(sent.status_code, 302)
        reply = ticket.messages.get(kind=MessageKind.REPLY)
        self.assertEqual(reply.body, "Data yang Anda cari ada di katalog portal.")
        # A retired one cannot be chosen, and a producer cannot edit the list.
        ticket.refresh_from_db()
        refused = self.client.post(
            step(ticket, "reply"),
            {"version": ticket.updated_at.isoformat(), "canned": retired.pk, "body": ""},
        )
        self.assertEqual(refused.status_code, 400)
        self.client.force_login(p.producer)
        self.assertEqual(self.client.get(reverse("support:canned")).status_code, 403)
