"""Interrupted work recovers: a check whose worker was killed, and Redis down at upload time."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from satudata.accounts.services import create_api_token
from satudata.catalog.models import Upload, UploadStatus
from satudata.catalog.services import create_dataset
from satudata.catalog.sinkronisasi.recovery import CHECK_TASK, recover_interrupted
from satudata.catalog.sinkronisasi.services import WAITING_FOR_QUEUE, receive_upload
from satudata.catalog.tasks import heartbeat
from satudata.catalog.tests.test_rq_worker import puskesmas_item, rq_settings
from satudata.catalog.tests.test_synchronisation import GOOD, SynchronisationSetup
from satudata.core.models import AuditEvent
from satudata.core.recovery import WORKER_LOST
from satudata.core.testing import load_reference_data, make_personas
from satudata.core.testing_engines import closed_port_url
from satudata.sop.models import SopTask

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(minutes=11)


@override_settings(TASKS=DB_TASKS, TASKS_BACKEND="database")
class InterruptedCheckTests(SynchronisationSetup):
    def _queued(self) -> Upload:
        self._metadata()
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        with self.captureOnCommitCallbacks(execute=True):
            return receive_upload(
                actor=self.p.producer, dataset=dataset, filename="p.csv", chunks=[GOOD.encode()]
            )

    def _killed_worker(self, upload: Upload, attempt: int) -> DBTaskResult:
        """What a worker killed mid-check leaves: its task RUNNING, the upload silent."""
        result = DBTaskResult.objects.ready().get(task_path=CHECK_TASK)
        result.claim("killed-worker")
        Upload.objects.filter(pk=upload.pk).update(heartbeat_at=LONG_AGO, check_attempts=attempt)
        return result

    def _recover(self) -> dict[str, int]:
        with self.captureOnCommitCallbacks(execute=True):
            return recover_interrupted(now=NOW)

    def test_a_check_whose_worker_was_killed_is_started_again_once_then_failed(self) -> None:
        upload = self._queued()
        first = self._killed_worker(upload, attempt=1)

        self.assertEqual(self._recover(), {"retried": 1, "failed": 0, "queued": 0})
        first.refresh_from_db()
        self.assertEqual((first.status, first.exception_class_path), ("FAILED", WORKER_LOST))
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.CHECKING)
        second = self._killed_worker(upload, attempt=2)  # queued again, and killed again

        self.assertEqual(self._recover(), {"retried": 0, "failed": 1, "queued": 0})
        second.refresh_from_db()
        self.assertEqual(second.status, "FAILED")
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertIn("Pemeriksaan terhenti", upload.findings[0]["message"])
        self.assertIn("unggah ulang", upload.findings[0]["message"])
        self.assertEqual(
            set(
                AuditEvent.objects.filter(action__startswith="catalog.upload_check_").values_list(
                    "action", flat=True
                )
            ),
            {"catalog.upload_check_retried", "catalog.upload_check_interrupted"},
        )
        self.assertFalse(DBTaskResult.objects.filter(status="RUNNING").exists())
        self.client.force_login(self.p.producer)
        page = self.client.get(reverse("catalog:upload-report", args=[upload.pk]))
        self.assertContains(page, "Pemeriksaan terhenti")

    def test_a_check_that_still_beats_is_left_alone(self) -> None:
        upload = self._queued()
        self._killed_worker(upload, attempt=1)
        Upload.objects.filter(pk=upload.pk).update(heartbeat_at=NOW - dt.timedelta(minutes=2))

        self.assertEqual(self._recover(), {"retried": 0, "failed": 0, "queued": 0})
        self.assertEqual(DBTaskResult.objects.get().status, "RUNNING")

    def test_an_upload_kept_while_the_queue_was_down_is_queued_once_it_answers(self) -> None:
        self._metadata()
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        # Redis answered the request's ping, then went down before the check was queued.
        with (
            override_settings(**rq_settings(closed_port_url())),
            mock.patch("satudata.catalog.sinkronisasi.services.ensure_queue_available"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            upload = receive_upload(
                actor=self.p.producer, dataset=dataset, filename="p.csv", chunks=[GOOD.encode()]
            )
        upload.refresh_from_db()
        self.assertEqual(
            (upload.status, upload.progress), ("received", {"stage": WAITING_FOR_QUEUE})
        )

        self.assertEqual(self._recover()["queued"], 1)
        self.assertEqual(DBTaskResult.objects.get().args_kwargs["args"][0], upload.pk)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.CHECKING)


class HeartbeatTests(TransactionTestCase):
    @override_settings(SYNC_HEARTBEAT_SECONDS=0.05)
    def test_a_running_check_beats_until_it_ends(self) -> None:
        load_reference_data()
        p = make_personas()
        dataset = create_dataset(actor=p.producer, item=puskesmas_item(p))
        upload = receive_upload(
            actor=p.producer, dataset=dataset, filename="p.csv", chunks=[b"a;b\n1;2\n"], check=False
        )
        Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.CHECKING)
        with heartbeat(upload.pk):
            time.sleep(0.5)
            beat = Upload.objects.get(pk=upload.pk).heartbeat_at
        self.assertIsNotNone(beat)
        assert beat is not None
        self.assertLess(timezone.now() - beat, dt.timedelta(seconds=1))


class QueueDownTests(SynchronisationSetup):
    """Redis down at upload time: 503 "try again", nothing saved, nothing stuck."""

    def setUp(self) -> None:
        self._metadata()
        self.settings_ = override_settings(**rq_settings(closed_port_url()))
        self.settings_.enable()
        self.addCleanup(self.settings_.disable)

    def assertNothingSaved(self) -> None:
        self.assertFalse(Upload.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="catalog.upload_received").exists())
        self.assertFalse(SopTask.objects.exists())

    def _send(self, **headers: Any) -> Any:
        self.client.force_login(self.p.producer)
        url = reverse("catalog:item-upload", args=[self.item.pk])
        return self.client.post(
            url, {"file": SimpleUploadedFile("p.csv", GOOD.encode())}, **headers
        )

    def test_the_upload_page_answers_503_in_indonesian(self) -> None:
        started = time.monotonic()
        response = self._send()
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "60")
        self.assertContains(response, "coba", status_code=503)
        self.assertContains(response, "Tidak ada yang tersimpan", status_code=503)
        self.assertNothingSaved()

    def test_the_upload_script_gets_json(self) -> None:
        response = self._send(HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["error"]["code"], "queue_unavailable")
        self.assertTrue(response.json()["errors"])
        self.assertNothingSaved()

    def test_the_api_answers_503_json(self) -> None:
        token = create_api_token(actor=self.p.producer, name="w", scopes=["write"]).raw
        response = self.client.post(
            f"/api/v1/item-data/{self.item.pk}/unggahan",
            {"file": SimpleUploadedFile("p.csv", GOOD.encode())},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assertEqual(response.status_code, 503, response.content[:300])
        self.assertEqual(response["Retry-After"], "60")
        self.assertEqual(response.json()["error"]["code"], "queue_unavailable")
        self.assertNothingSaved()
