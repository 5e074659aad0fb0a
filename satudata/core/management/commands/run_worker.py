from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from satudata.core.scheduler import tick

logger = logging.getLogger(__name__)

# The RQ worker needs django-tasks-rq's job class: RQ's own fails every job ("'Task' object is
# not callable"). README and docs/operator.md give the same command.
RQ_WORKER = "manage.py rqworker --job-class django_tasks_rq.Job default"


def _scheduler_loop(interval: float) -> None:
    while True:
        try:
            close_old_connections()
            tick()
        except Exception:  # a failed tick must not stop the worker; the next one retries
            logger.exception("Scheduler tick failed")
        time.sleep(interval)


class Command(BaseCommand):
    help = (
        "Run background tasks from the database queue, with the periodic scheduler inside. "
        f"For the Redis/RQ backend run '{RQ_WORKER}' and 'run_scheduler' instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue periodic jobs from this worker.",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                f"TASKS_BACKEND is '{settings.TASKS_BACKEND}'; this worker serves the database "
                f"queue only. For Redis/RQ run '{RQ_WORKER}' and 'manage.py run_scheduler'."
            )
        if not options["no_scheduler"] and not options["batch"]:
            threading.Thread(target=_scheduler_loop, args=(30.0,), daemon=True).start()
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write("Worker siap; menunggu tugas latar belakang.")
        worker.run()
