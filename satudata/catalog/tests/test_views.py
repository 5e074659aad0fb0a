from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satudata.catalog.models import DataItem, DataList, DataListStatus
from satudata.catalog.storage import read_original
from satudata.catalog.tests.test_daftar import GOOD_ROWS, _sheet
from satudata.core.testing import PersonaTestCase, xlsx_cells


class DaftarImportPageTests(PersonaTestCase):
    url = reverse("catalog:datalist-import")

    def _upload(self, rows: list[list[object]]):  # type: ignore[no-untyped-def]
        upload = SimpleUploadedFile("daftar-data-2026.xlsx", _sheet(rows))
        return self.client.post(self.url, {"year": 2026, "file": upload})

    def test_upload_preview_confirm_then_the_list_shows_the_items(self) -> None:
        self.client.force_login(self.p.walidata)
        preview = self._upload(GOOD_ROWS)
        self.assertContains(preview, "3 item")
        self.assertContains(preview, "dibaca sebagai judul")
        self.assertFalse(DataItem.objects.exists())
        digest = preview.context["digest"]
        self.assertEqual(read_original(digest)[:2], b"PK")
        saved = self.client.post(
            self.url,
            {"confirm": "1", "digest": digest, "year": 2026, "filename": "daftar-data-2026.xlsx"},
        )
        self.assertRedirects(saved, reverse("catalog:datalist-detail", args=[2026]))
        page = self.client.get(reverse("catalog:datalist-detail", args=[2026]))
        self.assertContains(page, "Jumlah Puskesmas")
        self.assertContains(page, "Draf")

    def test_errors_are_listed_and_no_save_button_is_offered(self) -> None:
        self.client.force_login(self.p.walidata)
        bad = [[1, "Dinas Kesehatn", "X", "", "Tahunan", "", "", "", ""]]
        preview = self._upload(bad)
        self.assertContains(preview, "Apakah yang dimaksud: Dinas Kesehatan?")
        self.assertNotContains(preview, 'name="confirm"')

    def test_an_image_named_xlsx_gets_a_clear_error_on_the_form(self) -> None:
        self.client.force_login(self.p.walidata)
        upload = SimpleUploadedFile("foto.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        response = self.client.post(self.url, {"year": 2026, "file": upload})
        self.assertEqual(response.status_code, 400)
        # Named for what it is (issue 15, point 12), not just "binary data".
        self.assertContains(response, "“foto.xlsx” adalah gambar PNG", status_code=400)


class DaftarVisibilityTests(PersonaTestCase):
    def test_a_draft_list_is_for_staff_and_an_approved_one_for_everyone(self) -> None:
        DataList.objects.create(year=2027)
        url = reverse("catalog:datalist-detail", args=[2027])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(url).status_code, 200)
        DataList.objects.filter(year=2027).update(status=DataListStatus.APPROVED)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_kepala_bidang_approves_from_the_page(self) -> None:
        DataList.objects.create(year=2027)
        self.client.force_login(self.p.kepala_bidang)
        page = self.client.get(reverse("catalog:datalist-detail", args=[2027]))
        self.assertContains(page, reverse("catalog:datalist-approve", args=[2027]))
        self.client.post(reverse("catalog:datalist-approve", args=[2027]))
        self.assertTrue(DataList.objects.get(year=2027).is_frozen)

    def test_the_xlsx_export_neutralises_formula_like_text(self) -> None:
        data_list = DataList.objects.create(year=2026, status=DataListStatus.APPROVED)
        DataItem.objects.create(
            data_list=data_list,
            number=1,
            agency=self.p.agency,
            name='=HYPERLINK("http://x")',
            frequency="tahunan",
        )
        response = self.client.get(reverse("catalog:datalist-xlsx", args=[2026]))
        (cell,) = [c for c in xlsx_cells(response.content) if c.ref == "C5"]
        self.assertEqual(cell.value, '=HYPERLINK("http://x")')
        self.assertTrue(cell.is_text and cell.is_quoted and not cell.is_formula)
