"""The demo's sample month of the help desk."""

from __future__ import annotations

from django.test import TestCase

from satudata.core.demo import load_demo
from satudata.releases.models import Release
from satudata.support.demo import SAMPLE_DOMAIN, load_sample_support
from satudata.support.models import (
    AdhocTable,
    Category,
    FaqEntry,
    GuestVisit,
    Objection,
    State,
    SurveyResponse,
    Ticket,
)


class SupportDemoTests(TestCase):
    def test_the_month_is_there_once_with_late_extended_and_objected_requests(self) -> None:
        load_demo()
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
        self.assertEqual(load_sample_support(), 0)  # a second run adds nothing
        self.assertEqual(Ticket.objects.count(), tickets.count())
