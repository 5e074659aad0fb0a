"""What every step of SOP activity 3 shares: its SOP step, the refusal it raises, and telling
whoever acts next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.roles import Role
from satudata.accounts.services import notify
from satudata.releases.models import (
    Release,
)

STEP = "rilis"
# The longest pre-release access before a release (Pre-Release Access to Official Statistics
# Order 2008: 24 hours).
MAX_PRE_RELEASE = dt.timedelta(hours=24)


class ReleaseRefused(Exception):
    """The step cannot be taken; the message says why and what to do."""


# --- Who acts next ------------------------------------------------------------------------------


def people_in(role: Role) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True))


def _release_url(release: Release) -> str:
    return reverse("releases:release", args=[release.uuid])


def tell(people: Iterable[User | None], release: Release, title: str, body: str = "") -> None:
    notify([p for p in people if p is not None], title=title, body=body, url=_release_url(release))


def when_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M WIB")
