"""Work the worker does for SOP activity 1: checking an upload, however long it takes, and
recovering checks whose worker was killed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from satudata.accounts.models import User
from satudata.catalog.models import Upload, UploadStatus
from satudata.catalog.sinkronisasi.recovery import recover_interrupted

logger = logging.getLogger(__name__)


def _beat(upload_pk: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.SYNC_HEARTBEAT_SECONDS):
            close_old_connections()
            Upload.objects.filter(pk=upload_pk, status=UploadStatus.CHECKING).update(
                heartbeat_at=timezone.now()
            )
    except Exception:  # a missed beat is no reason to stop the check itself
        logger.exception("Heartbeat of upload %s failed", upload_pk)
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def heartbeat(upload_pk: int) -> Iterator[None]:
    """Beat ``heartbeat_at`` every SYNC_HEARTBEAT_SECONDS from a thread while the check runs.

    The thread beats whatever the check is doing (a long DuckDB query reports no progress) and
    dies with the process, so a silent upload means a killed worker, not a slow file. Its first
    beat comes after a full interval: a check that ends sooner never opens a second connection.
    """
    stop = threading.Event()
    beater = threading.Thread(target=_beat, args=(upload_pk, stop), daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()


def _failed(upload_pk: int) -> str:
    Upload.objects.filter(pk=upload_pk).update(
        status=UploadStatus.REJECTED,
        error_count=1,
        progress={},
        findings=[
            {
                "severity": "error",
                "sheet": "",
                "row": None,
                "column": "",
                "value": "",
                "message": _(
                    "The check stopped on an unexpected error. The file is kept: check it "
                    "again later, or send it to the Walidata."
                ),
                "suggestion": "",
            }
        ],
    )
    return UploadStatus.REJECTED


@task()
def check_upload(upload_pk: int, actor_pk: int) -> str:
    """Synchronise one upload. A failure is written on the upload, never lost, and the worker
    goes on with the next task."""
    from satudata.catalog.sinkronisasi.services import synchronise_upload

    upload = Upload.objects.select_related("dataset", "dataset__agency").get(pk=upload_pk)
    if upload.status not in (UploadStatus.CHECKING, UploadStatus.RECEIVED):
        return upload.status
    actor = User.objects.get(pk=actor_pk)
    Upload.objects.filter(pk=upload_pk).update(
        heartbeat_at=timezone.now(), check_attempts=F("check_attempts") + 1
    )
    try:
        with heartbeat(upload_pk):
            return synchronise_upload(actor=actor, upload=upload).status
    except Exception:
        logger.exception("Checking upload %s failed", upload_pk)
        return _failed(upload_pk)


@task()
def recover_interrupted_checks() -> dict[str, int]:
    """Check again, or fail with a message, the uploads whose worker was killed."""
    return recover_interrupted()
