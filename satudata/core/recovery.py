"""Recovering from work a killed process left behind: tasks marked running for ever, and
temporary files of uploads and checks that were never removed.

Run by the scheduler (``recover_interrupted_tasks``); safe to run at any time and as often as
wanted: it only touches what is older than its limit.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Check workspaces and local copies of originals are made with this prefix, so that a sweep of
# a shared temporary folder (SYNC_WORK_DIR left empty: the system's) touches nothing else.
TEMP_PREFIX = "satudata-work-"
WORKER_LOST = "satudata.core.recovery.WorkerLost"


class WorkerLost(RuntimeError):
    """The process running a task stopped without finishing it."""


def fail_task_results(results: QuerySet[DBTaskResult], message: str) -> int:
    """Mark the running ones of database-queue ``results`` failed with ``message``."""
    return int(
        results.filter(status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=WORKER_LOST,
            traceback=message,
            return_value=None,
        )
    )


def fail_stale_tasks(*, now: dt.datetime | None = None) -> int:
    """Tasks of the database queue left RUNNING longer than TASK_STALE_MINUTES lost their
    worker (a killed process never writes its result): mark them failed. Redis/RQ does the
    same for its own jobs (its started-job registry fails those whose worker stopped)."""
    if settings.TASKS_BACKEND != "database":
        return 0
    limit = (now or timezone.now()) - dt.timedelta(minutes=settings.TASK_STALE_MINUTES)
    stale = DBTaskResult.objects.filter(started_at__lt=limit).exclude(
        task_path__in=settings.TASKS_WITH_HEARTBEAT
    )
    count = fail_task_results(
        stale,
        f"The worker stopped while running this task (no result after "
        f"{settings.TASK_STALE_MINUTES} minutes); marked failed by the recovery job.",
    )
    if count:
        logger.warning("Marked %s task(s) failed: their worker stopped while running them", count)
    return count


def temporary_folders() -> list[tuple[Path, str]]:
    """The folders swept, each with the name prefix of what may be removed there."""
    folders = [(Path(settings.UPLOAD_TEMP_DIR), "")]
    work = Path(settings.SYNC_WORK_DIR or tempfile.gettempdir())
    folders.append((work, TEMP_PREFIX))
    return folders


def _last_change(path: Path) -> float:
    """The newest modification time in ``path`` (a file, or a folder and everything in it)."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            try:
                newest = max(newest, child.lstat().st_mtime)
            except FileNotFoundError:
                continue
    return newest


def sweep_temporary_files(*, now: dt.datetime | None = None) -> list[Path]:
    """Remove what a killed web process or worker left in the project's temporary folders:
    entries nothing has written to for TEMP_MAX_AGE_HOURS. An upload still arriving, or a check
    still running, writes to its file all the time, so it is never that old."""
    limit = (now or timezone.now()).timestamp() - settings.TEMP_MAX_AGE_HOURS * 3600
    removed = []
    for folder, prefix in temporary_folders():
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if not entry.name.startswith(prefix):
                continue
            try:
                if _last_change(entry) >= limit:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except FileNotFoundError:
                continue  # removed meanwhile by its own process
            removed.append(entry)
    if removed:
        logger.warning("Removed %s temporary file(s) left by stopped processes", len(removed))
    return removed
