from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from satudata.catalog.models import (
    CodeValue,
    DataItem,
    DataList,
    DatasetVersion,
    DataType,
    Upload,
    UploadStatus,
    Variable,
)
from satudata.catalog.services import create_dataset
from satudata.catalog.sinkronisasi.services import (
    SyncStatus,
    UploadRefused,
    receive_upload,
    sync_status,
    synchronise_upload,
)
from satudata.core.models import AuditEvent, SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.sop.models import SopTask, TaskStatus

GOOD = """Jumlah Puskesmas menurut Kecamatan (data contoh)
kode wilayah;tahun;jenis;jumlah
18.10.01;2025;Rawat Inap;2
18.10.02;2025;Non Rawat Inap;3
18.10.03;2025;Rawat Inap;-
Sumber: Dinas Kesehatan
"""
BAD = GOOD.replace("18.10.02;2025;Non Rawat Inap;3", "18.10.99;2025;Klinik;tiga")


class SynchronisationSetup(PersonaTestCase):
    """A Daftar Data item of the test agency, and its MS-Var on request; no tests of its own."""

    item: DataItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Uji",
            regency_name="Kabupaten Pringsewu",
            region_code="18.10",
            walidata_name="Diskominfo",
        )
        data_list = DataList.objects.create(year=2026)
        cls.item = DataItem.objects.create(
            data_list=data_list,
            number=1,
            agency=cls.p.agency,
            name="Jumlah Puskesmas",
            frequency="tahunan",
        )

    def _received(self, content: str, filename: str = "p.csv") -> Upload:
        """The item's dataset with ``content`` received from its producer, not yet checked."""
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        return receive_upload(
            actor=self.p.producer,
            dataset=dataset,
            filename=filename,
            chunks=[content.encode()],
            check=False,
        )

    def _metadata(self) -> None:
        agency = self.p.agency
        Variable.objects.create(
            agency=agency,
            name="Kode Wilayah",
            data_type=DataType.REGION,
            rules=[{"kind": "required"}],
        )
        Variable.objects.create(agency=agency, name="Tahun", data_type=DataType.YEAR)
        kind = Variable.objects.create(agency=agency, name="Jenis", data_type=DataType.CATEGORY)
        CodeValue.objects.create(variable=kind, code="1", label="Rawat Inap")
        CodeValue.objects.create(variable=kind, code="2", label="Non Rawat Inap")
        Variable.objects.create(
            agency=agency,
            name="Jumlah",
            unit="Unit",
            data_type=DataType.INTEGER,
            rules=[{"kind": "range", "min": 0}],
        )


class SynchronisationTests(SynchronisationSetup):
    def test_the_item_moves_from_no_data_to_synchronised(self) -> None:
        self.assertEqual(sync_status(self.item), SyncStatus.AWAITING_METADATA)
        self._metadata()
        self.assertEqual(sync_status(self.item), SyncStatus.NO_DATA)
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        bad = receive_upload(
            actor=self.p.producer,
            dataset=dataset,
            filename="puskesmas.csv",
            chunks=[BAD.encode()],
            check=False,
        )
        task = SopTask.objects.for_subject(dataset).get()
        self.assertEqual((task.step.code, task.status), ("sinkronisasi", TaskStatus.OPEN))
        synchronise_upload(actor=self.p.producer, upload=bad)
        self.assertEqual(bad.status, UploadStatus.REJECTED)
        self.assertEqual(bad.error_count, 3)
        self.assertEqual({f["row"] for f in bad.findings if f["severity"] == "error"}, {4})
        self.assertEqual(sync_status(self.item), SyncStatus.NOT_SYNCHRONISED)
        self.assertFalse(DatasetVersion.objects.exists())

        good = receive_upload(
            actor=self.p.producer,
            dataset=dataset,
            filename="puskesmas.csv",
            chunks=[GOOD.encode()],
            check=False,
        )
        synchronise_upload(actor=self.p.producer, upload=good)
        self.assertEqual(good.status, UploadStatus.SYNCHRONISED)
        self.assertEqual(sync_status(self.item), SyncStatus.SYNCHRONISED)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertTrue(AuditEvent.objects.filter(action="catalog.upload_rejected").exists())

    def test_an_indicator_item_needs_every_building_variable(self) -> None:
        """MS-Ind names the variables it is computed from; a file without one is not synced."""
        from satudata.catalog.metadata.services import save_indicator

        self._metadata()
        Variable.objects.create(
            agency=self.p.agency, name="Jumlah Penduduk", data_type=DataType.INTEGER
        )
        indicator = save_indicator(
            actor=self.p.producer,
            agency=self.p.agency,
            answers={
                "nama": "Rasio Puskesmas per Penduduk",
                "apakah_indikator_komposit": False,
                "variabel_pembangun": [{"nama": "Jumlah"}, {"nama": "Jumlah Penduduk"}],
            },
            items=[self.item],
        )
        self.item.refresh_from_db()
        self.assertEqual(self.item.indicator, indicator)
        upload = self._received(GOOD)
        synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertEqual(upload.error_count, 1)
        self.assertIn("Jumlah Penduduk", upload.findings[0]["message"])
        self.assertIn("Rasio Puskesmas per Penduduk", upload.findings[0]["message"])

    def test_a_synchronised_upload_is_typed_parquet_with_its_metadata(self) -> None:
        self._metadata()
        dataset = create_dataset(actor=self.p.walidata, item=self.item)
        upload = receive_upload(
            actor=self.p.walidata,
            dataset=dataset,
            filename="p.csv",
            chunks=[GOOD.encode()],
            check=False,
        )
        synchronise_upload(actor=self.p.walidata, upload=upload)
        version = DatasetVersion.objects.get()
        with default_storage.open(version.path, "rb") as handle:
            table = pq.read_table(io.BytesIO(handle.read()))
        self.assertEqual(table.column_names, ["kode_wilayah", "tahun", "jenis", "jumlah"])
        self.assertEqual(str(table.schema.field("jumlah").type), "int64")
        self.assertEqual(str(table.schema.field("tahun").type), "int16")
        self.assertEqual(table.column("jumlah").to_pylist(), [2, 3, None])
        described = json.loads(table.schema.metadata[b"columns"])
        self.assertEqual(described, version.columns)
        self.assertEqual([c["unit"] for c in described if c["name"] == "jumlah"], ["Unit"])
        self.assertEqual(table.schema.metadata[b"upload_sha256"].decode(), upload.sha256)
        self.assertEqual(version.row_count, 3)

    def test_a_rejected_upload_leaves_the_last_good_version_in_place(self) -> None:
        self._metadata()
        dataset = create_dataset(actor=self.p.walidata, item=self.item)
        first = receive_upload(
            actor=self.p.walidata,
            dataset=dataset,
            filename="a.csv",
            chunks=[GOOD.encode()],
            check=False,
        )
        synchronise_upload(actor=self.p.walidata, upload=first)
        before = DatasetVersion.objects.get()
        with default_storage.open(before.path, "rb") as handle:
            content = handle.read()
        second = receive_upload(
            actor=self.p.walidata,
            dataset=dataset,
            filename="b.csv",
            chunks=[BAD.encode()],
            check=False,
        )
        synchronise_upload(actor=self.p.walidata, upload=second)
        self.assertEqual(DatasetVersion.objects.get().pk, before.pk)
        with default_storage.open(before.path, "rb") as handle:
            self.assertEqual(handle.read(), content)
        self.assertEqual(sync_status(self.item), SyncStatus.SYNCHRONISED)

    def test_a_parquet_that_cannot_be_written_leaves_no_version_behind(self) -> None:
        """When writing the Parquet fails half way (a full disk), nothing of the new version
        is stored or recorded and the last good one is untouched."""
        from unittest import mock

        self._metadata()
        dataset = create_dataset(actor=self.p.walidata, item=self.item)
        first, second = (
            receive_upload(
                actor=self.p.walidata,
                dataset=dataset,
                filename=name,
                chunks=[content.encode()],
                check=False,
            )
            for name, content in (("a.csv", GOOD), ("b.csv", GOOD.replace(";2;", ";4;")))
        )
        synchronise_upload(actor=self.p.walidata, upload=first)
        before = DatasetVersion.objects.get()
        stored = default_storage.listdir(f"datasets/{dataset.slug}")

        def half_written(ws: object, mapping: object, target: Path, **kwargs: object) -> None:
            target.write_bytes(b"PAR1 cut short")
            raise OSError("No space left on device")

        with (
            mock.patch(
                "satudata.catalog.sinkronisasi.services.write_parquet", side_effect=half_written
            ),
            self.assertRaises(OSError),
        ):
            synchronise_upload(actor=self.p.walidata, upload=second)
        self.assertEqual(list(DatasetVersion.objects.all()), [before])
        second.refresh_from_db()
        self.assertNotEqual(second.status, UploadStatus.SYNCHRONISED)
        self.assertEqual(AuditEvent.objects.filter(action="catalog.upload_synchronised").count(), 1)
        # Other tests' files may share the folder (rollbacks leave files): none was added.
        self.assertEqual(default_storage.listdir(f"datasets/{dataset.slug}"), stored)
        self.assertTrue(default_storage.exists(before.path))

    def test_another_agency_s_producer_cannot_upload_and_empty_files_are_refused(self) -> None:
        dataset = create_dataset(actor=self.p.walidata, item=self.item)
        with self.assertRaises(PermissionDenied):
            receive_upload(
                actor=self.p.other_producer,
                dataset=dataset,
                filename="x.csv",
                chunks=[GOOD.encode()],
                check=False,
            )
        with self.assertRaises(UploadRefused):
            receive_upload(
                actor=self.p.producer, dataset=dataset, filename="x.csv", chunks=[b""], check=False
            )

    def test_an_unreadable_file_is_kept_and_rejected_with_its_reason(self) -> None:
        self._metadata()
        dataset = create_dataset(actor=self.p.producer, item=self.item)
        upload = receive_upload(
            actor=self.p.producer,
            dataset=dataset,
            filename="foto.xlsx",
            chunks=[b"PK\x03\x04 not really a workbook"],
            check=False,
        )
        synchronise_upload(actor=self.p.producer, upload=upload)
        self.assertEqual(upload.status, UploadStatus.REJECTED)
        self.assertIn("rusak", upload.findings[0]["message"])
        self.assertTrue(default_storage.exists(f"originals/{upload.sha256[:2]}/{upload.sha256}"))


class UploadPageTests(SynchronisationSetup):
    def test_a_producer_uploads_sees_the_report_and_then_the_item_is_synchronised(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        self._metadata()
        self.client.force_login(self.p.producer)
        url = reverse("catalog:item-upload", args=[self.item.pk])
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(url, {"file": SimpleUploadedFile("p.csv", BAD.encode())})
        # The check ran in the (immediate) worker once the upload was committed.
        response = self.client.get(sent["Location"])
        self.assertContains(response, "Tidak sinkron")
        self.assertContains(response, "Tidak ada wilayah dengan kode Kemendagri ini.")
        self.assertContains(response, "18.10.99")
        report = self.client.get(sent["Location"], {"format": "xlsx"})
        import io

        import python_calamine

        rows = (
            python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.content))
            .get_sheet_by_index(0)
            .to_python()
        )
        self.assertEqual(rows[3][:3], ["Tingkat", "Lembar", "Baris"])
        self.assertIn("galat", [r[0] for r in rows[4:]])
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(url, {"file": SimpleUploadedFile("p.csv", GOOD.encode())})
        response = self.client.get(sent["Location"])
        self.assertContains(response, "versi 1, 3 baris")
        self.assertContains(response, "selected>Jumlah (Bilangan bulat)")
        # The 2026 list is still a draft: the Walidata sees it, with the item's new status.
        self.client.force_login(self.p.walidata)
        page = self.client.get(reverse("catalog:datalist-detail", args=[2026]))
        self.assertContains(page, "<td>Sinkron")


class UploadApiTests(SynchronisationSetup):
    def _send(self, raw: str, content: str):  # type: ignore[no-untyped-def]
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        return self.client.post(
            reverse("api-v1:item-upload", kwargs={"pk": self.item.pk}),
            {"file": SimpleUploadedFile("puskesmas.csv", content.encode())},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    def _post(self, raw: str, content: str):  # type: ignore[no-untyped-def]
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        with self.captureOnCommitCallbacks(execute=True):
            sent = self.client.post(
                reverse("api-v1:item-upload", kwargs={"pk": self.item.pk}),
                {"file": SimpleUploadedFile("puskesmas.csv", content.encode())},
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
        # Inside the test's transaction the worker starts only after the answer: 202 + Location.
        self.assertEqual(sent.status_code, 202)
        return self.client.get(sent["Location"], HTTP_AUTHORIZATION=f"Bearer {raw}")

    def test_a_producer_script_uploads_with_a_token_and_reads_the_report(self) -> None:
        from satudata.accounts.services import create_api_token

        self._metadata()
        raw = create_api_token(actor=self.p.producer, name="skrip", scopes=["write"]).raw
        bad = self._post(raw, BAD)
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["errors"], 3)
        self.assertEqual(bad.json()["findings"][0]["row"], 4)
        good = self._post(raw, GOOD)
        self.assertEqual(good.status_code, 201)
        self.assertEqual((good.json()["version"], good.json()["rows"]), (1, 3))

    def test_read_only_tokens_other_agencies_and_missing_tokens_are_refused(self) -> None:
        from satudata.accounts.services import create_api_token

        reader = create_api_token(actor=self.p.producer, name="baca", scopes=["read"]).raw
        self.assertEqual(self._send(reader, GOOD).status_code, 403)
        other = create_api_token(actor=self.p.other_producer, name="x", scopes=["write"]).raw
        self.assertEqual(self._send(other, GOOD).status_code, 403)
        self.assertEqual(self._send("sdk_salah", GOOD).status_code, 401)
        self.assertFalse(Upload.objects.exists())
