from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]
from django.conf import settings
from django.test import SimpleTestCase

from satudata.catalog.sinkronisasi.reading.cells import as_number
from satudata.catalog.sinkronisasi.reading.spreadsheet import UnreadableWorkbook, read_workbook


def _xlsx(build) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


def _messy(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book.add_worksheet("Penduduk 2025")
    sheet.write(2, 1, "Jumlah Penduduk per Kecamatan (data contoh)")
    sheet.merge_range(4, 1, 5, 1, "Kecamatan")
    sheet.merge_range(4, 2, 4, 3, "Jenis Kelamin")
    sheet.write_row(5, 2, ["Laki-laki", "Perempuan"])
    sheet.write_row(6, 1, ["Pringsewu", 31250, "30.980"])
    sheet.write_row(7, 1, ["Gading Rejo", 40112.0, 39875])
    sheet.write(8, 1, "Jumlah")
    sheet.write_formula(8, 2, "=SUM(C7:C8)", None, 71362)
    sheet.write(10, 1, "Sumber: Disdukcapil")
    book.add_worksheet("Catatan")


class WorkbookTests(SimpleTestCase):
    def test_a_messy_sheet_is_understood_with_excel_row_numbers(self) -> None:
        first, empty = read_workbook(_xlsx(_messy))
        self.assertEqual(first.sheet, "Penduduk 2025")
        self.assertEqual(
            first.columns, ["Kecamatan", "Jenis Kelamin - Laki-laki", "Jenis Kelamin - Perempuan"]
        )
        self.assertEqual(first.row_numbers, [7, 8])
        self.assertEqual([r[0] for r in first.rows], ["Pringsewu", "Gading Rejo"])
        self.assertEqual(as_number(first.rows[0][1]), Decimal(31250))
        self.assertEqual(as_number(first.rows[0][2]), Decimal(30980))
        codes = {n.code: n.row for n in first.notices}
        self.assertEqual(codes["title_row"], 3)
        self.assertEqual(codes["total_row"], 9)
        self.assertEqual(codes["footnote"], 11)
        self.assertEqual(empty.columns, [])
        self.assertEqual(empty.notices[0].code, "empty_sheet")

    def test_a_formula_cell_gives_its_computed_value(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet()
            sheet.write_row(0, 0, ["wilayah", "nilai"])
            sheet.write(1, 0, "Ambarawa")
            sheet.write_formula(1, 1, "=2*21", None, 42)

        (table,) = read_workbook(_xlsx(build))
        self.assertEqual(as_number(table.rows[0][1]), Decimal(42))

    def test_an_image_renamed_xlsx_or_a_damaged_file_is_refused_clearly(self) -> None:
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        with self.assertRaisesMessage(UnreadableWorkbook, "rusak"):
            read_workbook(png)
        with self.assertRaisesMessage(UnreadableWorkbook, "rusak"):
            read_workbook(_xlsx(_messy)[:500])
        with self.assertRaisesMessage(UnreadableWorkbook, "kosong"):
            read_workbook(b"")

    def test_thousands_of_columns_are_refused_with_advice(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            sheet = book.add_worksheet("Lebar")
            sheet.write_row(0, 0, [f"desa {i}" for i in range(settings.READ_MAX_COLUMNS + 5)])
            sheet.write_row(1, 0, list(range(settings.READ_MAX_COLUMNS + 5)))

        with self.assertRaisesMessage(UnreadableWorkbook, "kolom"):
            read_workbook(_xlsx(build))

    def test_a_password_protected_workbook_is_refused_with_what_to_do(self) -> None:
        # Made with Excel's own encryption format (ECMA-376 agile, password "rahasia").
        protected = (Path(__file__).parent / "files" / "berkas-berkata-sandi.xlsx").read_bytes()
        with self.assertRaisesMessage(UnreadableWorkbook, "kata sandi"):
            read_workbook(protected)

    def test_a_sheet_without_rows_says_so(self) -> None:
        def build(book) -> None:  # type: ignore[no-untyped-def]
            book.add_worksheet("Kosong")
            book.add_worksheet("Isi").write_row(0, 0, ["a", "b"])

        empty, filled = read_workbook(_xlsx(build))
        self.assertEqual((empty.columns, empty.rows), ([], []))
        self.assertIn("tidak berisi data", empty.notices[0].message)
        self.assertEqual(filled.columns, ["a", "b"])
