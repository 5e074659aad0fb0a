"""An upload synchronised through Redis/RQ by the worker command the operator guide gives.

Needs a real Redis (see satudata.core.testing_engines); CI starts one and requires these tests.
"""

from __future__ import annotations

from typing import Any

from django.test import SimpleTestCase, TransactionTestCase, override_settings

from satudata.catalog.models import (
    DataItem,
    DataList,
    DatasetVersion,
    DataType,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.services import create_dataset, receive_upload
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


class RqWorkerDocsTests(SimpleTestCase):
    def test_the_guides_give_the_worker_command_the_test_runs(self) -> None:
        for guide in ("README.md", "docs/operator.md"):
            text = " ".join((ROOT / guide).read_text().split())
            self.assertIn(RQ_WORKER.removeprefix("manage.py "), text, guide)
