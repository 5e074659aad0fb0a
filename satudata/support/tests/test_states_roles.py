"""The ticket state machine per role and per state: who may take each step, and which steps
each state refuses; a stale form is refused on the desk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.support import services
from satudata.support.models import Category, KipOutcome, ObjectionDecision, State, Ticket


def _ticket(category: str = Category.CONSULTATION, **fields: Any) -> Ticket:
    ticket, _token = services.create_ticket(
        actor=None,
        category=category,
        subject="Data posyandu",
        message="Mohon data posyandu per desa.",
        requester_name="Rina Pemohon",
        requester_email="rina@example.org",
        **fields,
    )
    return ticket


STEPS: dict[str, Callable[[Any, Ticket], Any]] = {
    "acknowledge": lambda u, t: services.acknowledge(actor=u, ticket=t),
    "start": lambda u, t: services.start_work(actor=u, ticket=t),
    "reply": lambda u, t: services.reply(actor=u, ticket=t, body="Sedang kami periksa."),
    "note": lambda u, t: services.add_note(actor=u, ticket=t, body="Catatan."),
    "extend": lambda u, t: services.extend(actor=u, ticket=t, reason="Data dihimpun dari OPD."),
    "answer": lambda u, t: services.answer(actor=u, ticket=t, body="Terlampir."),
    "wait": lambda u, t: services.reply(actor=u, ticket=t, body="Tahun berapa?", wait=True),
    "close": lambda u, t: services.close(actor=u, ticket=t),  # on an answered ticket
}


class RolesTests(PersonaTestCase):
    def test_each_step_per_role(self) -> None:
        p = self.p
        allowed = {"walidata": p.walidata, "kepala_bidang": p.kepala_bidang, "admin": p.admin}
        refused: dict[str, Any] = {
            "other_producer": p.other_producer,
            "pembina": p.pembina,
            "kepala_dinas": p.kepala_dinas,
            "anonymous": None,
        }

        def ready(step: str, **fields: Any) -> Ticket:
            """A ticket in the state the step needs: closing needs an answer."""
            ticket = _ticket(**fields)
            if step == "close":
                services.answer(actor=p.walidata, ticket=ticket, body="Terlampir.")
            return ticket

        for step, run in STEPS.items():
            for name, user in allowed.items():
                with self.subTest(step=step, role=name):
                    run(user, ready(step))
            for name, user in refused.items():
                with self.subTest(step=step, role=name), self.assertRaises(PermissionDenied):
                    run(user, ready(step, agency=p.agency))
            with self.subTest(step=step, role="producer of the agency"):
                run(p.producer, ready(step, agency=p.agency))
            with (
                self.subTest(step=step, role="producer of another agency"),
                self.assertRaises(PermissionDenied),
            ):
                run(p.producer, ready(step, agency=p.other_agency))

    def test_the_kepala_bidang_and_the_administrator_assign_and_merge(self) -> None:
        p = self.p
        for user in (p.kepala_bidang, p.admin):
            with self.subTest(user=user.username):
                ticket, other = _ticket(), _ticket()
                services.assign(actor=user, ticket=ticket, agency=p.agency)
                services.merge(actor=user, ticket=other, into=ticket)
                other.refresh_from_db()
                self.assertEqual(other.merged_into, ticket)

    def test_only_staff_assign_and_merge_and_only_the_kepala_dinas_decides(self) -> None:
        p = self.p
        ticket, other = _ticket(agency=p.agency), _ticket(agency=p.agency)
        with self.assertRaises(PermissionDenied):
            services.assign(actor=p.producer, ticket=ticket, assignee=p.producer)
        with self.assertRaises(PermissionDenied):
            services.merge(actor=p.producer, ticket=ticket, into=other)
        services.assign(actor=p.walidata, ticket=ticket, assignee=p.producer)
        kip = _ticket(Category.KIP)
        services.answer(
            actor=p.walidata,
            ticket=kip,
            body="Ditolak.",
            outcome=KipOutcome.REFUSED,
            refusal_reason="17h",
        )
        objection = services.file_objection(ticket=kip, reason="a", statement="Saya keberatan.")
        for user in (p.walidata, p.kepala_bidang, p.admin, p.producer):
            with self.assertRaises(PermissionDenied):
                services.decide_objection(
                    actor=user, objection=objection, decision=ObjectionDecision.UPHELD, note="x"
                )
        services.decide_objection(
            actor=p.kepala_dinas,
            objection=objection,
            decision=ObjectionDecision.UPHELD,
            note="Informasi diberikan.",
        )


class StatesTests(PersonaTestCase):
    def test_steps_each_state_refuses(self) -> None:
        p = self.p
        ticket = _ticket()
        with self.assertRaises(services.SupportError):
            services.close(actor=p.walidata, ticket=ticket)  # not answered yet
        services.acknowledge(actor=p.walidata, ticket=ticket)
        with self.assertRaises(services.SupportError):
            services.acknowledge(actor=p.walidata, ticket=ticket)
        services.extend(actor=p.walidata, ticket=ticket, reason="Menunggu data dari OPD.")
        with self.assertRaises(services.SupportError):
            services.extend(actor=p.walidata, ticket=ticket, reason="Sekali lagi, tidak boleh.")
        services.answer(actor=p.walidata, ticket=ticket, body="Jawaban.")
        services.close(actor=p.walidata, ticket=ticket)
        for step in ("reply", "note", "answer", "start"):
            if step == "note":
                continue  # an internal note stays possible on a closed ticket's record
            with self.subTest(step=step), self.assertRaises(services.SupportError):
                STEPS[step](p.walidata, ticket)
        with self.assertRaises(services.SupportError):
            services.requester_reply(ticket=ticket, body="Masih ada pertanyaan.")
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.CLOSED)

    def test_a_kip_answer_needs_its_outcome_and_a_refusal_its_legal_reason(self) -> None:
        p = self.p
        kip = _ticket(Category.KIP)
        with self.assertRaises(services.SupportError):
            services.answer(actor=p.walidata, ticket=kip, body="Jawaban.")
        with self.assertRaises(services.SupportError):
            services.answer(actor=p.walidata, ticket=kip, body="Jawaban.", outcome="refused")
        services.answer(actor=p.walidata, ticket=kip, body="Diberikan.", outcome="granted")

    def test_information_not_held_is_answered_with_a_referral_the_requester_reads(self) -> None:
        p = self.p
        kip, token = services.create_ticket(
            actor=None,
            category=Category.KIP,
            subject="Data inflasi bulanan",
            message="Mohon data inflasi bulanan kabupaten.",
            requester_name="Rina Pemohon",
            requester_email="rina@example.org",
            purpose="Penelitian",
        )
        self.client.force_login(p.walidata)
        answered = self.client.post(
            reverse("support:ticket_action", args=[kip.pk, "answer"]),
            {
                "version": kip.updated_at.isoformat(),
                "body": "Informasi ini tidak kami kuasai; BPS yang menghitungnya.",
                "outcome": KipOutcome.NOT_HELD,
                "refusal_reason": "",
                "referred_to": "BPS Kabupaten Pringsewu",
            },
        )
        self.assertEqual(answered.status_code, 302)
        kip.refresh_from_db()
        self.assertEqual(
            (kip.state, kip.outcome, kip.refusal_reason, kip.referred_to),
            (State.ANSWERED, KipOutcome.NOT_HELD, "", "BPS Kabupaten Pringsewu"),
        )
        follow = self.client.get(reverse("support:follow", args=[token]))
        self.assertContains(follow, "Informasi tidak dikuasai")
        self.assertContains(follow, "BPS Kabupaten Pringsewu")
        from satudata.support import stats

        received = timezone.localdate(kip.received_at)
        figures = stats.period_figures(received, received)
        outcomes = {row["code"]: row["count"] for row in figures["kip"]["outcomes"]}
        self.assertEqual(outcomes.get(KipOutcome.NOT_HELD), 1)

    def test_a_merged_ticket_points_to_the_other_and_takes_no_step(self) -> None:
        p = self.p
        first, duplicate = _ticket(), _ticket()
        services.merge(actor=p.walidata, ticket=duplicate, into=first)
        duplicate.refresh_from_db()
        self.assertEqual((duplicate.state, duplicate.merged_into), (State.CLOSED, first))
        with self.assertRaises(services.SupportError):
            services.reply(actor=p.walidata, ticket=duplicate, body="x")
        with self.assertRaises(services.SupportError):
            services.merge(actor=p.walidata, ticket=first, into=first)

    def test_empty_and_huge_messages_are_refused_with_a_clear_error(self) -> None:
        ticket = _ticket()
        for body in ("", "   ", "x" * (services.MAX_MESSAGE + 1)):
            with self.assertRaises(services.SupportError) as refused:
                services.reply(actor=self.p.walidata, ticket=ticket, body=body)
            self.assertTrue(refused.exception.message)
        self.assertEqual(ticket.messages.count(), 1)


class DeskTests(PersonaTestCase):
    def test_two_staff_answering_at_once_the_second_is_told(self) -> None:
        p = self.p
        ticket = _ticket()
        version = ticket.updated_at.isoformat()
        url = lambda step: reverse("support:ticket_action", args=[ticket.pk, step])  # noqa: E731
        self.client.force_login(p.walidata)
        first = self.client.post(url("answer"), {"version": version, "body": "Jawaban A."})
        self.assertEqual(first.status_code, 302)
        self.client.force_login(p.kepala_bidang)
        second = self.client.post(url("answer"), {"version": version, "body": "Jawaban B."})
        self.assertEqual(second.status_code, 409)
        self.assertContains(second, "berubah sejak Anda membukanya", status_code=409)
        self.assertEqual(ticket.messages.filter(body="Jawaban B.").count(), 0)

    def test_the_desk_and_a_ticket_per_role(self) -> None:
        p = self.p
        mine, theirs = _ticket(agency=p.agency), _ticket(agency=p.other_agency)
        self.client.force_login(p.producer)
        desk = self.client.get(reverse("support:desk"))
        self.assertContains(desk, mine.number)
        self.assertNotContains(desk, theirs.number)
        self.assertEqual(
            self.client.get(reverse("support:ticket", args=[theirs.pk])).status_code, 403
        )
        page = self.client.get(reverse("support:ticket", args=[mine.pk]))
        self.assertContains(page, "rina@example.org")
        self.client.force_login(p.pembina)
        self.assertEqual(self.client.get(reverse("support:desk")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("support:desk")).status_code, 302)
        for view in ("today", "overdue", "waiting"):
            self.client.force_login(p.walidata)
            self.assertEqual(
                self.client.get(reverse("support:desk"), {"tampil": view}).status_code, 200
            )
