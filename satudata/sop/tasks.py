"""Background work of the SOP app (Django Tasks API)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from satudata.core import mail
from satudata.core.models import MailKind, SiteProfile
from satudata.sop.models import SopTask
from satudata.sop.services import load_holiday_calendar

logger = logging.getLogger(__name__)

REMIND_AHEAD = dt.timedelta(days=1)


@task()
def send_due_reminders() -> int:
    """E-mail each executor once a day about their tasks due within a day or overdue."""
    now = timezone.now()
    today = timezone.localdate(now)
    tasks = (
        SopTask.objects.open()
        .with_related()
        .filter(due_at__lte=now + REMIND_AHEAD, executor__isnull=False)
        .exclude(executor__email="")
        .exclude(last_reminded_on=today)
    )
    by_person: dict[int, list[SopTask]] = defaultdict(list)
    for item in tasks:
        by_person[item.executor_id].append(item)  # type: ignore[index]
    portal = SiteProfile.current()
    with translation.override(settings.LANGUAGE_CODE):
        for items in by_person.values():
            person = items[0].executor
            assert person is not None
            body = render_to_string(
                "sop/email/due_reminder.txt",
                {"person": person, "tasks": items, "now": now, "portal": portal},
            )
            with transaction.atomic():  # the queued reminder and the "reminded" mark together
                mail.send(
                    [person.email],
                    f"[{portal.site_name}] Pengingat tenggat tugas SOP ({len(items)})",
                    body,
                    kind=MailKind.REMINDER,
                )
                SopTask.objects.filter(pk__in=[t.pk for t in items]).update(last_reminded_on=today)
    sent = len(by_person)
    logger.info("SOP reminders queued for %s people", sent)
    return sent


@task()
def load_coming_holidays() -> int:
    """Load this year's and next year's public holidays when the table has none for them, so
    due dates never run past the calendar setup_site loaded (years already there stay as kept)."""
    this_year = timezone.localdate().year
    return sum(load_holiday_calendar([this_year, this_year + 1]).values())
