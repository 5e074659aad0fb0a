"""Promotion in the Pringsewu demo: subscribers, what they were sent, a promotion plan with its
evidence and reach, the share kits and the widgets.

Every subscriber is invented, with an address on the reserved ``contoh.example`` domain (no
mail can reach it); the pages that show the figures label them "data contoh". Subscribers are
written directly (no confirmation mail for sample addresses), backdated over half a year so
the growth shows; the releases already out in the demo are recorded as told to the subscribers
they concern at their release time, as the dispatcher would have done.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.db import transaction
from django.utils import timezone

from satudata.accounts.models import Agency
from satudata.promotion.facts import facts_of
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Dispatch,
    DispatchKind,
    Frequency,
    Subscriber,
    SubscriberState,
    Topic,
    TopicKind,
)
from satudata.releases.models import Release, ReleaseState

log = logging.getLogger(__name__)

SAMPLE_DOMAIN = "contoh.example"
SAMPLE = "data contoh"
SUBSCRIBERS = 48
SECTORS = ["KESEHATAN", "PERTANIAN_DAN_PERIKANAN", "DEMOGRAFI_DAN_KEPENDUDUKAN", "LINGKUNGAN"]
WHO = ["wartawan", "dosen", "mahasiswa", "staf.dprd", "bappeda", "peneliti", "warga", "pekon"]


def _subscriber(i: int, rng: random.Random, now: dt.datetime, agencies: list[str]) -> Subscriber:
    created = now - dt.timedelta(days=rng.randint(3, 180), hours=rng.randint(0, 12))
    state = SubscriberState.ACTIVE
    if i % 16 == 5:
        state = SubscriberState.PENDING
    elif i % 16 == 9:
        state = SubscriberState.UNSUBSCRIBED
    elif i == 13:
        state = SubscriberState.SUSPENDED
    return Subscriber(
        email=f"{WHO[i % len(WHO)]}{i + 1:02d}@{SAMPLE_DOMAIN}",
        language="en" if i % 7 == 3 else "id",
        frequency=Frequency.WEEKLY if i % 5 == 2 else Frequency.IMMEDIATE,
        state=state,
        everything=i % 4 == 0,
        calendar_changes=i % 3 != 1,
        created_at=created,
        confirmed_at=None if state == SubscriberState.PENDING else created + dt.timedelta(hours=1),
        unsubscribed_at=(
            created + dt.timedelta(days=20) if state == SubscriberState.UNSUBSCRIBED else None
        ),
        suspended_at=now - dt.timedelta(days=2) if state == SubscriberState.SUSPENDED else None,
        failures=3 if state == SubscriberState.SUSPENDED else 0,
        last_error=(
            "550 5.1.1 Mailbox tidak ada (contoh)" if state == SubscriberState.SUSPENDED else ""
        ),
        source=["langganan", "halaman-dataset", "ig-padi", "jadwal-rilis"][i % 4],
    )


def _topics(subscribers: list[Subscriber], agencies: list[str]) -> list[Topic]:
    topics = []
    for i, subscriber in enumerate(subscribers):
        if subscriber.everything:
            continue
        topics.append(Topic(subscriber=subscriber, kind=TopicKind.SECTOR, value=SECTORS[i % 4]))
        if i % 3 == 0 and agencies:
            topics.append(
                Topic(
                    subscriber=subscriber,
                    kind=TopicKind.AGENCY,
                    value=agencies[i % len(agencies)],
                )
            )
    return topics


def _concerned(release: Release, subscribers: list[Subscriber], topics: list[Topic]) -> list:
    wanted = set(facts_of(release).topics)
    following = {t.subscriber_id for t in topics if (t.kind, t.value) in wanted}
    return [
        s
        for s in subscribers
        if s.confirmed_at is not None
        and s.confirmed_at <= (release.release_at or s.confirmed_at)
        and (s.everything or s.pk in following)
    ]


def _history(subscribers: list[Subscriber], topics: list[Topic]) -> int:
    """The releases already out, as told to their subscribers at their release time."""
    told = 0
    releases = Release.objects.filter(state=ReleaseState.SCHEDULED).select_related("agency")
    for release in releases:
        if not release.is_published() or hasattr(release, "dispatch"):
            continue
        at = release.release_at
        assert at is not None
        dispatch = Dispatch.objects.create(
            kind=DispatchKind.RELEASE, release=release, created_at=at, planned_at=at
        )
        people = _concerned(release, subscribers, topics)
        Delivery.objects.bulk_create(
            Delivery(
                dispatch=dispatch,
                subscriber=s,
                state=DeliveryState.SENT
                if s.frequency == Frequency.IMMEDIATE
                else (DeliveryState.HELD),
                sent_at=at + dt.timedelta(seconds=5)
                if s.frequency == Frequency.IMMEDIATE
                else None,
                attempts=1 if s.frequency == Frequency.IMMEDIATE else 0,
            )
            for s in people
        )
        Dispatch.objects.filter(pk=dispatch.pk).update(
            recipients=len(people), finished_at=at + dt.timedelta(minutes=1)
        )
        told += len(people)
    return told


@transaction.atomic
def load_sample_promotion() -> dict[str, int]:
    """The sample subscribers and what they were told; a second run adds nothing."""
    if Subscriber.objects.filter(email__endswith=f"@{SAMPLE_DOMAIN}").exists():
        return {"subscribers": 0, "deliveries": 0}
    rng = random.Random(20)  # noqa: S311 (sample data, not secrets)
    now = timezone.now()
    agencies = list(Agency.objects.order_by("pk").values_list("slug", flat=True)[:6])
    subscribers = [_subscriber(i, rng, now, agencies) for i in range(SUBSCRIBERS)]
    Subscriber.objects.bulk_create(subscribers)
    subscribers = list(Subscriber.objects.filter(email__endswith=f"@{SAMPLE_DOMAIN}"))
    topics = _topics(subscribers, agencies)
    Topic.objects.bulk_create(topics)
    told = _history(subscribers, topics)
    return {"subscribers": len(subscribers), "deliveries": told}
