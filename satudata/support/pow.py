"""A self-hosted proof-of-work challenge for the public forms: no outside captcha service.

``issue`` gives the browser a challenge: random bytes, the difficulty and the time, signed with
the site's secret (HMAC, ``django.core.signing``), so the server keeps nothing until it is used.
The browser (``static/support/pow.js``, ``crypto.subtle``) looks for a nonce such that
``sha256(challenge + nonce)`` starts with ``SUPPORT_POW_BITS`` zero bits; ``verify`` checks the
signature, the age, the difficulty and the hash, then spends the challenge in the rate-limit
cache (shared by every web process when ``RATELIMIT_CACHE_URL`` is set) so it is accepted once.

A difficulty of 0 turns the challenge off.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext as _

from satudata.support.services import SupportError

SALT = "satudata.support.pow"
# A challenge is good this long: the visitor fetches it on arrival and may type for a while.
TTL_SECONDS = 60 * 60
MAX_NONCE_LENGTH = 32


def bits() -> int:
    return max(0, int(settings.SUPPORT_POW_BITS))


def issue() -> dict[str, object]:
    """A fresh challenge for the browser to solve."""
    value = f"{secrets.token_hex(12)}:{bits()}"
    return {
        "challenge": signing.TimestampSigner(salt=SALT).sign(value),
        "bits": bits(),
        "expires_in": TTL_SECONDS,
    }


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solves(challenge: str, nonce: str, difficulty: int) -> bool:
    digest = hashlib.sha256((challenge + nonce).encode()).digest()
    return leading_zero_bits(digest) >= difficulty


def verify(challenge: str, nonce: str) -> None:
    """Accept a solved challenge once; SupportError (field ``pow``) says what to do otherwise."""
    needed = bits()
    if needed == 0:
        return
    challenge, nonce = (challenge or "").strip(), (nonce or "").strip()
    if not challenge or not nonce:
        raise SupportError(
            _(
                "The form could not be checked against spam. JavaScript must be on to send it; "
                "wait until the check below the form says it is ready, then send again."
            ),
            "pow",
        )
    retry = _("Send the form again: a new check starts by itself.")
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=TTL_SECONDS)
    except signing.SignatureExpired:
        raise SupportError(_("The spam check has expired.") + " " + retry, "pow") from None
    except signing.BadSignature:
        raise SupportError(_("The spam check is not valid.") + " " + retry, "pow") from None
    try:
        issued_bits = int(value.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        raise SupportError(_("The spam check is not valid.") + " " + retry, "pow") from None
    if (
        issued_bits < needed
        or len(nonce) > MAX_NONCE_LENGTH
        or not solves(challenge, nonce, needed)
    ):
        raise SupportError(_("The spam check was not solved.") + " " + retry, "pow")
    key = "support-pow:" + hashlib.sha256(challenge.encode()).hexdigest()
    if not caches[settings.RATELIMIT_USE_CACHE].add(key, 1, timeout=TTL_SECONDS + 60):
        raise SupportError(_("This spam check has already been used.") + " " + retry, "pow")
