from __future__ import annotations

import io
import threading

import docx  # type: ignore[import-untyped]
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test import TransactionTestCase, override_settings

from satudata.catalog.letters import next_number, render_pdf
from satudata.catalog.models import DataItem, DataList, Letter, LetterSequence
from satudata.catalog.services import NothingOutstanding, issue_nota_dinas
from satudata.core.models import AuditEvent, SiteProfile
from satudata.core.testing import PersonaTestCase, make_personas
from satudata.sop.models import SopTask


class NotaDinasTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Uji",
            regency_name="Kabupaten Pringsewu",
            region_code="18.10",
            address="Jl. Contoh No. 1, Pringsewu",
            walidata_name="Dinas Komunikasi dan Informatika",
        )
        cls.p.agency.email = "dinkes@contoh.invalid"
        cls.p.agency.save()
        cls.p.kepala_dinas.nip = "198001012005011001"
        cls.p.kepala_dinas.save()
        data_list = DataList.objects.create(year=2026)
        for n, name in enumerate(["Jumlah Puskesmas", "Angka Kematian Bayi [AKB] #1"], start=1):
            DataItem.objects.create(
                data_list=data_list, number=n, agency=cls.p.agency, name=name, frequency="tahunan"
            )

    def _issue(self) -> Letter:
        with self.captureOnCommitCallbacks(execute=True):
            return issue_nota_dinas(
                actor=self.p.walidata,
                data_list=DataList.objects.get(),
                agency=self.p.agency,
                signatory=self.p.kepala_dinas,
            )

    def test_a_letter_lists_each_outstanding_item_and_is_kept_as_pdf_and_docx(self) -> None:
        letter = self._issue()
        self.assertEqual(letter.number, f"001/ND/Diskominfo/{letter.year}")
        self.assertEqual(
            [i["name"] for i in letter.items], ["Jumlah Puskesmas", "Angka Kematian Bayi [AKB] #1"]
        )
        self.assertEqual(letter.items[0]["status"], "Menunggu metadata")
        with default_storage.open(letter.pdf_path, "rb") as handle:
            self.assertTrue(handle.read().startswith(b"%PDF"))
        with default_storage.open(letter.docx_path, "rb") as handle:
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
        self.assertIn(letter.number, text)
        self.assertIn("PEMERINTAH KABUPATEN PRINGSEWU", text)
        self.assertIn("NIP 198001012005011001", text)
        self.assertTrue(AuditEvent.objects.filter(action="catalog.letter_issued").exists())
        self.assertTrue(
            SopTask.objects.for_subject(letter).filter(step__code="sinkronisasi").exists()
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].attachments[0][2], "application/pdf")

    def test_numbers_follow_on_and_are_never_reused(self) -> None:
        first, second = self._issue(), self._issue()
        self.assertEqual((first.sequence, second.sequence), (1, 2))
        Letter.objects.filter(pk=second.pk).update(number="dibatalkan-2")
        self.assertEqual(self._issue().sequence, 3)

    @override_settings(LETTER_NUMBER_FORMAT="B/{seq:04d}/400.14.5.4/{year}")
    def test_the_number_format_is_configurable(self) -> None:
        self.assertTrue(self._issue().number.startswith("B/0001/400.14.5.4/"))

    def test_only_the_kepala_dinas_or_kepala_bidang_signs_and_staff_issue(self) -> None:
        data_list = DataList.objects.get()
        with self.assertRaises(PermissionDenied):
            issue_nota_dinas(
                actor=self.p.walidata,
                data_list=data_list,
                agency=self.p.agency,
                signatory=self.p.walidata,
            )
        with self.assertRaises(PermissionDenied):
            issue_nota_dinas(
                actor=self.p.producer,
                data_list=data_list,
                agency=self.p.agency,
                signatory=self.p.kepala_dinas,
            )
        with self.assertRaises(NothingOutstanding):
            issue_nota_dinas(
                actor=self.p.walidata,
                data_list=data_list,
                agency=self.p.other_agency,
                signatory=self.p.kepala_dinas,
            )

    def test_markup_in_item_names_cannot_change_the_pdf(self) -> None:
        pdf = render_pdf(
            {
                "letterhead": ["A"],
                "number": "1",
                "date": "1 Januari 2026",
                "to": "x",
                "from": "y",
                "subject": "z",
                "opening": "#set page(width: 1cm)",
                "items": [{"no": "1", "name": ']) #panic("x") [', "status": "s", "need": "n"}],
                "closing": "c",
                "signatory": "s",
                "signatory_nip": "",
            }
        )
        self.assertTrue(pdf.startswith(b"%PDF"))


class NumberConcurrencyTests(TransactionTestCase):
    def test_letters_taken_at_the_same_time_get_distinct_consecutive_numbers(self) -> None:
        make_personas()
        taken: list[int] = []
        errors: list[BaseException] = []

        def take() -> None:
            from django.db import transaction

            try:
                with transaction.atomic():
                    taken.append(next_number(2026)[0])
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=take) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(sorted(taken), list(range(1, 9)))
        self.assertEqual(LetterSequence.objects.get(year=2026).last, 8)


class LetterPageTests(NotaDinasTests):
    def test_the_walidata_issues_from_the_page_and_the_producer_downloads_it(self) -> None:
        from django.urls import reverse

        self.client.force_login(self.p.walidata)
        form = {
            "data_list": DataList.objects.get().pk,
            "agency": self.p.agency.pk,
            "signatory": self.p.kepala_dinas.pk,
        }
        response = self.client.post(reverse("catalog:letter-list"), form, follow=True)
        self.assertContains(response, "/ND/Diskominfo/")
        letter = Letter.objects.get()
        self.client.force_login(self.p.producer)
        pdf = self.client.get(reverse("catalog:letter-file", args=[letter.pk, "pdf"]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.client.force_login(self.p.other_producer)
        self.assertEqual(
            self.client.get(reverse("catalog:letter-file", args=[letter.pk, "pdf"])).status_code,
            404,
        )

    def test_a_producer_cannot_issue(self) -> None:
        from django.urls import reverse

        self._issue()
        self.client.force_login(self.p.producer)
        response = self.client.post(reverse("catalog:letter-list"), {"agency": self.p.agency.pk})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Letter.objects.count(), 1)
