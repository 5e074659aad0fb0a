"""The demo's sample month of the help desk: there once, its histories agreeing with their
messages, its late tickets really late, its sample data labelled where it is shown, and the
staff pages saying "data contoh" only when sample data is there."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from satudata.core.demo import load_demo
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.releases.models import Release
from satudata.support import clocks, ikm
from satudata.support.demo import SAMPLE_DOMAIN, load_sample_support
from satudata.support.models import (
    AdhocTable,
    Category,
    FaqEntry,
    GuestVisit,
    MessageKind,
    Objection,
    State,
    SurveyResponse,
    Ticket,
)

SAMPLE_SENTENCES = (
    "Permintaan pada demo adalah data contoh.",
    "Entri pada demo adalah data contoh.",
    "Jawaban pada demo adalah data contoh.",
)


class SupportDemoTests(TestCase):
    loaded_at: dt.datetime

    @classmethod
    def setUpTestData(cls) -> None:
        cls.loaded_at = timezone.now()
        load_demo()

    def test_the_month_is_there_once_with_late_extended_and_objected_requests(self) -> None:
        tickets = Ticket.objects.all()
        self.assertGreaterEqual(tickets.count(), 30)
        self.assertFalse(tickets.exclude(requester_email__endswith=f"@{SAMPLE_DOMAIN}").exists())
        self.assertTrue(all("(data contoh)" in t.requester_name for t in tickets))
        self.assertEqual(set(tickets.values_list("category", flat=True)), set(Category.values))
        self.assertGreater(Ticket.objects.overdue().count(), 0)
        self.assertTrue(tickets.filter(category=Category.KIP, extended_at__isnull=False).exists())
        self.assertEqual(Objection.objects.exclude(decision="").count(), 1)
        self.assertGreater(tickets.filter(state=State.CLOSED).count(), 10)
        self.assertGreaterEqual(FaqEntry.objects.exclude(question_en="").count(), 8)
        self.assertGreaterEqual(GuestVisit.objects.count(), 15)
        self.assertEqual(SurveyResponse.objects.count(), 60)
        # One data request answered with its table, released for everyone as an ad hoc table.
        adhoc = AdhocTable.objects.select_related("ticket", "release").get()
        self.assertEqual(
            (adhoc.ticket.category, adhoc.ticket.state), (Category.DATA_REQUEST, State.ANSWERED)
        )
        self.assertTrue(adhoc.ticket.messages.filter(attachments__isnull=False).exists())
        assert adhoc.release is not None
        self.assertTrue(Release.objects.published().filter(pk=adhoc.release.pk).exists())
        self.assertIn("data contoh", adhoc.product.title)
        count = tickets.count()
        self.assertEqual(load_sample_support(), 0)  # a second run adds nothing
        self.assertEqual(Ticket.objects.count(), count)

    def test_each_history_is_stamped_at_the_moments_of_its_messages(self) -> None:
        for ticket in Ticket.objects.exclude(adhoc_table__isnull=False):
            events = {
                e.action: e.at for e in AuditEvent.objects.for_object(ticket).order_by("at", "id")
            }
            with self.subTest(ticket=ticket.number):
                self.assertEqual(events["support.ticket_received"], ticket.received_at)
                self.assertLess(max(events.values()), self.loaded_at)
                self.assertTrue(all(at >= ticket.received_at for at in events.values()))
                if ticket.answered_at is not None:
                    self.assertEqual(events["support.ticket_answered"], ticket.answered_at)
                    reply = ticket.messages.filter(kind=MessageKind.REPLY).latest("created_at")
                    self.assertEqual(reply.created_at, ticket.answered_at)
                if ticket.closed_at is not None:
                    self.assertEqual(events["support.ticket_closed"], ticket.closed_at)
                if ticket.acknowledged_at is not None:
                    self.assertEqual(events["support.ticket_acknowledged"], ticket.acknowledged_at)

    def test_the_objection_is_due_thirty_working_days_after_it_was_filed(self) -> None:
        objection = Objection.objects.get()
        self.assertEqual(objection.due_at, clocks.objection_due(objection.filed_at))
        assert objection.decided_at is not None
        self.assertLess(objection.filed_at, objection.decided_at)
        self.assertLess(objection.decided_at, self.loaded_at)

    def test_the_tickets_planned_late_are_answered_after_their_deadline(self) -> None:
        late = [
            t.number
            for t in Ticket.objects.filter(answered_at__isnull=False)
            if t.answered_at is not None and t.answered_at > t.answer_due
        ]
        self.assertEqual(len(late), 3)
        walk_in = Ticket.objects.get(subject="Data luas panen jagung")
        assert walk_in.answered_at is not None
        self.assertGreater(walk_in.answered_at, walk_in.answer_due)

    def test_the_faq_is_labelled_sample_data_where_it_is_shown(self) -> None:
        for entry in FaqEntry.objects.all():
            self.assertIn("(data contoh)", entry.question)
            self.assertIn("(sample data)", entry.question_en)
        listed = self.client.get(reverse("support:faq"))
        self.assertContains(listed, "(data contoh)")

    def test_the_surveys_index_is_in_band_b(self) -> None:
        figures = ikm.summary(SurveyResponse.objects.all())
        self.assertEqual(figures["respondents"], 60)
        self.assertEqual(figures["mutu"], "B")
        self.assertEqual(figures["kinerja"], "Baik")
        self.assertEqual(figures["ikm_converted"], 79.07)
        self.assertEqual(figures["lowest"], ["U3"])

    def test_the_staff_pages_say_data_contoh(self) -> None:
        from satudata.accounts.models import User

        self.client.force_login(User.objects.get(username="walidata"))
        pages = [
            self.client.get(reverse("support:desk")),
            self.client.get(reverse("support:guestbook")),
            self.client.get(reverse("support:ikm")),
            self.client.get(reverse("support:report")),
        ]
        self.assertContains(pages[0], SAMPLE_SENTENCES[0])
        self.assertContains(pages[1], SAMPLE_SENTENCES[1])
        self.assertContains(pages[2], SAMPLE_SENTENCES[2])
        self.assertContains(pages[3], SAMPLE_SENTENCES[0])


class WithoutDemoTests(PersonaTestCase):
    def test_the_staff_pages_say_nothing_of_sample_data_without_the_demo(self) -> None:
        self.client.force_login(self.p.walidata)
        for name in ("support:desk", "support:guestbook", "support:ikm", "support:report"):
            with self.subTest(page=name):
                page = self.client.get(reverse(name))
                self.assertEqual(page.status_code, 200)
                self.assertNotIn("data contoh", page.content.decode())
