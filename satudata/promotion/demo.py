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

from satudata.accounts.models import Agency, User
from satudata.promotion import plan, sharekit
from satudata.promotion.facts import facts_of
from satudata.promotion.models import (
    ActionChannel,
    ActionStatus,
    Delivery,
    DeliveryState,
    Dispatch,
    DispatchKind,
    Frequency,
    ShareFile,
    ShareFormat,
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
                sent_at=min(at + dt.timedelta(seconds=5), timezone.now())
                if s.frequency == Frequency.IMMEDIATE
                else None,
                attempts=1 if s.frequency == Frequency.IMMEDIATE else 0,
            )
            for s in people
        )
        Dispatch.objects.filter(pk=dispatch.pk).update(
            recipients=len(people), finished_at=min(at + dt.timedelta(minutes=1), timezone.now())
        )
        told += len(people)
    return told


def _promoted() -> Release | None:
    """The release the sample plan is for: the rice production data out some weeks ago (so
    that its promotion and the visits it brought are history), else the oldest one out."""
    now = timezone.now()
    out = [
        r
        for r in Release.objects.filter(state=ReleaseState.SCHEDULED).order_by("release_at")
        if r.is_published() and r.release_at is not None and r.release_at < now
    ]
    older = [r for r in out if r.release_at < now - dt.timedelta(days=3)] or out  # type: ignore[operator]
    return next((r for r in older if "padi" in r.title.lower()), older[0] if older else None)


def _plan(release: Release, staff: User, kit: list[ShareFile]) -> int:
    """A promotion plan with done actions (evidence, reach) and pending ones, as the staff
    would have recorded it on the release day and after."""
    day = timezone.localdate(release.release_at)
    sent = (
        Delivery.objects.filter(dispatch__release=release, state=DeliveryState.SENT).count() or None
    )
    actions = {a.channel: a for a in plan.add_default_plan(actor=staff, release=release)}
    extra = [
        (ActionChannel.PRESS, f"Siaran pers: {release.title}", 0),
        (ActionChannel.RADIO, "Dialog interaktif di radio daerah (contoh)", 3),
    ]
    for channel, title, days in extra:
        actions[channel] = plan.plan_action(
            actor=staff,
            release=release,
            channel=channel,
            title=title,
            planned_on=day + dt.timedelta(days=days),
            person=staff,
        )
    # A dissemination event weeks after the release, still to come.
    soon = timezone.localdate() + dt.timedelta(days=5)
    actions[ActionChannel.EVENT] = plan.plan_action(
        actor=staff,
        release=release,
        channel=ActionChannel.EVENT,
        title="Sosialisasi data pertanian bagi penyuluh (contoh)",
        planned_on=soon,
        person=staff,
    )
    card = next((f for f in kit if f.format == ShareFormat.CARD_SQUARE), None)
    evidence = (
        plan.Evidence(content=sharekit.read(card), extension=".png", mimetype="image/png")
        if card is not None
        else None
    )
    done = [
        (
            ActionChannel.WEBSITE,
            "https://contoh.example/berita/produksi-padi",
            None,
            640,
            "tayangan",
        ),
        (ActionChannel.INSTAGRAM, "", evidence, 1240, "pengikut"),
        (
            ActionChannel.WHATSAPP,
            "https://contoh.example/wa/saluran-pringsewu",
            None,
            85,
            "penerima",
        ),
        (ActionChannel.PRESS, "https://contoh.example/media/padi-naik", None, 4, "eksemplar"),
        (ActionChannel.RADIO, "https://contoh.example/radio/dialog-padi", None, 1500, "pendengar"),
        (ActionChannel.EMAIL, "https://contoh.example/surel/rilis-padi", None, sent, "penerima"),
    ]
    for channel, link, proof, reach, kind in done:
        if reach is None:
            continue
        action = actions.get(channel)
        if action is None or (not link and proof is None):
            continue
        plan.mark_done(
            actor=staff,
            action=action,
            evidence_url=link,
            evidence=proof,
            reach=reach,
            reach_kind=kind,
            note=f"Angka jangkauan {SAMPLE}.",
            done_at=release.release_at,
        )
    task = plan.complete_plan(
        actor=staff,
        release=release,
        note=f"Promosi hari rilis selesai; sosialisasi menyusul ({SAMPLE}).",
    )
    if task is not None:  # written back into the sample history: the day after the release
        from satudata.sop.models import SopTask

        SopTask.objects.filter(pk=task.pk).update(
            completed_at=release.release_at + dt.timedelta(days=1)  # type: ignore[operator]
        )
    return len(actions)


def _visits(release: Release, rng: random.Random) -> int:
    """Sample visits that came through the plan's tagged links, each landing followed by some
    downloads by the same (daily-hashed) visitor, as the usage events record them."""
    from satudata.reports.models import Channel, EventKind, UsageEvent

    events = []
    start = release.release_at or timezone.now()
    for action in release.promotion_actions.filter(status=ActionStatus.DONE):
        for n in range(rng.randint(8, 40)):
            visitor = f"{rng.getrandbits(64):016x}"
            at = start + dt.timedelta(hours=rng.randint(1, 60), minutes=rng.randint(0, 59))
            if at > timezone.now():
                continue
            common = {"channel": Channel.PORTAL, "status": 200, "visitor": visitor}
            events.append(
                UsageEvent(
                    at=at,
                    kind=EventKind.PAGE_VIEW,
                    name="products:version",
                    campaign=action.campaign,
                    **common,
                )
            )
            if n % 3 == 0:
                events.append(
                    UsageEvent(
                        at=at + dt.timedelta(minutes=4),
                        kind=EventKind.DOWNLOAD,
                        name="products:file",
                        format="xlsx",
                        **common,
                    )
                )
    UsageEvent.objects.bulk_create(events)
    return len(events)


def _align_tasks(now: dt.datetime) -> None:
    """The releases demo writes its releases' times back into the past after scheduling them
    (sample history); their promotion tasks are put at those times too."""
    from satudata.sop.models import SopTask
    from satudata.sop.services import current_step
    from satudata.sop.workdays import due_at

    days = current_step("promosi").effective_working_days
    for release in Release.objects.filter(state=ReleaseState.SCHEDULED, release_at__lt=now):
        assert release.release_at is not None
        SopTask.objects.filter(
            step__code="promosi", subject_type="releases.release", subject_id=str(release.pk)
        ).update(created_at=release.release_at, due_at=due_at(release.release_at, days))


def _past_tasks(now: dt.datetime) -> int:
    """The promotion of releases out more than a week ago was done then (sample history)."""
    from satudata.sop import services as sop
    from satudata.sop.models import SopTask

    old = [
        r.pk
        for r in Release.objects.filter(state=ReleaseState.SCHEDULED)
        if r.release_at is not None and r.release_at < now - dt.timedelta(days=7)
    ]
    tasks = SopTask.objects.open().filter(
        step__code="promosi", subject_type="releases.release", subject_id__in=[str(i) for i in old]
    )
    finished = 0
    for task in tasks:
        sop.complete_task(actor=None, task=task, note=f"Promosi terlaksana ({SAMPLE}).")
        # Written back into the sample history: done the working day after the release.
        SopTask.objects.filter(pk=task.pk).update(
            completed_at=task.created_at + dt.timedelta(days=1)
        )
        finished += 1
    return finished


@transaction.atomic
def load_sample_promotion() -> dict[str, int]:
    """The sample subscribers and what they were told, a promotion plan with its evidence and
    reach, share kits and the visits of the plan's links; a second run adds nothing."""
    if Subscriber.objects.filter(email__endswith=f"@{SAMPLE_DOMAIN}").exists():
        return {"subscribers": 0, "deliveries": 0, "actions": 0}
    rng = random.Random(20)  # noqa: S311 (sample data, not secrets)
    now = timezone.now()
    agencies = list(Agency.objects.order_by("pk").values_list("slug", flat=True)[:6])
    subscribers = [_subscriber(i, rng, now, agencies) for i in range(SUBSCRIBERS)]
    Subscriber.objects.bulk_create(subscribers)
    subscribers = list(Subscriber.objects.filter(email__endswith=f"@{SAMPLE_DOMAIN}"))
    topics = _topics(subscribers, agencies)
    Topic.objects.bulk_create(topics)
    told = _history(subscribers, topics)
    staff = User.objects.filter(username="walidata").first()
    _align_tasks(now)
    release = _promoted()
    actions = 0
    if staff is not None and release is not None:
        kit = sharekit.make_share_kit(release, languages=("id",), actor=staff)
        actions = _plan(release, staff, kit)
        _visits(release, rng)
    _past_tasks(now)
    return {"subscribers": len(subscribers), "deliveries": told, "actions": actions}
