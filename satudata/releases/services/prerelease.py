"""Pre-release access: named people who may read a scheduled release at most 24 hours early,
every read logged."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import User
from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.accounts.services import notify
from satudata.core.audit import record
from satudata.releases.models import (
    PreReleaseAccess,
    Release,
    ReleaseState,
)
from satudata.releases.services.common import MAX_PRE_RELEASE, ReleaseRefused, when_text

# --- Pre-release access -------------------------------------------------------------------------


@transaction.atomic
def grant_access(
    *,
    actor: User,
    release: Release,
    person: User,
    organisation: str,
    justification: str,
    access_from: dt.datetime,
    position: str = "",
) -> PreReleaseAccess:
    """Let a named person read a scheduled release before its time, for at most 24 hours."""
    require(actor, Capability.MANAGE_RELEASES)
    release = Release.objects.get(pk=release.pk)
    if release.state != ReleaseState.SCHEDULED or release.is_published():
        raise ReleaseRefused(_("Pre-release access is given only to a scheduled release."))
    assert release.release_at is not None
    if not justification.strip() or not organisation.strip():
        raise ReleaseRefused(_("Give the person's organisation and why they need access."))
    if access_from < release.release_at - MAX_PRE_RELEASE or access_from >= release.release_at:
        raise ReleaseRefused(
            _("Pre-release access starts at most 24 hours before the release time (%(when)s).")
            % {"when": when_text(release.release_at)}
        )
    if not person.is_active:
        raise ReleaseRefused(_("This account is not active."))
    if PreReleaseAccess.objects.filter(release=release, user=person).exists():
        raise ReleaseRefused(_("%(person)s is already on the list.") % {"person": person})
    access = PreReleaseAccess.objects.create(
        release=release,
        user=person,
        organisation=organisation.strip(),
        position=position.strip(),
        justification=justification.strip(),
        access_from=access_from,
        granted_by=actor,
    )
    record(
        "releases.access_granted",
        actor=actor,
        obj=release,
        summary=f"Akses pra-rilis untuk {person} ({organisation}) mulai {when_text(access_from)}",
    )
    notify(
        [person],
        title=_("Pre-release access: %(title)s") % {"title": release.title},
        body=_(
            "You may read this release from %(start)s until it is published at %(end)s. "
            "Do not share it or anything about it before then; every access is recorded."
        )
        % {"start": when_text(access_from), "end": when_text(release.release_at)},
        url=release.releasable.release_url(),
    )
    return access


@transaction.atomic
def revoke_access(*, actor: User, access: PreReleaseAccess) -> PreReleaseAccess:
    require(actor, Capability.MANAGE_RELEASES)
    PreReleaseAccess.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    access.refresh_from_db()
    record(
        "releases.access_revoked",
        actor=actor,
        obj=access.release,
        summary=f"Akses pra-rilis {access.user} dicabut",
    )
    return access
