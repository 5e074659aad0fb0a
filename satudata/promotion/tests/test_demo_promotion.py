"""The demo's promotion: sample subscribers and what they were told, a plan with done and
pending actions and its evidence, a share kit, the visits its tagged links brought."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from satudata.core.demo import load_demo
from satudata.promotion.demo import SAMPLE_DOMAIN, load_sample_promotion
from satudata.promotion.models import (
    ActionStatus,
    Delivery,
    DeliveryState,
    PromotionAction,
    ShareFile,
    Subscriber,
    SubscriberState,
)
from satudata.reports.models import UsageEvent
from satudata.sop.models import SopTask, TaskStatus


class PromotionDemoTests(TestCase):
    def test_the_sample_promotion_is_there_once_and_in_the_past(self) -> None:
        load_demo()
        now = timezone.now()
        people = Subscriber.objects.all()
        self.assertGreaterEqual(people.count(), 40)
        self.assertFalse(people.exclude(email__endswith=f"@{SAMPLE_DOMAIN}").exists())
        states = set(people.values_list("state", flat=True))
        for state in (
            SubscriberState.ACTIVE,
            SubscriberState.PENDING,
            SubscriberState.UNSUBSCRIBED,
        ):
            self.assertIn(state, states)
        self.assertGreater(Delivery.objects.filter(state=DeliveryState.SENT).count(), 50)
        self.assertFalse(Delivery.objects.filter(sent_at__gt=now).exists())
        actions = PromotionAction.objects.select_related("release")
        release = actions.first().release  # type: ignore[union-attr]
        assert release.release_at is not None
        self.assertLess(release.release_at, now)
        self.assertGreaterEqual(actions.filter(status=ActionStatus.DONE).count(), 4)
        self.assertTrue(actions.filter(status=ActionStatus.PLANNED).exists())
        self.assertTrue(actions.exclude(evidence_file="").exists())
        self.assertTrue(ShareFile.objects.filter(release=release).exists())
        tagged = UsageEvent.objects.exclude(campaign="")
        self.assertTrue(tagged.exists())
        self.assertFalse(tagged.filter(at__gt=now).exists())
        # Tasks of releases out weeks ago were done then, not left overdue.
        old = SopTask.objects.filter(step__code="promosi", due_at__lt=now)
        self.assertFalse(old.exclude(status=TaskStatus.DONE).exists())
        self.assertEqual(load_sample_promotion()["subscribers"], 0)  # a second run adds nothing
