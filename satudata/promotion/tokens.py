"""The secret links of a subscriber, signed with the site's key: no token is stored.

* ``confirm`` links expire after ``PROMOTION_CONFIRM_DAYS``;
* ``manage`` links (the preference page) and ``unsubscribe`` links do not expire, but each
  carries the subscriber's ``nonce``: changing it (``void_links``) voids every link sent before.

A forged, altered, expired or voided link reads as ``None``; pages answer it with the same
message whatever the reason, so that a link never tells whether an address is subscribed.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from satudata.promotion.models import Subscriber, new_nonce

PURPOSES = ("confirm", "manage", "unsubscribe")


def _signer(purpose: str) -> signing.TimestampSigner:
    assert purpose in PURPOSES
    return signing.TimestampSigner(salt=f"satudata.promotion.{purpose}")


def make(subscriber: Subscriber, purpose: str) -> str:
    """A link token for ``subscriber``: its id and nonce, signed for ``purpose``."""
    return _signer(purpose).sign(f"{subscriber.pk}.{subscriber.nonce}")


def read(token: str, purpose: str) -> Subscriber | None:
    """The subscriber a token is for, or None when it is forged, expired or voided."""
    max_age = settings.PROMOTION_CONFIRM_DAYS * 86400 if purpose == "confirm" else None
    try:
        value = _signer(purpose).unsign(token[:300], max_age=max_age)
    except (signing.BadSignature, ValueError):
        return None
    pk, _, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        return None
    subscriber = Subscriber.objects.filter(pk=int(pk)).first()
    if subscriber is None or subscriber.nonce != nonce:
        return None
    return subscriber


def void_links(subscriber: Subscriber) -> None:
    """Void every link sent to ``subscriber`` so far (a new nonce)."""
    subscriber.nonce = new_nonce()
    subscriber.save(update_fields=["nonce"])
