"""Files on S3-compatible storage: an upload through the site and a download from the portal,
against a real S3 HTTP server (moto's, started on a free port). Real AWS or MinIO are not
tested here (see docs/operator.md)."""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from satudata.catalog.models import DatasetVersion, Upload, UploadStatus
from satudata.catalog.tests.test_synchronisation import GOOD, SynchronisationSetup
from satudata.core.testing_engines import s3_server
from satudata.releases.testing import release


class S3StorageTests(SynchronisationSetup):
    s3: dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.s3 = cls.enterClassContext(s3_server())

    def setUp(self) -> None:
        storages = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": self.s3["options"]},
        }
        cache = tempfile.mkdtemp(prefix="satudata-test-datastore-")
        self.enterContext(override_settings(STORAGES=storages, DATASTORE_CACHE_DIR=cache))

    def _keys(self) -> set[str]:
        listed = self.s3["client"].list_objects_v2(Bucket="satudata")
        return {item["Key"] for item in listed.get("Contents", [])}

    def test_an_upload_is_kept_in_the_bucket_checked_and_downloaded(self) -> None:
        self.assertEqual(type(storages["default"]).__name__, "S3Storage")
        self._metadata()
        self.client.force_login(self.p.producer)
        with self.captureOnCommitCallbacks(execute=True):  # the worker's check
            sent = self.client.post(
                reverse("catalog:item-upload", args=[self.item.pk]),
                {"file": SimpleUploadedFile("puskesmas.csv", GOOD.encode())},
            )
        self.assertEqual(sent.status_code, 302)
        upload = Upload.objects.get()
        self.assertEqual(upload.status, UploadStatus.SYNCHRONISED, upload.findings)
        version = DatasetVersion.objects.get()
        self.assertIn(f"originals/{upload.sha256[:2]}/{upload.sha256}", self._keys())
        self.assertIn(version.path, self._keys())

        release(version, kepala_bidang=self.p.kepala_bidang)
        self.client.logout()
        slug = version.dataset.slug
        download = self.client.get(reverse("portal:download", args=[slug, "csv"]))

        self.assertEqual(download.status_code, 200)
        body = b"".join(download.streaming_content) if download.streaming else download.content  # type: ignore[attr-defined]
        text = body.decode("utf-8-sig")
        self.assertIn("18.10.01", text)
        self.assertIn("Non Rawat Inap", text)
