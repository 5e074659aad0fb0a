from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from satudata.core.models import ScheduledRun
from satudata.core.scheduler import tick
from satudata.core.testing import load_reference_data, make_personas
from satudata.sop.services import open_task

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
AT = dt.datetime(2026, 3, 2, 9, 10, tzinfo=dt.UTC)
# Two periodic jobs of different intervals, so the counts below do not change when another job
# is scheduled in production.
REMINDERS = {
    "sop-due-reminders": ("satudata.sop.tasks.send_due_reminders", 60),
    "mail-retry": ("satudata.core.mail.retry_due", 1),
}


@override_settings(TASKS=DB_TASKS, PERIODIC_TASKS=REMINDERS)
class SchedulerTests(TestCase):
    def test_it_enqueues_each_job_once_per_slot(self) -> None:
        self.assertEqual(tick(AT), ["sop-due-reminders", "mail-retry"])
        self.assertEqual(tick(AT + dt.timedelta(seconds=20)), [])
        self.assertEqual(tick(AT + dt.timedelta(minutes=20)), ["mail-retry"])
        self.assertEqual(tick(AT + dt.timedelta(minutes=60)), ["sop-due-reminders", "mail-retry"])
        self.assertEqual(ScheduledRun.objects.filter(name="sop-due-reminders").count(), 2)
        self.assertEqual(ScheduledRun.objects.count(), 5)
        self.assertEqual(DBTaskResult.objects.count(), 5)


@override_settings(TASKS=DB_TASKS, TASKS_BACKEND="database", PERIODIC_TASKS=REMINDERS)
class WorkerTests(TransactionTestCase):
    def test_the_worker_runs_what_the_scheduler_enqueued(self) -> None:
        load_reference_data()
        p = make_personas()
        open_task(
            actor=None,
            step="layanan",
            title="Permintaan data",
            executor=p.walidata,
            start_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=5),
        )
        tick()
        call_command("run_worker", "--batch", "--interval", "0")
        # the reminder queued its message; the same worker run delivered it
        results = DBTaskResult.objects.order_by("enqueued_at")
        self.assertEqual(
            [(r.task_path, r.status) for r in results],
            [
                ("satudata.sop.tasks.send_due_reminders", "SUCCESSFUL"),
                ("satudata.core.mail.retry_due", "SUCCESSFUL"),
                ("satudata.core.mail.deliver", "SUCCESSFUL"),
            ],
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Permintaan data", mail.outbox[0].body)
