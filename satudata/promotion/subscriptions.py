"""Subscribing to releases by e-mail, without an account (issue 20, point 1, the subscriber's side).

* **Double opt-in.** ``request_subscription`` keeps the address as a *pending* subscriber and
  mails it a confirmation link; nothing is sent to it until ``confirm``. The page then answers
  the same words whatever the address's state (new, pending, active, unsubscribed), so that the
  form never tells a visitor whether someone is subscribed: an address that is already active
  is not changed, it is mailed its preference link instead, so that its owner, not the visitor,
  learns of the attempt.
* **One row per address.** Subscribing again (after unsubscribing, or while pending) updates
  the same row; the row of an unsubscribed address is kept (its history counts in the reach
  figures), its deliveries still waiting are skipped.
* **Addresses.** Django's validator, then a refusal of throw-away mailbox domains
  (``DISPOSABLE_DOMAINS``, and their subdomains) and of domains without a dot. Reserved
  domains (RFC 2606 and 6761: ``example.com/.net/.org``, ``*.test``, ``*.example``,
  ``*.invalid``, ``*.localhost``) can never receive mail, so the public form refuses them
  unless ``PROMOTION_ALLOW_RESERVED_DOMAINS`` (default: ``DEBUG``) says otherwise — a
  developer tries the form locally, the tests set it. The demo's sample subscribers on
  reserved domains are created by the demo loader through the model, not through this
  module, and stay.
* **Flooding.** The page counts requests per client address (``PROMOTION_SUBSCRIBE_PER_HOUR``,
  in the rate-limit cache, whose keys django-ratelimit hashes); this module sends at most one
  mail per address every ``PROMOTION_SUBSCRIBE_MAIL_INTERVAL`` seconds, so that many
  requests from many clients cannot fill one person's mailbox.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import Dataset
from satudata.core import audit, mail
from satudata.core.models import MailKind, SiteProfile
from satudata.products.models import Product
from satudata.promotion import tokens
from satudata.promotion.facts import absolute
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Frequency,
    Language,
    Subscriber,
    SubscriberState,
    Topic,
    TopicKind,
    new_nonce,
)

# Throw-away mailbox services: a subscription there is read once, then bounces or is never read.
DISPOSABLE_DOMAINS = frozenset(
    {
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "emailondeck.com",
        "fakeinbox.com",
        "getnada.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "mailinator.com",
        "maildrop.cc",
        "mailnesia.com",
        "mintemail.com",
        "mohmal.com",
        "mytemp.email",
        "sharklasers.com",
        "spamgourmet.com",
        "temp-mail.org",
        "tempmail.net",
        "tempr.email",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    }
)
RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
RESERVED_SUFFIXES = (".test", ".example", ".invalid", ".localhost")
MAIL_INTERVAL_PREFIX = "promotion-subscribe-mail"


class SubscriptionError(Exception):
    """A request that cannot be taken, with the words to show and the field they are about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True, kw_only=True)
class Preferences:
    """What a subscriber follows and how it is told."""

    everything: bool
    topics: tuple[tuple[str, str], ...]
    calendar_changes: bool
    frequency: str
    language: str


# --- Checks --------------------------------------------------------------------------------------


def allow_reserved_domains() -> bool:
    return bool(getattr(settings, "PROMOTION_ALLOW_RESERVED_DOMAINS", settings.DEBUG))


def _is_under(domain: str, names: Iterable[str]) -> bool:
    return any(domain == name or domain.endswith("." + name) for name in names)


def clean_address(email: str) -> str:
    """The address as kept (its domain in lower case), or ``SubscriptionError``."""
    address = (email or "").strip()
    try:
        validate_email(address)
    except ValidationError as error:
        raise SubscriptionError(
            _("Enter a whole e-mail address, such as nama@contoh.go.id."), "email"
        ) from error
    local, _at, domain = address.rpartition("@")
    domain = domain.lower().rstrip(".")
    if "." not in domain:
        raise SubscriptionError(
            _("The address has no full domain after the @ (such as gmail.com or contoh.go.id)."),
            "email",
        )
    if _is_under(domain, DISPOSABLE_DOMAINS):
        raise SubscriptionError(
            _(
                "Addresses of throw-away mailbox services are not accepted: use an address you "
                "will still read when the next release comes out."
            ),
            "email",
        )
    reserved = domain in RESERVED_DOMAINS or domain.endswith(RESERVED_SUFFIXES)
    if reserved and not allow_reserved_domains():
        raise SubscriptionError(
            _("This domain is reserved for examples and cannot receive e-mail."), "email"
        )
    return f"{local}@{domain}"


def known_topics(topics: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The topics that name something that exists and is public, without repeats, in order;
    anything else (a made-up key, an unpublished dataset) is dropped."""
    wanted = list(dict.fromkeys((str(k), str(v).strip()[:120]) for k, v in topics))
    by_kind: dict[str, set[str]] = {kind: set() for kind in TopicKind.values}
    for kind, value in wanted:
        if kind in by_kind:
            by_kind[kind].add(value)
    anonymous = AnonymousUser()
    valid = {
        TopicKind.SECTOR.value: {c.key for c in SECTORS} & by_kind[TopicKind.SECTOR],
        TopicKind.AGENCY.value: set(
            Agency.objects.filter(is_active=True, slug__in=by_kind[TopicKind.AGENCY]).values_list(
                "slug", flat=True
            )
        ),
        TopicKind.DATASET.value: {
            str(u)
            for u in Dataset.objects.visible_to(anonymous)
            .filter(uuid__in=_uuids(by_kind[TopicKind.DATASET]))
            .values_list("uuid", flat=True)
        },
        TopicKind.PRODUCT.value: {
            str(u)
            for u in Product.objects.visible_to(anonymous)
            .filter(uuid__in=_uuids(by_kind[TopicKind.PRODUCT]))
            .values_list("uuid", flat=True)
        },
    }
    return tuple((kind, value) for kind, value in wanted if value in valid.get(kind, set()))


def _uuids(values: Iterable[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return found


def _check_preferences(preferences: Preferences) -> Preferences:
    if preferences.frequency not in Frequency.values:
        raise SubscriptionError(_("Choose how often you want to be told."), "frequency")
    if preferences.language not in Language.values:
        raise SubscriptionError(_("Choose the language of the e-mails."), "language")
    topics = () if preferences.everything else known_topics(preferences.topics)
    if not (preferences.everything or topics or preferences.calendar_changes):
        raise SubscriptionError(
            _(
                "Choose what to follow: every release, at least one sector, agency, dataset or "
                "product, or the release calendar's changes."
            ),
            "",
        )
    return Preferences(
        everything=preferences.everything,
        topics=topics,
        calendar_changes=preferences.calendar_changes,
        frequency=preferences.frequency,
        language=preferences.language,
    )


# --- Reading a subscriber's choices --------------------------------------------------------------


def preferences_of(subscriber: Subscriber) -> Preferences:
    return Preferences(
        everything=subscriber.everything,
        topics=tuple(subscriber.topics.order_by("kind", "value").values_list("kind", "value")),
        calendar_changes=subscriber.calendar_changes,
        frequency=subscriber.frequency,
        language=subscriber.language,
    )


def _save_preferences(subscriber: Subscriber, preferences: Preferences) -> None:
    subscriber.everything = preferences.everything
    subscriber.calendar_changes = preferences.calendar_changes
    subscriber.frequency = preferences.frequency
    subscriber.language = preferences.language
    subscriber.save()
    subscriber.topics.all().delete()
    Topic.objects.bulk_create(
        Topic(subscriber=subscriber, kind=kind, value=value) for kind, value in preferences.topics
    )


def _summary(preferences: Preferences) -> dict[str, object]:
    return {
        "everything": preferences.everything,
        "topics": [f"{k}:{v}" for k, v in preferences.topics],
        "calendar_changes": preferences.calendar_changes,
        "frequency": preferences.frequency,
        "language": preferences.language,
    }


# --- Mail ----------------------------------------------------------------------------------------


def _may_mail(address: str) -> bool:
    """At most one mail per address every ``PROMOTION_SUBSCRIBE_MAIL_INTERVAL`` seconds."""
    interval = int(getattr(settings, "PROMOTION_SUBSCRIBE_MAIL_INTERVAL", 300))
    if interval <= 0:
        return True
    digest = hashlib.sha256(address.lower().encode()).hexdigest()[:32]
    cache = caches[settings.RATELIMIT_USE_CACHE]
    try:
        return bool(cache.add(f"{MAIL_INTERVAL_PREFIX}:{digest}", 1, timeout=interval))
    except Exception:  # a cache that is down does not stop a subscription
        return True


def link(subscriber: Subscriber, purpose: str) -> str:
    """The full address of one of the subscriber's pages (``confirm``, ``manage``,
    ``unsubscribe``)."""
    return absolute(reverse(f"promotion:{purpose}", args=[tokens.make(subscriber, purpose)]))


def _mail(subscriber: Subscriber, template: str, subject: Promise) -> None:
    with translation.override(subscriber.language):
        site = SiteProfile.current().site_name
        body = render_to_string(
            f"promotion/subscribe/{template}",
            {
                "site_name": site,
                "confirm_url": link(subscriber, "confirm"),
                "manage_url": link(subscriber, "manage"),
                "unsubscribe_url": link(subscriber, "unsubscribe"),
                "subscribe_url": absolute(reverse("promotion:subscribe")),
                "days": settings.PROMOTION_CONFIRM_DAYS,
            },
        )
        mail.send([subscriber.email], f"[{site}] {subject}", body, kind=MailKind.NOTICE)


def _mail_confirmation(subscriber: Subscriber) -> None:
    _mail(subscriber, "mail_confirm.txt", gettext_lazy("Confirm your subscription"))


def _mail_manage_link(subscriber: Subscriber) -> None:
    _mail(subscriber, "mail_already.txt", gettext_lazy("You are already subscribed"))


# --- Services ------------------------------------------------------------------------------------


def _find(address: str) -> Subscriber | None:
    return Subscriber.objects.select_for_update().filter(email__iexact=address).first()


@transaction.atomic
def request_subscription(
    *,
    email: str,
    topics: Iterable[tuple[str, str]],
    everything: bool,
    calendar_changes: bool,
    frequency: str,
    language: str,
    source: str = "",
) -> Subscriber:
    """Take a subscription request from the public form: a pending subscriber and a
    confirmation mail, or, for an address already active, a mail with its preference link and
    no change. Raises ``SubscriptionError`` for an address or choice it cannot take."""
    address = clean_address(email)
    preferences = _check_preferences(
        Preferences(
            everything=everything,
            topics=tuple(topics),
            calendar_changes=calendar_changes,
            frequency=frequency,
            language=language,
        )
    )
    subscriber = _find(address)
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=address, source=source[:60])
        except IntegrityError:  # the same address sent twice at once: the other one won
            subscriber = _find(address)
            assert subscriber is not None
    if subscriber.state == SubscriberState.ACTIVE:
        if _may_mail(address):
            _mail_manage_link(subscriber)
        return subscriber
    before = subscriber.state
    subscriber.state = SubscriberState.PENDING
    if source:
        subscriber.source = source[:60]
    _save_preferences(subscriber, preferences)
    audit.record(
        "promotion.subscription_requested",
        actor=None,
        obj=subscriber,
        summary=_("Subscription requested, waiting for confirmation"),
        changes={"state": [before, subscriber.state], **_summary(preferences)},
    )
    if _may_mail(address):
        _mail_confirmation(subscriber)
    return subscriber


@transaction.atomic
def confirm(*, subscriber: Subscriber) -> bool:
    """Confirm a pending subscription (the owner opened the link and pressed the button).
    Returns whether it changed anything: an active subscriber stays as it is."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.state != SubscriberState.PENDING:
        return False
    before = subscriber.state
    if subscriber.unsubscribed_at is not None or subscriber.suspended_at is not None:
        # Coming back: the links of the earlier subscription (perhaps forwarded) stop working.
        subscriber.nonce = new_nonce()
    subscriber.state = SubscriberState.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = subscriber.suspended_at = None
    subscriber.failures, subscriber.last_error = 0, ""
    subscriber.save()
    audit.record(
        "promotion.subscribed",
        actor=None,
        obj=subscriber,
        summary=_("Subscription confirmed by its owner"),
        changes={"state": [before, subscriber.state]},
    )
    return True


@transaction.atomic
def update_preferences(
    *,
    subscriber: Subscriber,
    topics: Iterable[tuple[str, str]],
    everything: bool,
    calendar_changes: bool,
    frequency: str,
    language: str,
) -> Subscriber:
    """Change what an active (or pending) subscriber follows, from its preference page."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    preferences = _check_preferences(
        Preferences(
            everything=everything,
            topics=tuple(topics),
            calendar_changes=calendar_changes,
            frequency=frequency,
            language=language,
        )
    )
    before = _summary(preferences_of(subscriber))
    _save_preferences(subscriber, preferences)
    if preferences.frequency == Frequency.IMMEDIATE:
        # Releases held for a weekly digest that will no longer come go out now instead.
        Delivery.objects.filter(subscriber=subscriber, state=DeliveryState.HELD).update(
            state=DeliveryState.PENDING
        )
    changes = audit.diff(before, _summary(preferences))
    if changes:
        audit.record(
            "promotion.preferences_changed",
            actor=None,
            obj=subscriber,
            summary=_("Subscription preferences changed by their owner"),
            changes=changes,
        )
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, how: str) -> bool:
    """Stop every mail to ``subscriber``: the row stays (unsubscribed), its deliveries still
    waiting or held for a digest are skipped. ``how`` says where it came from (``halaman``,
    ``satu-klik``, ``atur``). Returns whether it changed anything."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.state == SubscriberState.UNSUBSCRIBED:
        return False
    before = subscriber.state
    subscriber.state = SubscriberState.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["state", "unsubscribed_at"])
    skipped = Delivery.objects.filter(
        subscriber=subscriber, state__in=[DeliveryState.PENDING, DeliveryState.HELD]
    ).update(state=DeliveryState.SKIPPED, error="unsubscribed")
    audit.record(
        "promotion.unsubscribed",
        actor=None,
        obj=subscriber,
        summary=_("Unsubscribed by their owner"),
        changes={"state": [before, subscriber.state], "how": how[:20], "skipped": skipped},
    )
    return True


@transaction.atomic
def subscribe_again(*, subscriber: Subscriber) -> Subscriber:
    """From the preference page of an unsubscribed address: the same choices, confirmed again
    by a new mail (double opt-in again)."""
    current = preferences_of(subscriber)
    return request_subscription(
        email=subscriber.email,
        topics=current.topics,
        everything=current.everything,
        calendar_changes=current.calendar_changes,
        frequency=current.frequency,
        language=current.language,
        source=subscriber.source,
    )
