"""Releasing content in tests through the real workflow, at any moment: a past moment by
travelling there (``time_machine``), a future one by scheduling on a confirmed date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.roles import Role
from satudata.releases import services
from satudata.releases.content import kind_for
from satudata.releases.models import Precision, Release


def release(
    content: Any,
    *,
    kepala_bidang: User,
    at: dt.datetime | None = None,
    walidata: User | None = None,
) -> Release:
    """Release ``content`` at ``at`` (now): prepared and submitted by the Walidata, approved by
    the Kepala Bidang; a future ``at`` goes on its calendar entry, which the Kepala Bidang
    confirms for that time (so that date is the one approved)."""
    walidata = walidata or User.objects.filter(role=Role.WALIDATA, is_active=True).first()
    assert walidata is not None, "the personas include a Walidata"
    now = timezone.now()
    if at is not None and at < now - dt.timedelta(seconds=1):
        import time_machine

        with time_machine.travel(at, tick=False):
            return release(content, kepala_bidang=kepala_bidang, walidata=walidata)
    item = services.prepare_release(actor=walidata, content=content, kind=kind_for(content))
    item = services.submit_release(actor=walidata, release=item)
    item = services.approve_release(actor=kepala_bidang, release=item)
    if at is None or at <= now + dt.timedelta(seconds=1):
        return services.publish_now(actor=kepala_bidang, release=item, reason="uji")
    entry = item.entry or services.plan_entry(
        actor=walidata,
        title=item.title,
        agency=item.agency,
        planned_at=at,
        precision=Precision.MONTH,
        kind=item.kind,
    )
    Release.objects.filter(pk=item.pk, entry__isnull=True).update(entry=entry)
    if entry.state != "pasti" or entry.planned_at != at:
        local = timezone.localtime(at)
        entry = services.confirm_entry(
            actor=kepala_bidang,
            entry=entry,
            day=local.date(),
            time=local.time(),
            reason="uji: tanggal disesuaikan",
        )
    return services.schedule_release(actor=walidata, release=item, entry=entry)
