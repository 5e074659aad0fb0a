"""State changes on accounts: each one atomic, permission-checked and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from satudata.accounts.models import ApiToken, Notification, User, hash_token
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability, TokenScope
from satudata.core import mail
from satudata.core.audit import record
from satudata.core.middleware import client_ip
from satudata.core.models import MailKind, SiteProfile

MAX_TOKENS_PER_USER = 20
# Writing last_used_at on every call would turn each read into a write; once a minute is enough
# to show "last used" truthfully.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenLimitReached(Exception):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


@transaction.atomic
def create_api_token(
    *, actor: User, name: str, scopes: list[str], expires_at: datetime | None = None
) -> IssuedToken:
    """Issue a personal token. The raw value is returned here once and never stored."""
    require(actor, Capability.USE_API_TOKENS)
    valid = [s for s in TokenScope.values if s in scopes] or [TokenScope.READ.value]
    if ApiToken.objects.filter(user=actor).usable().count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitReached
    raw, prefix = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=hash_token(raw),
        scopes=valid,
        expires_at=expires_at,
    )
    record(
        "accounts.token_created",
        actor=actor,
        obj=token,
        summary=f"Token API '{token.name}' dibuat ({', '.join(valid)})",
        changes={"scopes": [None, valid], "expires_at": [None, expires_at]},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        require(actor, Capability.ADMINISTER)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "accounts.token_revoked",
        actor=actor,
        obj=token,
        summary=f"Token API '{token.name}' dicabut",
        changes={"revoked_at": [None, token.revoked_at]},
    )


def authenticate_token(request: HttpRequest) -> ApiToken | None:
    """The usable token named by the request's Authorization header, if any.

    Accepts ``Bearer <token>``, ``Token <token>`` and a bare token (what CKAN clients send).
    """
    header = request.headers.get("Authorization", "").strip()
    if not header:
        header = request.headers.get("X-CKAN-API-Key", "").strip()
    if not header:
        return None
    parts = header.split(None, 1)
    raw = parts[1] if len(parts) == 2 and parts[0].lower() in {"bearer", "token"} else header
    token = (
        ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=now, last_used_ip=client_ip(request)
        )
        token.last_used_at = now
    return token


def notify(
    users: Iterable[User], *, title: str, body: str = "", url: str = "", email: bool = True
) -> int:
    """Tell each person in-app and by e-mail (queued, sent after the transaction commits, so a
    rolled-back change sends nothing; a mail server that is down loses no in-app message).
    ``email=False`` when the caller already mails the news its own way (a nota dinas goes to the
    agency's address with the letter attached): the in-app notice is then the only addition."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create(
        Notification(user=u, title=title[:300], body=body, url=url[:300]) for u in people.values()
    )
    to = sorted({u.email for u in people.values() if u.email}) if email else []
    if to:
        site = SiteProfile.current().site_name
        text = "\n\n".join(filter(None, [body, url and f"{settings.SITE_URL.rstrip('/')}{url}"]))
        for address in to:  # one message each: recipients do not see one another
            mail.send([address], f"[{site}] {title}", text, kind=MailKind.NOTICE)
    return len(people)


@transaction.atomic
def mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications (all, or those with ``ids``) as read."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def open_notification(*, actor: User, pk: int) -> Notification | None:
    """The actor's notification ``pk``, marked read now that it is opened; None for another
    person's (or no such) notification. Not audited: reading one's own inbox changes nothing
    anyone else sees."""
    notification = Notification.objects.filter(user=actor, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
