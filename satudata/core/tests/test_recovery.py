from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from satudata.core.recovery import TEMP_PREFIX, WORKER_LOST, fail_stale_tasks, sweep_temporary_files

NOW = timezone.now()


def _result(path: str, started: dt.datetime) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        started_at=started,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        queue_name="default",
        backend_name="default",
        run_after=started,
        exception_class_path="",
        traceback="",
    )


@override_settings(TASKS_BACKEND="database", TASK_STALE_MINUTES=60)
class StaleTaskTests(TestCase):
    def test_a_task_left_running_by_a_killed_worker_is_marked_failed(self) -> None:
        lost = _result("satudata.sop.tasks.send_due_reminders", NOW - dt.timedelta(minutes=61))
        running = _result("satudata.sop.tasks.send_due_reminders", NOW - dt.timedelta(minutes=5))
        check = _result("satudata.catalog.tasks.check_upload", NOW - dt.timedelta(hours=3))

        self.assertEqual(fail_stale_tasks(now=NOW), 1)

        lost.refresh_from_db()
        self.assertEqual((lost.status, lost.exception_class_path), ("FAILED", WORKER_LOST))
        self.assertIn("worker stopped", lost.traceback)
        self.assertEqual(DBTaskResult.objects.get(pk=running.pk).status, "RUNNING")
        # A check is judged by its heartbeat (catalog.sinkronisasi.recovery), not by this timeout.
        self.assertEqual(DBTaskResult.objects.get(pk=check.pk).status, "RUNNING")


def _aged(path: Path, hours: float) -> Path:
    when = (NOW - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (when, when))
    return path


class TemporaryFileTests(TestCase):
    def setUp(self) -> None:
        self.uploads = Path(settings.UPLOAD_TEMP_DIR)
        self.work = Path(tempfile.mkdtemp())
        self.enterContext(override_settings(SYNC_WORK_DIR=str(self.work), TEMP_MAX_AGE_HOURS=6))

    def _file(self, folder: Path, name: str, hours: float) -> Path:
        path = folder / name
        path.write_bytes(b"x" * 1024)
        return _aged(path, hours)

    def test_uploads_stream_into_the_swept_folder(self) -> None:
        received = TemporaryUploadedFile("besar.csv", "text/csv", 0, "utf-8")
        self.assertEqual(Path(received.temporary_file_path()).parent, self.uploads)
        received.close()

    def test_files_a_killed_process_left_are_swept_and_nothing_else(self) -> None:
        left = self._file(self.uploads, "tmpabc.upload.csv", hours=7)
        arriving = self._file(self.uploads, "tmpdef.upload.csv", hours=0)
        workspace = self.work / f"{TEMP_PREFIX}sync-old"
        workspace.mkdir()
        _aged(self._file(workspace, "work.duckdb", hours=8), 8)
        _aged(workspace, 8)
        running = self.work / f"{TEMP_PREFIX}sync-running"
        running.mkdir()
        self._file(running, "work.duckdb", hours=0)
        _aged(running, 8)  # made long ago, still written to
        foreign = _aged(self._file(self.work, "someone-else.tmp", hours=9), 9)

        removed = sweep_temporary_files(now=NOW)

        self.assertCountEqual(removed, [left, workspace])
        self.assertFalse(left.exists() or workspace.exists())
        self.assertTrue(arriving.exists() and running.exists() and foreign.exists())

    def test_the_command_sweeps_for_machines_without_a_worker(self) -> None:
        left = self._file(self.uploads, "tmpold.upload", hours=30)
        out = io.StringIO()
        call_command("sweep_temporary_files", stdout=out)
        self.assertIn("1 berkas sementara dihapus", out.getvalue())
        self.assertFalse(left.exists())
