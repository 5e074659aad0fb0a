"""Periodic jobs: each configured job is enqueued once per time slot.

Several schedulers may run (one inside each worker); the unique ScheduledRun row for a job and
slot makes sure only the first one to reach a slot enqueues it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from satudata.core.models import Heartbeat, ScheduledRun

logger = logging.getLogger(__name__)

SCHEDULER_HEARTBEAT = "scheduler"


def slot_start(now: dt.datetime, minutes: int) -> dt.datetime:
    step = minutes * 60
    return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose current slot has not been enqueued yet."""
    now = now or timezone.now()
    enqueued = []
    for name, (path, minutes) in settings.PERIODIC_TASKS.items():
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=name, slot_start=slot_start(now, minutes))
                import_string(path).enqueue()
        except IntegrityError:
            continue
        enqueued.append(name)
        logger.info("Scheduled %s", name)
    # Last, so that a tick that failed half-way shows as a stale scheduler in /healthz.
    Heartbeat.beat(SCHEDULER_HEARTBEAT, now)
    return enqueued
