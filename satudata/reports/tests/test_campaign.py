"""Campaign tags on usage events: kept from the link's ``?k=`` on the pages promotion links
point at, never a cookie, and a product's or calendar entry's page is not a dataset's usage."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import SimpleTestCase
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.releases.services import plan_entry
from satudata.reports import usage
from satudata.reports.models import DatasetUsage, UsageEvent


class CampaignEventTests(PersonaTestCase):
    def test_a_calendar_entry_visited_through_a_tag_keeps_it_and_is_no_dataset(self) -> None:
        entry = plan_entry(
            actor=self.p.walidata,
            title="Jumlah Bidan 2025",
            agency=self.p.agency,
            planned_at=timezone.now() + dt.timedelta(days=40),
        )
        usage.buffer.flush()
        UsageEvent.objects.all().delete()
        response = self.client.get(
            f"/jadwal-rilis/{entry.uuid}/?k=WA-r3-a1", REMOTE_ADDR="203.0.113.5"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Set-Cookie", str(response.headers))
        usage.buffer.flush()
        event = UsageEvent.objects.get()
        self.assertEqual(
            (event.name, event.campaign, event.dataset), ("releases:entry", "wa-r3-a1", "")
        )
        self.assertFalse(DatasetUsage.objects.exists())

    def test_api_calls_carry_no_campaign(self) -> None:
        usage.buffer.flush()
        UsageEvent.objects.all().delete()
        self.client.get("/data.json?k=ig-r1-a1")
        usage.buffer.flush()
        self.assertEqual(list(UsageEvent.objects.values_list("campaign", flat=True)), [""])


class MigrationTests(SimpleTestCase):
    databases = {"default"}

    def test_the_models_and_migrations_agree(self) -> None:
        call_command("makemigrations", "reports", "--check", "--dry-run", verbosity=0)
