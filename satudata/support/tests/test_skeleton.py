"""The skeleton's contract: a web request is registered, numbered, e-mailed with its link, and
goes through the states to closed with its SOP task finished."""

from __future__ import annotations

from satudata.core.models import OutgoingMail
from satudata.core.testing import PersonaTestCase
from satudata.sop.models import SopTask, TaskStatus
from satudata.support import services
from satudata.support.models import Category, State


class SkeletonTests(PersonaTestCase):
    def test_a_question_goes_from_received_to_closed(self) -> None:
        p = self.p
        with self.captureOnCommitCallbacks(execute=True):
            ticket, token = services.create_ticket(
                actor=None,
                category=Category.CONSULTATION,
                subject="Data stunting 2024",
                message="Di mana data stunting per kecamatan?",
                requester_name="Sari",
                requester_email="sari@example.org",
            )
        self.assertEqual(ticket.number, f"LYN-{ticket.received_at.year}-00001")
        self.assertEqual(services.ticket_by_token(token), ticket)
        self.assertIsNone(services.ticket_by_token(token + "x"))
        receipt = OutgoingMail.objects.get()
        self.assertIn(token, receipt.body)
        self.assertIn("Message-ID", receipt.headers)
        task = SopTask.objects.open_for(ticket, services.SOP_STEP).get()
        services.reply(actor=p.walidata, ticket=ticket, body="Apakah per desa juga?", wait=True)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.WAITING)
        services.requester_reply(ticket=ticket, body="Per kecamatan cukup.")
        services.answer(actor=p.walidata, ticket=ticket, body="Ada di tabel X.")
        services.close(actor=p.walidata, ticket=ticket)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.CLOSED)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        with self.assertRaises(services.SupportError):
            services.requester_reply(ticket=ticket, body="Terima kasih")
        threaded = OutgoingMail.objects.exclude(pk=receipt.pk).first()
        assert threaded is not None
        self.assertEqual(threaded.headers["In-Reply-To"], receipt.headers["Message-ID"])
