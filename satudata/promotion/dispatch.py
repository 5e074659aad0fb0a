"""Telling subscribers of releases: exactly once each, never before the release time.

``dispatch_due`` runs every minute (``PERIODIC_TASKS``), possibly on several schedulers and
workers at once; every step is safe to run twice or side by side:

1. **Open.** A ``Dispatch`` for every release out for everyone now (scheduled, its time come,
   not withdrawn), for every recent postponement of a calendar entry and for every recently
   cancelled entry. The one-to-one (and the partial unique on cancellations) makes a second
   scheduler's insert fail harmlessly. Only what happened in the last ``PROMOTION_RECENT_DAYS``
   (2) days is told: the first deployment does not mail the whole back catalogue, and a
   worker stopped for a day catches up on its return.
2. **Plan.** One ``Delivery`` per active subscriber it concerns (everything, or a followed
   topic among the release's: sector, agency, dataset, product), created in chunks with
   ``ignore_conflicts`` against the unique (dispatch, subscriber): a plan cut short by a killed
   worker is completed by the next run, and ``planned_at`` says it is complete. Weekly
   subscribers' release deliveries are *held* for their digest; calendar notices go at once
   to everybody (a postponement told a week late is no news).
3. **Send.** Pending deliveries are claimed in batches of ``PROMOTION_BATCH`` with one
   ``UPDATE … WHERE id IN (…) AND state = pending`` under a random token: the database gives
   each row to one worker only (PostgreSQL re-checks the ``state`` condition on the row it
   locks; SQLite writes one at a time). Right before sending, the release is checked again —
   still out, not withdrawn, its content still public (asked again every second during a
   batch) — and the subscriber still active; otherwise the delivery is skipped. A batch goes
   over one SMTP connection, throttled to ``PROMOTION_SEND_RATE`` messages a second (per
   worker), and each message is marked sent as soon as the server took it.

**The one window.** A worker killed between the server's "250" and its own ``UPDATE`` leaves
that one delivery "sending"; after ``PROMOTION_STALE_MINUTES`` it is pending again and sent a
second time. At most one message per killed worker, and recognisable: the ``Message-ID`` is
made from the dispatch and the subscriber, so the copy has the same id as the first (mail
programs and many servers fold such duplicates).

**Failures.** An answer refusing one message (a 4xx or 5xx to its recipient or its data)
counts on the subscriber (``failures``, ``last_error``): a temporary one leaves the delivery
pending for the next run (not this one), a permanent one fails it; after
``PROMOTION_MAX_FAILURES`` in a row the subscriber is suspended (audited
``promotion.suspended``) and its other deliveries skipped; a delivery that goes through resets
the count. A server that cannot be reached or drops the connection is nobody's fault: the
batch goes back to pending untouched and the run stops.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django_tasks import task

from satudata.core.audit import record
from satudata.core.mail import is_permanent
from satudata.promotion import messages
from satudata.promotion.facts import ReleaseFacts, facts_of
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Digest,
    Dispatch,
    DispatchKind,
    Frequency,
    Subscriber,
    SubscriberState,
    Topic,
)
from satudata.releases.models import (
    DateChange,
    EntryState,
    Release,
    ReleaseEntry,
    ReleaseState,
)

logger = logging.getLogger(__name__)

PLAN_CHUNK = 2000
RECHECK_SECONDS = 1.0
ERROR_LENGTH = 500


def recent() -> dt.timedelta:
    """How far back releases and calendar changes are still told (see the module's doc)."""
    return dt.timedelta(days=getattr(settings, "PROMOTION_RECENT_DAYS", 2))


def stale_after() -> dt.timedelta:
    """A delivery "sending" for longer than this belongs to a worker that died."""
    return dt.timedelta(minutes=getattr(settings, "PROMOTION_STALE_MINUTES", 10))


class ServerUnavailable(Exception):
    """The mail server cannot be reached or dropped the connection."""


# Errors that say nothing about the message: the server went away (or never came).
UNAVAILABLE = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


# --- 1. Open ----------------------------------------------------------------------------------


def _create(**values: Any) -> bool:
    """Create one dispatch; False when another scheduler was first (the unique says so)."""
    try:
        with transaction.atomic():
            Dispatch.objects.create(**values)
    except IntegrityError:
        return False
    return True


def public_entries() -> models.QuerySet[ReleaseEntry]:
    """Calendar entries everyone sees (entries of data that is not open are the staff's)."""
    return ReleaseEntry.objects.visible_to(AnonymousUser())


def open_dispatches(at: dt.datetime) -> int:
    """Create the dispatches due at ``at``; returns how many this call created."""
    since = at - recent()
    created = 0
    releases = (
        Release.objects.published(at)
        .filter(state=ReleaseState.SCHEDULED, release_at__gte=since)
        .exclude(Exists(Dispatch.objects.filter(release=OuterRef("pk"))))
    )
    for release in releases.only("pk"):
        created += _create(kind=DispatchKind.RELEASE, release=release, created_at=at)
    changes = (
        DateChange.objects.filter(
            changed_at__gte=since, new_at__gt=F("previous_at"), entry__in=public_entries()
        )
        .exclude(entry__state=EntryState.CANCELLED)
        .exclude(entry__released_at__lte=at)  # out already: its release e-mail tells it
        .exclude(Exists(Dispatch.objects.filter(date_change=OuterRef("pk"))))
    )
    for change in changes.only("pk", "entry_id"):
        created += _create(
            kind=DispatchKind.POSTPONED, date_change=change, entry_id=change.entry_id, created_at=at
        )
    cancelled = public_entries().filter(state=EntryState.CANCELLED, cancelled_at__gte=since)
    cancelled = cancelled.exclude(
        Exists(Dispatch.objects.filter(entry=OuterRef("pk"), kind=DispatchKind.CANCELLED))
    )
    for entry in cancelled.only("pk"):
        created += _create(kind=DispatchKind.CANCELLED, entry=entry, created_at=at)
    return created


# --- 2. Plan ----------------------------------------------------------------------------------


def entry_topics(entry: ReleaseEntry) -> list[tuple[str, str]]:
    """What a calendar entry is about, as topics: its agency, its sector, its dataset or
    product (from its Daftar Data item or the release scheduled on it)."""
    topics = [("instansi", entry.agency.slug)]
    if entry.sector:
        topics.append(("sektor", entry.sector))
    dataset = getattr(entry.item, "dataset", None) if entry.item_id else None
    if dataset is not None:
        topics.append(("dataset", str(dataset.uuid)))
        if not entry.sector and dataset.sector:
            topics.append(("sektor", dataset.sector))
    release = Release.objects.filter(entry=entry).first()
    content: Any = release.content if release is not None else None
    if content is not None:
        owner = getattr(content, "product", None) or getattr(content, "dataset", None)
        kind = "produk" if hasattr(content, "product") else "dataset"
        if owner is not None:
            topics.append((kind, str(owner.uuid)))
            if getattr(owner, "sector", ""):
                topics.append(("sektor", owner.sector))
    return list(dict.fromkeys(topics))


def topics_of(dispatch: Dispatch, facts: ReleaseFacts | None = None) -> list[tuple[str, str]]:
    if dispatch.kind == DispatchKind.RELEASE:
        assert dispatch.release is not None
        return (facts or facts_of(dispatch.release)).topics
    assert dispatch.entry is not None
    return entry_topics(dispatch.entry)


def concerned(dispatch: Dispatch, topics: list[tuple[str, str]]) -> models.QuerySet[Subscriber]:
    """The active subscribers a dispatch concerns: those following everything or one of its
    topics; for a calendar notice, only those who asked for calendar changes."""
    match = Q()
    for kind, value in topics:
        match |= Q(kind=kind, value=value)
    follows = Exists(Topic.objects.filter(match, subscriber=OuterRef("pk"))) if topics else Q()
    chosen = Subscriber.objects.active().filter(Q(everything=True) | follows)
    if dispatch.kind != DispatchKind.RELEASE:
        chosen = chosen.filter(calendar_changes=True)
    return chosen


def plan(dispatch: Dispatch, at: dt.datetime, cache: FactsCache | None = None) -> int:
    """Create the deliveries of ``dispatch`` (idempotent); returns how many it now has."""
    facts = (cache or FactsCache()).get(dispatch) if dispatch.kind == DispatchKind.RELEASE else None
    chosen = concerned(dispatch, topics_of(dispatch, facts))
    last = 0
    while True:
        rows = list(
            chosen.filter(pk__gt=last).order_by("pk").values_list("pk", "frequency")[:PLAN_CHUNK]
        )
        if not rows:
            break
        Delivery.objects.bulk_create(
            [
                Delivery(dispatch=dispatch, subscriber_id=pk, state=_first_state(dispatch, often))
                for pk, often in rows
            ],
            ignore_conflicts=True,
        )
        last = rows[-1][0]
    planned = Delivery.objects.filter(dispatch=dispatch).count()
    Dispatch.objects.filter(pk=dispatch.pk, planned_at__isnull=True).update(planned_at=at)
    return planned


def _first_state(dispatch: Dispatch, frequency: str) -> str:
    if dispatch.kind == DispatchKind.RELEASE and frequency == Frequency.WEEKLY:
        return DeliveryState.HELD
    return DeliveryState.PENDING


# --- 3. Send ----------------------------------------------------------------------------------


@dataclass
class FactsCache:
    """What one run reads or renders once: the facts of each release (they read the released
    data), each message rendered per dispatch and language, the site's name."""

    known: dict[tuple[int, str], ReleaseFacts] = field(default_factory=dict)
    renderings: messages.Renderings = field(default_factory=dict)
    name: str = field(default_factory=messages.site_name)

    def get(self, dispatch: Dispatch, language: str = "id") -> ReleaseFacts:
        """The facts in ``language``: labels such as "Rata-rata" and the product type are
        words of the reader's language, not of the worker's."""
        assert dispatch.release is not None and dispatch.release_id is not None
        key = (dispatch.release_id, language)
        if key not in self.known:
            with translation.override(language):
                self.known[key] = facts_of(dispatch.release)
        return self.known[key]


def release_is_out(release: Release, at: dt.datetime) -> bool:
    """Whether everyone may read ``release`` at ``at``: scheduled, its time come, not withdrawn,
    and its content let through by the content's own gate (data that is not open is not)."""
    fresh = Release.objects.filter(pk=release.pk).first()
    if fresh is None or fresh.state != ReleaseState.SCHEDULED or not fresh.is_published(at):
        return False
    content: Any = fresh.content
    if content is None:
        return False
    gate = type(content)._default_manager.visible_to(AnonymousUser(), at)  # type: ignore[attr-defined]
    return bool(gate.filter(pk=content.pk).exists())


def still_due(dispatch: Dispatch, at: dt.datetime) -> bool:
    """Whether a dispatch may still be told at ``at`` (checked right before each batch)."""
    if dispatch.kind == DispatchKind.RELEASE:
        assert dispatch.release is not None
        return release_is_out(dispatch.release, at)
    return dispatch.entry_id is not None and public_entries().filter(pk=dispatch.entry_id).exists()


def claim(token: str, at: dt.datetime, started: dt.datetime, size: int) -> int:
    """Take up to ``size`` pending deliveries for this worker under ``token``. Rows a
    temporary failure put back during this run (claimed since ``started``) wait for the next."""
    waiting = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=started)
    )
    ids = waiting.order_by("pk").values("pk")[:size]
    return Delivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, claim=token, claimed_at=at, attempts=F("attempts") + 1
    )


def still_mine(row: Delivery, token: str) -> bool:
    """Right before its message goes: the row is still this worker's (a batch slower than the
    stale limit may have been given back and taken by another worker) and its subscriber still
    active (an unsubscription during the batch). Renews this row's claim time; the rest of a batch
    slower than the stale limit may still be given back and taken by another worker, and this
    check makes the first worker skip those rows rather than send them twice. A row whose
    subscriber is no longer active is skipped here."""
    now = timezone.now()
    mine = Delivery.objects.filter(pk=row.pk, claim=token, state=DeliveryState.SENDING)
    if mine.filter(subscriber__state=SubscriberState.ACTIVE).update(claimed_at=now):
        return True
    mine.update(state=DeliveryState.SKIPPED, claim="", claimed_at=None, error="unsubscribed")
    return False


def release_stale(at: dt.datetime) -> int:
    """Give back deliveries left "sending" by a worker that died (see the module's doc)."""
    return Delivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=at - stale_after()
    ).update(state=DeliveryState.PENDING, claim="")


@dataclass
class Throttle:
    """At most ``rate`` messages a second from this worker (0: no limit)."""

    rate: float
    began: float = field(default_factory=time.perf_counter)
    count: int = 0

    def wait(self) -> None:
        if self.rate > 0:
            ahead = self.count / self.rate - (time.perf_counter() - self.began)
            if ahead > 0:
                time.sleep(ahead)
        self.count += 1


@dataclass
class Sender:
    """One worker's run of sending: its SMTP connection, throttle and caches."""

    started: dt.datetime
    facts: FactsCache = field(default_factory=FactsCache)
    throttle: Throttle = field(
        default_factory=lambda: Throttle(float(settings.PROMOTION_SEND_RATE))
    )
    connection: Any = None
    sent: int = 0

    def run(self, batch: int) -> int:
        """Send batches until none is left for this run; returns the messages sent."""
        try:
            while True:
                token = secrets.token_hex(12)
                if claim(token, timezone.now(), self.started, batch):
                    self.send_claimed(token)
                elif not _claimable(self.started):
                    break
        except ServerUnavailable as error:
            logger.warning("Release e-mails paused: the mail server is unavailable (%s)", error)
        finally:
            self.close()
        return self.sent

    def close(self) -> None:
        if self.connection is not None:
            # A connection already gone closes with an error: no matter.
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

    def open(self) -> Any:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            try:
                self.connection.open()
            except (OSError, smtplib.SMTPException) as error:
                self.connection = None
                raise ServerUnavailable(str(error)) from error
        return self.connection

    def send_claimed(self, token: str) -> None:
        rows = list(
            Delivery.objects.filter(claim=token, state=DeliveryState.SENDING)
            .select_related("subscriber", "dispatch__release", "dispatch__date_change")
            .select_related("dispatch__entry__agency")
            .order_by("pk")
        )
        due: dict[int, tuple[bool, float]] = {}
        for index, row in enumerate(rows):
            # Asked again at least every RECHECK_SECONDS: a withdrawal stops the batch at once.
            known = due.get(row.dispatch_id)
            if known is None or time.perf_counter() - known[1] > RECHECK_SECONDS:
                known = (still_due(row.dispatch, timezone.now()), time.perf_counter())
                due[row.dispatch_id] = known
            if not known[0] or row.subscriber.state != SubscriberState.ACTIVE:
                _finish(row, DeliveryState.SKIPPED)
                continue
            if not still_mine(row, token):
                continue
            try:
                self.deliver(row)
            except ServerUnavailable:
                _give_back([r.pk for r in rows[index:]])
                raise

    def deliver(self, row: Delivery) -> None:
        """Render and hand one message to the server, and record the outcome at once."""
        try:
            message = build(row, self.facts)
        except Exception as error:  # our fault, not the subscriber's: not counted on it
            logger.exception("Release e-mail of delivery %s could not be built", row.pk)
            _finish(row, DeliveryState.FAILED, error_text(error))
            return
        self.throttle.wait()
        connection = self.open()
        try:
            connection.send_messages([message])
        except UNAVAILABLE as error:
            self.close()
            raise ServerUnavailable(str(error)) from error
        except smtplib.SMTPException as error:  # an answer about this message (4xx, 5xx)
            failed(row, error)
            return
        except OSError as error:  # the network (SMTPException is an OSError: caught above)
            self.close()
            raise ServerUnavailable(str(error)) from error
        _finish(row, DeliveryState.SENT)
        succeeded(row.subscriber)
        self.sent += 1


def build(row: Delivery, facts: FactsCache) -> EmailMultiAlternatives:
    """The message of one delivery."""
    dispatch = row.dispatch
    name, cache = facts.name, facts.renderings
    if dispatch.kind == DispatchKind.RELEASE:
        told = facts.get(dispatch, row.subscriber.language)
        return messages.release_message(dispatch, told, row.subscriber, name, cache)
    if dispatch.kind == DispatchKind.POSTPONED:
        return messages.postponed_message(dispatch, row.subscriber, name, cache)
    return messages.cancelled_message(dispatch, row.subscriber, name, cache)


def _claimable(started: dt.datetime) -> bool:
    return (
        Delivery.objects.filter(state=DeliveryState.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=started))
        .exists()
    )


def _finish(row: Delivery, state: str, error: str = "") -> None:
    values: dict[str, Any] = {"state": state, "error": error[:ERROR_LENGTH]}
    if state == DeliveryState.SENT:
        values["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=row.pk, claim=row.claim).update(**values)


def _give_back(ids: Iterable[int]) -> None:
    """Deliveries not tried because the server went away: pending again, as if never claimed."""
    Delivery.objects.filter(pk__in=list(ids), state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING, claim="", claimed_at=None, attempts=F("attempts") - 1
    )


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def failed(row: Delivery, error: BaseException) -> None:
    """A refusal of one message: counted on its subscriber; a temporary one is tried again on
    the next run, unless the subscriber is now suspended."""
    text = error_text(error)
    suspended = count_failure(row.subscriber, text)
    retry = not is_permanent(error) and not suspended
    _finish(row, DeliveryState.PENDING if retry else DeliveryState.FAILED, text)
    if retry:  # claimed_at (this run's) keeps it out of this run's claims
        Delivery.objects.filter(pk=row.pk).update(claim="")


@transaction.atomic
def count_failure(subscriber: Subscriber, text: str) -> bool:
    """One more failure in a row for ``subscriber``; suspends it (audited) at
    ``PROMOTION_MAX_FAILURES``. Returns whether it is now suspended."""
    Subscriber.objects.filter(pk=subscriber.pk).update(failures=F("failures") + 1, last_error=text)
    fresh = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if fresh.state != SubscriberState.ACTIVE or fresh.failures < settings.PROMOTION_MAX_FAILURES:
        return fresh.state == SubscriberState.SUSPENDED
    now = timezone.now()
    Subscriber.objects.filter(pk=fresh.pk).update(state=SubscriberState.SUSPENDED, suspended_at=now)
    subscriber.state = SubscriberState.SUSPENDED
    record(
        "promotion.suspended",
        actor=None,
        actor_label="sistem",
        obj=fresh,
        summary=f"Langganan ditangguhkan setelah {fresh.failures} pengiriman gagal berturut-turut",
        changes={"last_error": text},
    )
    return True


def succeeded(subscriber: Subscriber) -> None:
    if subscriber.failures:
        Subscriber.objects.filter(pk=subscriber.pk).update(failures=0, last_error="")
        subscriber.failures = 0


def finish_dispatches(at: dt.datetime) -> int:
    """Close the dispatches with nothing left to send now (held deliveries are the digest's):
    their number of recipients told and the time."""
    busy = Delivery.objects.filter(
        dispatch=OuterRef("pk"), state__in=[DeliveryState.PENDING, DeliveryState.SENDING]
    )
    done = Dispatch.objects.filter(planned_at__isnull=False, finished_at__isnull=True).exclude(
        Exists(busy)
    )
    closed = 0
    for dispatch in done.only("pk"):
        told = dispatch.deliveries.filter(state=DeliveryState.SENT).count()
        closed += Dispatch.objects.filter(pk=dispatch.pk, finished_at__isnull=True).update(
            finished_at=at, recipients=told
        )
    return closed


def run(at: dt.datetime | None = None) -> int:
    """One run of ``dispatch_due`` (see the module's doc); returns the messages sent."""
    moment = at or timezone.now()
    cache = FactsCache()
    open_dispatches(moment)
    for dispatch in Dispatch.objects.filter(planned_at__isnull=True).select_related(
        "release", "entry__agency", "entry__item"
    ):
        plan(dispatch, moment, cache)
    release_stale(moment)
    sent = Sender(started=moment, facts=cache).run(settings.PROMOTION_BATCH)
    finish_dispatches(timezone.now())
    return sent


@task()
def dispatch_due() -> int:
    """Periodic (every minute): open, plan and send what is due (see the module's doc)."""
    return run()


# --- Weekly digests -----------------------------------------------------------------------------


def digest_week(at: dt.datetime) -> dt.date | None:
    """The Monday of the week whose digest is due at ``at`` (WIB), or None when it is not the
    digest's day or not yet its time."""
    local = timezone.localtime(at)
    hours, _sep, minutes = str(settings.PROMOTION_DIGEST_TIME).partition(":")
    if local.weekday() != settings.PROMOTION_DIGEST_WEEKDAY:
        return None
    if local.time() < dt.time(int(hours), int(minutes or 0)):
        return None
    return local.date() - dt.timedelta(days=local.weekday())


def send_due_digests(at: dt.datetime | None = None) -> int:
    """Send the weekly digests due at ``at``: one per weekly subscriber with held releases and
    week (unique), claimed like deliveries. Returns the digests sent."""
    moment = at or timezone.now()
    week = digest_week(moment)
    if week is None:
        return 0
    Digest.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=moment - stale_after()
    ).update(state=DeliveryState.PENDING, claim="")
    held = Delivery.objects.filter(subscriber=OuterRef("pk"), state=DeliveryState.HELD)
    readers = Subscriber.objects.active().filter(frequency=Frequency.WEEKLY).filter(Exists(held))
    for subscriber_id in readers.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                Digest.objects.get_or_create(subscriber_id=subscriber_id, week=week)
        except IntegrityError:  # another scheduler made it between our read and insert
            pass
    sender = Sender(started=moment)
    try:
        for digest in Digest.objects.filter(week=week, state=DeliveryState.PENDING).only("pk"):
            token = secrets.token_hex(12)
            taken = Digest.objects.filter(pk=digest.pk, state=DeliveryState.PENDING).update(
                state=DeliveryState.SENDING, claim=token, claimed_at=timezone.now()
            )
            if taken:
                _send_digest(sender, Digest.objects.select_related("subscriber").get(pk=digest.pk))
    except ServerUnavailable as error:
        logger.warning("Weekly digests paused: the mail server is unavailable (%s)", error)
    finally:
        sender.close()
    return sender.sent


def _send_digest(sender: Sender, digest: Digest) -> None:
    subscriber, now = digest.subscriber, timezone.now()
    rows = list(
        digest.subscriber.deliveries.filter(state=DeliveryState.HELD)
        .select_related("dispatch__release")
        .order_by("dispatch__release__release_at", "pk")
    )
    told = [r for r in rows if r.dispatch.release and release_is_out(r.dispatch.release, now)]
    gone = [r.pk for r in rows if r not in told]
    Delivery.objects.filter(pk__in=gone).update(state=DeliveryState.SKIPPED, digest=digest)
    if not told or subscriber.state != SubscriberState.ACTIVE:
        _close_digest(digest, DeliveryState.SKIPPED)
        return
    message = messages.digest_message(
        digest,
        [sender.facts.get(r.dispatch, subscriber.language) for r in told],
        subscriber,
        sender.facts.name,
    )
    try:
        _hand_over(sender, message, lambda: _give_back_digest(digest))
    except smtplib.SMTPException as error:
        text = error_text(error)
        suspended = count_failure(subscriber, text)
        retry = not is_permanent(error) and not suspended
        _close_digest(digest, DeliveryState.PENDING if retry else DeliveryState.FAILED, text)
        return
    with transaction.atomic():
        _close_digest(digest, DeliveryState.SENT)
        Delivery.objects.filter(pk__in=[r.pk for r in told]).update(
            state=DeliveryState.SENT, digest=digest, sent_at=now
        )
        for dispatch_id in {r.dispatch_id for r in told}:
            Dispatch.objects.filter(pk=dispatch_id).update(recipients=F("recipients") + 1)
    succeeded(subscriber)
    sender.sent += 1


def _hand_over(sender: Sender, message: EmailMultiAlternatives, undo: Callable[[], None]) -> None:
    sender.throttle.wait()
    try:
        sender.open().send_messages([message])
    except ServerUnavailable:
        undo()
        raise
    except UNAVAILABLE as error:
        sender.close()
        undo()
        raise ServerUnavailable(str(error)) from error
    except smtplib.SMTPException:
        raise  # an answer about this message: the caller counts it
    except OSError as error:
        sender.close()
        undo()
        raise ServerUnavailable(str(error)) from error


def _give_back_digest(digest: Digest) -> None:
    Digest.objects.filter(pk=digest.pk).update(state=DeliveryState.PENDING, claim="")


def _close_digest(digest: Digest, state: str, error: str = "") -> None:
    values: dict[str, Any] = {"state": state, "error": error[:ERROR_LENGTH]}
    if state == DeliveryState.SENT:
        values["sent_at"] = timezone.now()
    Digest.objects.filter(pk=digest.pk, claim=digest.claim).update(**values)


@task()
def send_digests() -> int:
    """Periodic (hourly): the weekly digests, on their day from their time (WIB)."""
    return send_due_digests()
