"""How long raw usage events are kept: ``USAGE_RAW_RETENTION_DAYS`` (default 730; 0 keeps them
for ever). Older events are deleted only for days whose rollups are complete, so the figures of
the dashboard, the KPIs and the report stay; a day never rolled keeps its raw events whatever
their age. A day whose raw events grew after its last rollup is rolled again first.

Campaign attribution (``usage.campaign_visits``, promotion's reach) reads the raw events: for a
period older than the retention only the rolled-up landings (``DailyCampaign``) remain.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from satudata.reports.models import RolledDay, UsageEvent
from satudata.reports.rollups import bounds, roll_day

logger = logging.getLogger(__name__)


def retention_days() -> int:
    return int(getattr(settings, "USAGE_RAW_RETENTION_DAYS", 730))


def delete_expired(now: dt.datetime | None = None) -> int:
    """Delete raw events older than the retention, of complete rolled-up days only; how many."""
    days = retention_days()
    if days <= 0:
        return 0
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - dt.timedelta(days=days)
    first = UsageEvent.objects.order_by("at").values_list("at", flat=True).first()
    if first is None or timezone.localdate(first) >= cutoff:
        return 0
    deleted = 0
    rolled = RolledDay.objects.filter(
        complete=True, day__gte=timezone.localdate(first), day__lt=cutoff
    ).order_by("day")
    for day in rolled:
        start, end = bounds(day.day)
        raw = UsageEvent.objects.filter(at__gte=start, at__lt=end)
        if raw.count() > day.raw_events:
            roll_day(day.day, now=now)
        removed, _ = raw.delete()
        deleted += removed
    if deleted:
        logger.info("deleted %s raw usage events older than %s", deleted, cutoff)
    return deleted
