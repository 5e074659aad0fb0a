"""What ``/healthz`` checks: the database, the task queue, file storage and the scheduler.

Each check answers on its own and catches its own errors, so one broken part names itself
instead of turning the whole answer into a 500. Answers carry states and figures only: an
error is named by its class (the message, which may hold a host name or a path, goes to the
log), never a setting's value.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from redis import Redis
from rq import Queue

from satudata.core.models import Heartbeat
from satudata.core.scheduler import SCHEDULER_HEARTBEAT

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One part's state: ``ok`` and what was measured, or not ``ok`` and why."""

    ok: bool
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "fail", **self.details}


@dataclass(frozen=True, kw_only=True)
class QueueState:
    """Tasks waiting to run now, and how long the oldest of them has waited."""

    backend: str
    waiting: int
    oldest_wait_seconds: float


def check_database() -> CheckResult:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return CheckResult(ok=True, details={"ms": round((time.monotonic() - started) * 1000, 1)})


def _database_queue(now: dt.datetime) -> QueueState:
    # A task held back with run_after waits from that time; others from when they were queued.
    never = get_date_max()
    found = DBTaskResult.objects.ready().aggregate(
        waiting=Count("id"),
        queued=Min("enqueued_at", filter=Q(run_after=never)),
        due=Min("run_after", filter=~Q(run_after=never)),
    )
    since = [at for at in (found["queued"], found["due"]) if at is not None]
    oldest = (now - min(since)).total_seconds() if since else 0.0
    return QueueState(backend="database", waiting=found["waiting"], oldest_wait_seconds=oldest)


def _redis_queue(now: dt.datetime) -> QueueState:
    # A connection of our own with short timeouts: a Redis that does not answer must make the
    # check fail within seconds, not hold the load balancer's probe.
    client = Redis.from_url(
        str(settings.RQ_QUEUES["default"]["URL"]), socket_connect_timeout=2, socket_timeout=2
    )
    queue = Queue("default", connection=client)
    waiting = queue.count
    oldest = 0.0
    first = queue.get_jobs(0, 1)
    if first and first[0].enqueued_at is not None:
        oldest = (now - first[0].enqueued_at).total_seconds()
    return QueueState(backend="rq", waiting=waiting, oldest_wait_seconds=oldest)


def queue_state(now: dt.datetime | None = None) -> QueueState:
    """The default queue of the configured backend (the immediate backend never has a queue)."""
    now = now or timezone.now()
    if settings.TASKS_BACKEND == "database":
        return _database_queue(now)
    if settings.TASKS_BACKEND == "rq":
        return _redis_queue(now)
    return QueueState(backend=settings.TASKS_BACKEND, waiting=0, oldest_wait_seconds=0.0)


def check_queue() -> CheckResult:
    state = queue_state()
    limit = settings.HEALTH_QUEUE_MAX_WAIT_SECONDS
    details: dict[str, Any] = {
        "backend": state.backend,
        "waiting": state.waiting,
        "oldest_wait_seconds": round(max(state.oldest_wait_seconds, 0.0)),
        "limit_seconds": limit,
    }
    return CheckResult(ok=state.oldest_wait_seconds <= limit, details=details)


def check_storage() -> CheckResult:
    """Write, read back and delete a few bytes: a full disk, a read-only mount or a bucket
    that refuses writes fails here, where ``exists()`` would still answer."""
    started = time.monotonic()
    payload = b"satudata healthz"
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as handle:
            read_back = handle.read()
    finally:
        default_storage.delete(name)
    details = {"ms": round((time.monotonic() - started) * 1000, 1)}
    if read_back != payload:
        return CheckResult(ok=False, details={**details, "error": "read back differs"})
    return CheckResult(ok=True, details=details)


def check_scheduler() -> CheckResult:
    limit = settings.HEALTH_SCHEDULER_MAX_AGE_SECONDS
    last = Heartbeat.objects.filter(name=SCHEDULER_HEARTBEAT).values_list("at", flat=True).first()
    if last is None:
        return CheckResult(ok=False, details={"error": "never ran", "limit_seconds": limit})
    age = (timezone.now() - last).total_seconds()
    details = {
        "last_tick": timezone.localtime(last).isoformat(timespec="seconds"),
        "age_seconds": round(max(age, 0.0)),
        "limit_seconds": limit,
    }
    return CheckResult(ok=age <= limit, details=details)


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
    "scheduler": check_scheduler,
}


def run_check(name: str) -> CheckResult:
    try:
        return CHECKS[name]()
    except Exception as error:  # each part reports its own failure; none may raise a 500
        logger.warning("Health check %s failed: %r", name, error)
        return CheckResult(ok=False, details={"error": type(error).__name__})


def run_checks(names: list[str]) -> dict[str, CheckResult]:
    return {name: run_check(name) for name in names}
