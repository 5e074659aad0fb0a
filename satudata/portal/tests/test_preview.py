"""Downloads and the preview for Indonesian Excel users: the CSV that opens in an Indonesian
Excel, the XLSX headed by variable and unit with its metadata in Indonesian, and the preview's
numbers in the page's language with region names beside their codes."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from python_calamine import CalamineWorkbook

from satudata.catalog.models import Dataset, DataType, Variable
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase

COLUMNS = [("Kode Wilayah", "region"), ("Tahun", "year"), ("Jumlah Penduduk", "dec")]


class IndonesianDownloadTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Variable.objects.create(
            agency=cls.p.agency, name="Jumlah Penduduk", data_type=DataType.DECIMAL, unit="jiwa"
        )
        cls.dataset = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.agency,
            name="Penduduk per Kecamatan",
            columns=COLUMNS,
            rows=[["18.10.01", 2025, "1234567,5"], ["18.10.02", 2025, "980"]],
            publisher=cls.p.kepala_bidang,
        )

    def get(self, name: str, *args: object) -> bytes:
        response = self.client.get(reverse(name, args=[self.dataset.slug, *args]))
        self.assertEqual(response.status_code, 200)
        if response.streaming:
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return response.content

    def test_the_indonesian_csv_uses_semicolons_and_decimal_commas(self) -> None:
        response = self.client.get(reverse("portal:download", args=[self.dataset.slug, "csv-id"]))
        self.assertIn(".excel-id.csv", response["Content-Disposition"])
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0], ["kode_wilayah", "tahun", "jumlah_penduduk"])
        self.assertEqual(rows[1], ["18.10.01", "2025", "1234567,5"])
        standard = self.get("portal:download", "csv").decode("utf-8-sig").splitlines()
        self.assertEqual(standard[1], '"18.10.01",2025,1234567.5')

    def test_the_rest_export_offers_the_indonesian_csv(self) -> None:
        response = self.client.get(
            f"/api/v1/datasets/{self.dataset.slug}/export", {"format": "csv-id"}
        )
        body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
        self.assertEqual(rows[2], ["18.10.02", "2025", "980"])
        self.assertIn("\r\n", body)

    def test_the_xlsx_heads_columns_with_variable_and_unit_and_describes_them_in_indonesian(
        self,
    ) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        book = CalamineWorkbook.from_filelike(io.BytesIO(self.get("portal:download", "xlsx")))
        data = book.get_sheet_by_name("Data").to_python()
        self.assertEqual(data[0], ["Kode Wilayah", "Tahun", "Jumlah Penduduk (jiwa)"])
        self.assertEqual(data[1], ["18.10.01", 2025.0, 1234567.5])
        meta = [row[:2] for row in book.get_sheet_by_name("Metadata").to_python()]
        self.assertIn(["Judul", self.dataset.title], meta)
        self.assertIn(["Kolom", "Variabel"], meta)
        self.assertNotIn("Title", [row[0] for row in meta])

    def test_the_preview_shows_indonesian_numbers_and_region_names(self) -> None:
        with self.assertNumQueries(self.queries_for_rows()):
            rows = self.client.get(reverse("portal:rows", args=[self.dataset.slug, 1])).json()
        self.assertEqual(rows["rows"][0][1:], ["18.10.01", 2025, 1234567.5])
        self.assertEqual(rows["shown"][0][1:], [None, None, "1.234.567,5"])
        self.assertEqual(rows["regions"], {"18.10.01": "Pringsewu", "18.10.02": "Gading Rejo"})

    def queries_for_rows(self) -> int:
        """The queries of a page of rows without region names, plus exactly one for them."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.client.get(reverse("portal:rows", args=[self.dataset.slug, 1]), {"cari": "zzz"})
        return len(captured) + 1

    def test_in_english_the_preview_uses_english_numbers_and_the_page_still_works(self) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        rows = self.client.get(reverse("portal:rows", args=[self.dataset.slug, 1])).json()
        self.assertEqual(rows["shown"][0][3], "1,234,567.5")
        slug = self.dataset.slug
        page = self.client.get(reverse("portal:dataset", args=[slug]))
        self.assertContains(page, "The table")
        self.assertContains(page, "CSV (Excel Indonesia)")
        self.assertContains(page, reverse("portal:download-version", args=[slug, 1, "csv-id"]))
        self.client.post(reverse("set_language"), {"language": "id", "next": "/"})
        indonesian = self.client.get(reverse("portal:dataset", args=[slug]))
        self.assertContains(indonesian, "Excel berbahasa Indonesia")


class PreviewDateAndDecimalTests(PersonaTestCase):
    def test_dates_read_the_indonesian_way_and_decimals_only_as_many_as_the_page_needs(
        self,
    ) -> None:
        dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Curah Hujan Harian",
            columns=[("Tanggal", "date"), ("Curah Hujan", "dec"), ("Suhu", "dec")],
            rows=[["2025-03-01", "50", "27,5"], ["2025-12-31", "30", "26"]],
            publisher=self.p.kepala_bidang,
        )
        url = reverse("portal:rows", args=[dataset.slug, 1])
        rows = self.client.get(url).json()
        self.assertEqual(rows["rows"][0][1], "2025-03-01")  # the value as stored travels too
        self.assertEqual(
            rows["shown"],
            [[None, "1 Maret 2025", "50", "27,5"], [None, "31 Desember 2025", "30", "26,0"]],
        )
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = self.client.get(url).json()
        self.assertEqual(english["shown"][1][1:], ["31 December 2025", "30", "26.0"])
