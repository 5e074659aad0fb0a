"""An upload synchronised through Redis/RQ by the worker command the operator guide gives.

Needs a real Redis (see satudata.core.testing_engines); CI starts one and requires these tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import redis
import rq
from django.conf import settings
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.utils import timezone

from satudata.catalog.models import (
    DataItem,
    DataList,
    DatasetVersion,
    DataType,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.services import create_dataset
from satudata.catalog.sinkronisasi.services import receive_upload
from satudata.core.management.commands.run_worker import RQ_WORKER
from satudata.core.models import SiteProfile
from satudata.core.testing import Personas, load_reference_data, make_personas
from satudata.core.testing_engines import ROOT, manage, redis_server

GOOD = "kode wilayah;tahun;jumlah\n18.10.01;2025;2\n18.10.02;2025;3\n"


def rq_settings(url: str) -> dict[str, Any]:
    """The settings TASKS_BACKEND=rq gives, on the Redis at ``url``."""
    return {
        "TASKS_BACKEND": "rq",
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": url}},
        "RQ": {"JOB_CLASS": "django_tasks_rq.Job"},
    }


def documented_worker(url: str) -> tuple[int, str]:
    """Run the operator guide's worker command in burst mode (until the queue is empty)."""
    args = [*RQ_WORKER.split()[1:], "--burst"]
    result = manage(*args, TASKS_BACKEND="rq", REDIS_URL=url, timeout=300)
    return result.returncode, result.stdout + result.stderr


def puskesmas_item(p: Personas) -> DataItem:
    SiteProfile.objects.create(
        site_name="Uji",
        regency_name="Kabupaten Pringsewu",
        region_code="18.10",
        walidata_name="Diskominfo",
    )
    item = DataItem.objects.create(
        data_list=DataList.objects.create(year=2026),
        number=1,
        agency=p.agency,
        name="Jumlah Puskesmas",
        frequency="tahunan",
    )
    Variable.objects.create(agency=p.agency, name="Kode Wilayah", data_type=DataType.REGION)
    Variable.objects.create(agency=p.agency, name="Tahun", data_type=DataType.YEAR)
    Variable.objects.create(agency=p.agency, name="Jumlah", data_type=DataType.INTEGER)
    return item


class RqWorkerTests(TransactionTestCase):
    redis_url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.redis_url = cls.enterClassContext(redis_server())

    def test_the_documented_rq_worker_synchronises_an_upload(self) -> None:
        load_reference_data()
        p = make_personas()
        dataset = create_dataset(actor=p.producer, item=puskesmas_item(p))
        with override_settings(**rq_settings(self.redis_url)):
            upload = receive_upload(
                actor=p.producer, dataset=dataset, filename="p.csv", chunks=[GOOD.encode()]
            )
        self.assertEqual(Upload.objects.get(pk=upload.pk).status, UploadStatus.CHECKING)

        code, output = documented_worker(self.redis_url)

        self.assertEqual(code, 0, output)
        self.assertNotIn("not callable", output)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, output)
        self.assertEqual(DatasetVersion.objects.get(dataset=dataset).row_count, 2)

    def test_run_scheduler_enqueues_periodic_jobs_that_the_rq_worker_runs(self) -> None:
        load_reference_data()
        p = make_personas()
        dataset = create_dataset(actor=p.producer, item=puskesmas_item(p))
        upload = receive_upload(
            actor=p.producer, dataset=dataset, filename="p.csv", chunks=[GOOD.encode()], check=False
        )
        # Its worker was killed during its second check, long ago.
        Upload.objects.filter(pk=upload.pk).update(
            status=UploadStatus.CHECKING,
            heartbeat_at=timezone.now() - dt.timedelta(hours=1),
            check_attempts=2,
        )

        scheduled = manage("run_scheduler", "--once", TASKS_BACKEND="rq", REDIS_URL=self.redis_url)
        self.assertEqual(scheduled.returncode, 0, scheduled.stderr)
        self.assertIn("enqueued recover-interrupted-checks", scheduled.stdout)
        self.assertIn("enqueued sop-due-reminders", scheduled.stdout)
        code, output = documented_worker(self.redis_url)

        self.assertEqual(code, 0, output)
        upload.refresh_from_db()
        self.assertEqual(upload.status, UploadStatus.REJECTED, output)
        queue = rq.Queue("default", connection=redis.Redis.from_url(self.redis_url))
        self.assertEqual(queue.failed_job_registry.count, 0, output)
        finished = {
            job.func_name
            for job in rq.job.Job.fetch_many(
                queue.finished_job_registry.get_job_ids(), connection=queue.connection
            )
            if job is not None
        }
        self.assertLessEqual({path for path, _ in settings.PERIODIC_TASKS.values()}, finished)


class RqWorkerDocsTests(SimpleTestCase):
    def test_the_guides_give_the_worker_command_the_test_runs(self) -> None:
        for guide in ("README.md", "docs/operator.md"):
            text = " ".join((ROOT / guide).read_text().split())
            self.assertIn(RQ_WORKER.removeprefix("manage.py "), text, guide)
