"""Checks whose worker was killed: started again once, then failed with a message.

A worker killed during a check (out of memory, a restart, a crash of the machine) never
writes its result: the upload would stay "being checked" and its task "running" for ever.
The check beats ``Upload.heartbeat_at`` while it runs (``tasks.heartbeat``); the scheduler's
recovery job finds checks silent for SYNC_STALE_MINUTES, marks their task failed and queues
the check again, or, after SYNC_MAX_ATTEMPTS starts, rejects the upload with a message telling
the producer what happened and what to do. Uploads received while the queue was down are
queued once it answers again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from satudata.catalog.models import Upload, UploadStatus
from satudata.catalog.sinkronisasi.services import WAITING_FOR_QUEUE, queue_check
from satudata.core.audit import record
from satudata.core.recovery import fail_task_results
from satudata.core.taskqueue import queue_errors

logger = logging.getLogger(__name__)

CHECK_TASK = "satudata.catalog.tasks.check_upload"


def interrupted_message() -> str:
    return _(
        "The check stopped: the worker running it stopped before it finished (the server "
        "was restarted or ran out of memory), twice. The file is kept. Try again: upload the "
        "file again, or send it to the Walidata if it stops again."
    )


def recover_interrupted(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recover every check silent for SYNC_STALE_MINUTES and queue uploads that waited for
    the queue; how many were retried, failed and queued."""
    now = now or timezone.now()
    silent = now - dt.timedelta(minutes=settings.SYNC_STALE_MINUTES)
    counts = {"retried": 0, "failed": 0, "queued": 0}
    stale = Upload.objects.filter(status=UploadStatus.CHECKING, heartbeat_at__lt=silent)
    for upload in stale:
        outcome = _recover(upload)
        if outcome:
            counts[outcome] += 1
    counts["queued"] = _queue_waiting(now)
    if any(counts.values()):
        logger.warning("Interrupted checks recovered: %s", counts)
    return counts


@transaction.atomic
def _recover(upload: Upload) -> str:
    # Claimed only if nothing moved since it was read: a check that beats again is left alone.
    claimed = Upload.objects.filter(
        pk=upload.pk, status=UploadStatus.CHECKING, heartbeat_at=upload.heartbeat_at
    )
    running = DBTaskResult.objects.filter(task_path=CHECK_TASK, args_kwargs__args__0=upload.pk)
    if upload.check_attempts < settings.SYNC_MAX_ATTEMPTS:
        if not claimed.update(heartbeat_at=None):
            return ""
        fail_task_results(running, "The worker stopped during the check; it was queued again.")
        record(
            "catalog.upload_check_retried",
            actor=None,
            obj=upload,
            summary=f"Pemeriksaan {upload.filename} terhenti (worker berhenti); diperiksa ulang",
        )
        queue_check(upload)
        return "retried"
    if not claimed.update(
        status=UploadStatus.REJECTED,
        heartbeat_at=None,
        error_count=1,
        progress={},
        findings=[_finding(interrupted_message())],
    ):
        return ""
    fail_task_results(running, "The worker stopped during the check, again; upload rejected.")
    record(
        "catalog.upload_check_interrupted",
        actor=None,
        obj=upload,
        summary=f"Pemeriksaan {upload.filename} terhenti dua kali; unggahan ditolak",
    )
    return "failed"


def _finding(message: str) -> dict[str, object]:
    return {
        "severity": "error",
        "sheet": "",
        "row": None,
        "column": "",
        "value": "",
        "message": message,
        "suggestion": "",
    }


def _queue_waiting(now: dt.datetime) -> int:
    """Queue the checks of uploads kept while the queue was down (services.queue_check)."""
    waiting = Upload.objects.filter(
        status=UploadStatus.RECEIVED, progress__stage=WAITING_FOR_QUEUE
    ).order_by("pk")
    queued = 0
    for upload in waiting:
        try:
            with transaction.atomic():
                queue_check(upload)
        except queue_errors():
            break
        if upload.status == UploadStatus.RECEIVED:  # the queue is still down
            break
        queued += 1
    return queued
