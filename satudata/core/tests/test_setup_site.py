"""A fresh production install, from an empty database (no load_demo), by the documented steps
(docs/operator.md, "First set-up"), takes its first upload; without set-up it refuses clearly."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from satudata.accounts.models import Agency, Membership, User
from satudata.accounts.roles import Role
from satudata.catalog.models import CodeValue, DataItem, DataList, DataType, Upload, Variable
from satudata.catalog.services import create_dataset
from satudata.core.models import SiteProfile
from satudata.sop.models import Holiday, SopDocument, SopTask

AGENCIES = """NAMA;SINGKATAN;JENIS;EMAIL
Dinas Komunikasi dan Informatika;Diskominfo;Dinas;kominfo@contoh.invalid
Dinas Kesehatan;Dinkes;Dinas;dinkes@contoh.invalid
Badan Pusat Statistik Kabupaten;BPS;Instansi vertikal;
"""
DATA = """kode wilayah;tahun;jenis;jumlah
18.10.01;2025;Rawat Inap;2
18.10.02;2025;Non Rawat Inap;3
"""


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _file(folder: str, name: str, text: str) -> str:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return str(path)


class SetupSiteTests(TestCase):
    def _setup(self) -> str:
        return _run(
            "setup_site",
            "--regency-name=Kabupaten Contoh",
            "--region-code=18.10",
            "--no-input",
        )

    def test_it_loads_the_sop_the_holidays_and_the_profile_once(self) -> None:
        first = self._setup()
        self.assertIn("SOP dimuat", first)
        self.assertEqual(SopDocument.objects.filter(is_current=True).count(), 1)
        self.assertEqual(SiteProfile.objects.get().site_name, "Satu Data Kabupaten Contoh")
        self.assertGreater(Holiday.objects.count(), 30)
        self.assertIn("Tidak ada yang berubah", self._setup())

    def test_it_keeps_what_the_operator_edited(self) -> None:
        self._setup()
        SiteProfile.objects.update(site_name="Portal Data Contoh")
        removed = Holiday.objects.order_by("date").first()
        assert removed is not None
        removed.delete()
        again = self._setup()
        self.assertIn("Tidak ada yang berubah", again)
        self.assertEqual(SiteProfile.objects.get().site_name, "Portal Data Contoh")
        self.assertFalse(Holiday.objects.filter(date=removed.date).exists())

    def test_without_a_regency_name_it_says_which_option(self) -> None:
        with self.assertRaisesMessage(CommandError, "--regency-name"):
            _run("setup_site", "--no-input")


class AgencyImportTests(TestCase):
    def test_it_adds_agencies_and_skips_those_already_present(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = _file(folder, "opd.csv", AGENCIES)
            self.assertIn("3 OPD baru", _run("import_agencies", path))
            self.assertIn("0 OPD baru, 3 sudah ada", _run("import_agencies", path))
        self.assertEqual(Agency.objects.get(short_name="BPS").kind, "instansi_vertikal")

    def test_a_bad_row_is_named_and_nothing_is_saved(self) -> None:
        bad = AGENCIES + "Dinas Sosial;Dinsos;Dinas;bukan-email\n"
        with tempfile.TemporaryDirectory() as folder:
            path = _file(folder, "opd.csv", bad)
            with self.assertRaisesMessage(CommandError, "baris 5, kolom EMAIL"):
                _run("import_agencies", path)
        self.assertFalse(Agency.objects.exists())


class FirstUploadTests(TestCase):
    def _item(self, agency: Agency) -> DataItem:
        data_list = DataList.objects.create(year=2026)
        return DataItem.objects.create(
            data_list=data_list,
            number=1,
            agency=agency,
            name="Jumlah Puskesmas",
            frequency="tahunan",
        )

    def _producer(self) -> User:
        # What the administration site's user form does: a user, a role, a membership.
        agency = Agency.objects.get(short_name="Dinkes")
        user = User.objects.create_user("budi", password="sandi-uji-yang-panjang-1")
        user.role = Role.PRODUSEN
        user.save()
        Membership.objects.create(user=user, agency=agency)
        return user

    def _metadata(self, agency: Agency) -> None:
        Variable.objects.create(agency=agency, name="Kode Wilayah", data_type=DataType.REGION)
        Variable.objects.create(agency=agency, name="Tahun", data_type=DataType.YEAR)
        kind = Variable.objects.create(agency=agency, name="Jenis", data_type=DataType.CATEGORY)
        CodeValue.objects.create(variable=kind, code="1", label="Rawat Inap")
        CodeValue.objects.create(variable=kind, code="2", label="Non Rawat Inap")
        Variable.objects.create(agency=agency, name="Jumlah", data_type=DataType.INTEGER)

    def _upload(self, user: User, item: DataItem) -> object:
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("catalog:item-upload", args=[item.pk]),
                {"file": SimpleUploadedFile("puskesmas.csv", DATA.encode())},
            )

    def test_the_documented_steps_take_the_first_upload(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            _run(
                "setup_site",
                "--regency-name=Kabupaten Pringsewu",
                "--region-code=18.10",
                "--no-input",
            )
            _run("import_regions")
            env = {"DJANGO_SUPERUSER_PASSWORD": "sandi-admin-yang-panjang-1"}
            with mock.patch.dict(os.environ, env):
                _run(
                    "createsuperuser",
                    "--no-input",
                    "--username=admin",
                    "--email=admin@contoh.invalid",
                )
            _run("import_agencies", _file(folder, "opd.csv", AGENCIES))
        producer = self._producer()
        item = self._item(producer.agencies.get())
        self._metadata(item.agency)
        sent = self._upload(producer, item)
        self.assertEqual(sent.status_code, 302)  # type: ignore[attr-defined]
        upload = Upload.objects.get()
        self.assertEqual(upload.status, "synchronised")
        task = SopTask.objects.for_subject(create_dataset(actor=producer, item=item)).get()
        self.assertEqual(task.step.code, "sinkronisasi")

    def test_without_set_up_the_upload_page_says_so_instead_of_a_500(self) -> None:
        agency = Agency.objects.create(
            name="Dinas Kesehatan", short_name="Dinkes", slug="dinkes", kind="dinas"
        )
        user = User.objects.create_user("budi", password="sandi-uji-yang-panjang-1")
        user.role = Role.PRODUSEN
        user.save()
        Membership.objects.create(user=user, agency=agency)
        item = self._item(agency)
        with self.assertLogs("satudata.core.setup", "ERROR") as logs:
            answer = self._upload(user, item)
        self.assertEqual(answer.status_code, 503)  # type: ignore[attr-defined]
        self.assertIn("setup_site", logs.output[0])
        self.assertFalse(Upload.objects.exists())
        self.client.force_login(user)
        with self.assertLogs("satudata.core.setup", "ERROR"):
            as_json = self.client.post(
                reverse("catalog:item-upload", args=[item.pk]),
                {"file": SimpleUploadedFile("p.csv", DATA.encode())},
                headers={"Accept": "application/json"},
            )
        self.assertEqual(as_json.status_code, 503)
        self.assertEqual(as_json.json()["error"]["code"], "setup_incomplete")


class ComingHolidaysTests(TestCase):
    def test_the_daily_job_loads_next_year_once_and_keeps_a_loaded_year(self) -> None:
        from satudata.sop.tasks import load_coming_holidays

        with time_machine.travel(dt.datetime(2030, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False):
            Holiday.objects.create(date=dt.date(2030, 1, 1), name="Tahun Baru (dikoreksi)")
            self.assertGreater(load_coming_holidays.call(), 10)
            self.assertTrue(Holiday.objects.filter(date=dt.date(2031, 8, 17)).exists())
            self.assertEqual(Holiday.objects.filter(date__year=2030).count(), 1)
            self.assertEqual(load_coming_holidays.call(), 0)


class SiteProfileTests(TestCase):
    def test_a_letterhead_without_a_profile_names_the_set_up_step(self) -> None:
        from satudata.core.setup import SetupIncomplete

        with self.assertRaisesMessage(SetupIncomplete, "setup_site"):
            SiteProfile.configured()
        self.assertEqual(SiteProfile.current().site_name, "Satu Data")  # public pages still work
