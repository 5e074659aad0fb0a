"""The measured reach of promotion: campaign clicks counted by the usage events without a
cookie (and what the same visitor did next), e-mail clicks, subscribers and e-mails per period,
and the JSON the dissemination report reads."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from satudata.accounts.models import Agency
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.promotion import plan, reach
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Digest,
    Dispatch,
    DispatchKind,
    PromotionAction,
    Subscriber,
    SubscriberState,
    Topic,
)
from satudata.releases.models import Release
from satudata.reports import usage
from satudata.reports.models import UsageEvent

IP = "203.0.113.9"
WIB = dt.timezone(dt.timedelta(hours=7))


class ReachTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.producer,
            agency=self.p.agency,
            name="Jumlah Posyandu",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 12]],
            publisher=self.p.kepala_bidang,
        )
        self.release = Release.objects.for_content(self.dataset.versions.get()).get()
        self.action = plan.plan_action(
            actor=self.p.walidata,
            release=self.release,
            channel="instagram",
            title="Unggahan IG",
            planned_on=timezone.localdate(),
        )
        usage.buffer.flush()
        UsageEvent.objects.all().delete()

    def visit(self, path: str, agent: str = "Firefox/120") -> None:
        response = self.client.get(path, REMOTE_ADDR=IP, HTTP_USER_AGENT=agent)
        self.assertLess(response.status_code, 400, path)
        self.assertNotIn("Set-Cookie", str(response.headers))  # no cookie, ever
        self.assertEqual(response.cookies, {})

    def page(self, tag: str = "") -> str:
        return f"/dataset/{self.dataset.slug}/" + (f"?k={tag}" if tag else "")

    def download(self) -> str:
        return f"/dataset/{self.dataset.slug}/data.csv"

    def counted(self, tag: str) -> usage.CampaignCount:
        usage.buffer.flush()
        found = usage.campaign_visits(
            timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(hours=2)
        )
        return found.get(tag, usage.CampaignCount())


class CampaignClickTests(ReachTestCase):
    def test_a_tagged_visit_and_the_download_that_followed_count_for_the_campaign(self) -> None:
        tag = self.action.campaign
        self.visit(self.page(tag))
        self.visit(self.download())
        self.visit(self.download(), agent="Chrome/121")  # another visitor, untagged
        count = self.counted(tag)
        self.assertEqual((count.clicks, count.visitors, count.downloads), (1, 1, 1))
        self.assertEqual(count.datasets, {self.dataset.slug: 1})
        stored = UsageEvent.objects.exclude(campaign="").get()
        self.assertEqual((stored.campaign, stored.kind), (tag, "page"))
        row = reach.reach_for_release(self.release, timezone.now() + dt.timedelta(hours=1))
        mine = next(r for r in row["action_rows"] if r["campaign"] == tag)
        self.assertEqual((mine["clicks"], mine["downloads"]), (1, 1))

    def test_a_download_more_than_thirty_minutes_later_is_not_attributed(self) -> None:
        tag = self.action.campaign
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.visit(self.page(tag))
        with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
            self.visit(self.download())
            self.visit(self.page())
        count = self.counted(tag)
        self.assertEqual((count.clicks, count.downloads, count.views), (1, 0, 0))

    def test_the_latest_landing_takes_what_follows(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.visit(self.page(self.action.campaign))
        with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
            self.visit(self.page(f"surel-{self.release.pk}"))
        with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
            self.visit(self.page())
            self.visit(self.download())
        mail = self.counted(f"surel-{self.release.pk}")
        social = self.counted(self.action.campaign)
        self.assertEqual((mail.views, mail.downloads), (1, 1))
        self.assertEqual((social.clicks, social.views, social.downloads), (1, 0, 0))

    def test_a_malformed_or_overlong_tag_is_ignored(self) -> None:
        for bad in ("%3Cscript%3E", "a" * 41, "ig r1", "ig.r1"):
            self.visit(self.page(bad))
        usage.buffer.flush()
        self.assertEqual(UsageEvent.objects.count(), 4)
        self.assertFalse(UsageEvent.objects.exclude(campaign="").exists())

    def test_signed_in_readers_are_not_counted_as_campaign_clicks(self) -> None:
        self.client.force_login(self.p.walidata)
        self.client.get(self.page(self.action.campaign), REMOTE_ADDR=IP)
        self.assertEqual(self.counted(self.action.campaign).clicks, 0)


class PeriodReachTests(ReachTestCase):
    def subscriber(self, email: str, state: str, at: dt.datetime, **more: object) -> Subscriber:
        return Subscriber.objects.create(
            email=email, state=state, created_at=at, confirmed_at=at, **more
        )

    def test_email_clicks_are_counted_per_release_and_for_the_digests(self) -> None:
        self.visit(self.page(f"surel-{self.release.pk}"))
        self.visit(self.download())
        self.visit(self.page("surel-mingguan"), agent="Safari/17")
        usage.buffer.flush()
        today = timezone.localdate()
        found = reach.reach_for_period(today, today)
        self.assertEqual(found["email_clicks"]["release_emails"]["clicks"], 1)
        self.assertEqual(found["email_clicks"]["release_emails"]["downloads"], 1)
        self.assertEqual(found["email_clicks"]["digests"]["clicks"], 1)
        mine = reach.reach_for_release(self.release, timezone.now() + dt.timedelta(minutes=1))
        self.assertEqual(mine["email_clicks"]["clicks"], 1)
        self.assertEqual(found["releases"][0]["email_clicks"], 1)

    def test_the_json_gives_subscribers_emails_clicks_and_says_opens_are_not_tracked(
        self,
    ) -> None:
        now = timezone.now()
        first = self.subscriber("a@contoh.invalid", SubscriberState.ACTIVE, now)
        Topic.objects.create(subscriber=first, kind="instansi", value="dinkes")
        self.subscriber("b@contoh.invalid", SubscriberState.ACTIVE, now, everything=True)
        self.subscriber("c@contoh.invalid", SubscriberState.UNSUBSCRIBED, now, unsubscribed_at=now)
        dispatch = Dispatch.objects.create(kind=DispatchKind.RELEASE, release=self.release)
        Delivery.objects.create(
            dispatch=dispatch, subscriber=first, state=DeliveryState.SENT, sent_at=now
        )
        Delivery.objects.create(
            dispatch=dispatch,
            subscriber=Subscriber.objects.get(email="b@contoh.invalid"),
            state=DeliveryState.FAILED,
            claimed_at=now,
        )
        Digest.objects.create(
            subscriber=first, week=timezone.localdate(), state=DeliveryState.SENT, sent_at=now
        )
        plan.mark_done(
            actor=self.p.walidata,
            action=self.action,
            evidence_url="https://instagram.com/p/x",
            reach=300,
            reach_kind="pengikut",
        )
        self.visit(self.page(self.action.campaign))
        usage.buffer.flush()
        self.client.force_login(self.p.walidata)
        today = timezone.localdate().isoformat()
        response = self.client.get(
            reverse("promotion:reach-json"), {"dari": today, "sampai": today}
        )
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["period"], {"from": today, "to": today})
        with translation.override("en"):
            self.assertIn("not tracked", str(reach.NOTES["opens"]))
        with translation.override("id"):  # the client's language: Indonesian
            self.assertEqual(data["notes"], reach.notes())
        self.assertIn("SMTP", data["notes"]["sent"])
        subs = data["subscribers"]
        self.assertEqual(subs["active_now"], 2)
        self.assertEqual(subs["active_everything"], 1)
        self.assertEqual(subs["in_period"], {"confirmed": 3, "unsubscribed": 1, "suspended": 0})
        self.assertEqual(subs["by_month"][0]["confirmed"], 3)
        [topic] = subs["by_topic"]
        self.assertEqual(
            (topic["kind"], topic["value"], topic["active"]), ("instansi", "dinkes", 1)
        )
        self.assertEqual(topic["label"], Agency.objects.get(slug="dinkes").name)
        self.assertEqual(data["emails"]["release_emails"], {"sent": 1, "failed": 1})
        self.assertEqual(data["emails"]["digests"], {"sent": 1, "failed": 0})
        self.assertEqual(data["reach_by_channel"][0]["reach"], 300)
        self.assertEqual(data["campaigns"][0]["campaign"], self.action.campaign)
        self.assertEqual(data["campaigns"][0]["release"], str(self.release.uuid))
        self.assertEqual(data["campaigns"][0]["clicks"], 1)
        self.assertNotIn("contoh.invalid", response.content.decode())  # no address leaves

    def test_the_period_filters_what_is_counted(self) -> None:
        long_ago = dt.datetime(2025, 3, 10, 9, 0, tzinfo=WIB)
        self.subscriber("old@contoh.invalid", SubscriberState.ACTIVE, long_ago)
        # The dataset was not out then: that day's landing is written as the middleware writes it.
        UsageEvent.objects.create(
            at=long_ago,
            kind="page",
            channel="portal",
            name="portal:dataset",
            status=200,
            visitor="0123456789abcdef",
            campaign=self.action.campaign,
        )
        self.visit(self.page(self.action.campaign))
        usage.buffer.flush()
        march = reach.reach_for_period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
        self.assertEqual(march["subscribers"]["in_period"]["confirmed"], 1)
        self.assertEqual(march["campaigns"][0]["clicks"], 1)
        self.assertEqual(
            march["subscribers"]["by_month"],
            [
                {
                    "month": "2025-03",
                    "month_label": "Maret 2025",
                    "confirmed": 1,
                    "unsubscribed": 0,
                    "suspended": 0,
                }
            ],
        )
        april = reach.reach_for_period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
        self.assertEqual(april["subscribers"]["in_period"]["confirmed"], 0)
        self.assertEqual(april["campaigns"], [])
        self.assertEqual(april["subscribers"]["active_now"], 1)  # "now" is not the period's

    def test_the_json_refuses_a_bad_period_and_outsiders(self) -> None:
        url = reverse("promotion:reach-json")
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.p.walidata)
        for query in (
            {"dari": "2026-13-01"},
            {"dari": "2026-02-01", "sampai": "2026-01-01"},
            {"dari": "2020-01-01", "sampai": "2026-01-01"},
        ):
            response = self.client.get(url, query)
            self.assertEqual(response.status_code, 400, query)
            self.assertIn("error", response.json())
        self.assertEqual(self.client.get(url).status_code, 200)  # the last 30 days

    def test_the_reach_page_shows_the_period(self) -> None:
        self.client.force_login(self.p.kepala_bidang)
        response = self.client.get(reverse("promotion:reach"))
        self.assertContains(response, reverse("promotion:reach-json"))
        self.assertEqual(PromotionAction.objects.count(), 1)
