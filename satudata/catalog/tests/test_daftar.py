from __future__ import annotations

import io

import xlsxwriter  # type: ignore[import-untyped]
from django.core.exceptions import PermissionDenied

from satudata.catalog.daftar import TEMPLATE_HEADER, parse_daftar
from satudata.catalog.models import Access, DataItem, DataList, Frequency, PresentationLevel
from satudata.catalog.services import (
    DataListFrozen,
    PreviewHasErrors,
    approve_data_list,
    import_data_list,
)
from satudata.catalog.sinkronisasi.reading.upload import read_upload
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase

HEADER = TEMPLATE_HEADER
GOOD_ROWS = [
    [
        1,
        "Dinas Kesehatan Kabupaten Pringsewu",
        "Jumlah Puskesmas",
        "Unit",
        "Tahunan",
        "Kecamatan",
        "Maret n+1",
        "Terbuka",
        "Ya",
    ],
    [
        2,
        "DINKES",
        "Angka Kematian Bayi",
        "Per 1.000 kelahiran",
        "Tahunan",
        "Kabupaten",
        "Juni n+1",
        "",
        "Tidak",
    ],
    [
        3,
        "Dinas Pendidikan dan Kebudayaan",
        "Angka Partisipasi Sekolah",
        "Persen",
        "Tahun Ajaran",
        "Desa",
        "***",
        "terbatas",
        "",
    ],
]


def _sheet(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Daftar Data 2026")
    sheet.write(0, 0, "DAFTAR DATA KABUPATEN PRINGSEWU TAHUN 2026 (data contoh)")
    sheet.write_row(2, 0, HEADER)
    for offset, row in enumerate(rows):
        sheet.write_row(3 + offset, 0, row)
    book.close()
    return buffer.getvalue()


def _preview(rows: list[list[object]]):  # type: ignore[no-untyped-def]
    (table,) = read_upload(_sheet(rows), "daftar-data.xlsx")
    return parse_daftar(table)


class DaftarParsingTests(PersonaTestCase):
    def test_a_regional_list_is_read_with_agencies_matched_by_any_of_their_names(self) -> None:
        preview = _preview(GOOD_ROWS)
        self.assertFalse(preview.has_errors, preview.problems)
        first, second, third = (item.values for item in preview.items)
        self.assertEqual(first["agency"], self.p.agency)
        self.assertEqual(second["agency"], self.p.agency)
        self.assertEqual(third["agency"], self.p.other_agency)
        self.assertEqual((first["release_month"], first["release_year_offset"]), (3, 1))
        self.assertEqual(first["level"], PresentationLevel.KECAMATAN)
        self.assertEqual(third["frequency"], Frequency.SCHOOL_YEAR)
        self.assertEqual(third["access"], Access.RESTRICTED)
        self.assertTrue(first["is_priority"])
        warning = next(p for p in preview.problems if p.column == "JADWAL RILIS")
        self.assertEqual((warning.row, warning.is_error), (6, False))

    def test_each_bad_cell_is_reported_at_its_excel_row_and_column(self) -> None:
        rows = [
            [1, "Dinas Kesehatn", "Jumlah Posyandu", "Unit", "Tahunan", "", "Maret n+1", "", ""],
            [2, "Dinkes", "Jumlah Bidan", "Orang", "Dua kali", "", "Maret n+1", "", "Mungkin"],
            [3, "Dinkes", "Jumlah Bidan", "Orang", "Tahunan", "", "Maret n+1", "", ""],
            [4, "Dinkes", "Jumlah Bidan", "Orang", "Tahunan", "", "Maret n+1", "", ""],
        ]
        preview = _preview(rows)
        found = {(p.row, p.column) for p in preview.problems if p.is_error}
        self.assertEqual(
            found, {(4, "PRODUSEN DATA"), (5, "PERIODE DATA"), (5, "PRIORITAS"), (7, "NAMA DATA")}
        )
        agency = next(p for p in preview.problems if p.column == "PRODUSEN DATA")
        self.assertIn("Dinas Kesehatan", agency.message)
        self.assertEqual(agency.value, "Dinas Kesehatn")

    def test_a_sheet_without_the_required_columns_says_which(self) -> None:
        (table,) = read_upload(b"NO;URAIAN LAIN\n1;x\n", "daftar.csv")
        preview = parse_daftar(table)
        self.assertTrue(preview.has_errors)
        self.assertIn("PRODUSEN DATA", preview.problems[0].message)


class DaftarServiceTests(PersonaTestCase):
    def test_importing_twice_updates_rather_than_duplicates(self) -> None:
        first = import_data_list(actor=self.p.walidata, year=2026, preview=_preview(GOOD_ROWS))
        self.assertEqual((first.created, first.updated), (3, 0))
        changed = [list(r) for r in GOOD_ROWS[:2]]
        changed[0][3] = "Buah"
        second = import_data_list(actor=self.p.walidata, year=2026, preview=_preview(changed))
        self.assertEqual((second.created, second.updated, second.kept), (0, 2, 1))
        self.assertEqual(DataItem.objects.count(), 3)
        self.assertEqual(DataItem.objects.get(name="Jumlah Puskesmas").unit, "Buah")
        self.assertEqual(AuditEvent.objects.filter(action="catalog.data_list_imported").count(), 2)

    def test_a_preview_with_errors_saves_nothing(self) -> None:
        bad = [[1, "Kantor Tidak Dikenal", "X", "", "Tahunan", "", "", "", ""], *GOOD_ROWS]
        with self.assertRaises(PreviewHasErrors):
            import_data_list(actor=self.p.walidata, year=2026, preview=_preview(bad))
        self.assertFalse(DataItem.objects.exists())

    def test_only_the_kepala_bidang_approves_and_approval_freezes_the_list(self) -> None:
        import_data_list(actor=self.p.walidata, year=2026, preview=_preview(GOOD_ROWS))
        data_list = DataList.objects.get(year=2026)
        with self.assertRaises(PermissionDenied):
            approve_data_list(actor=self.p.walidata, data_list=data_list)
        approved = approve_data_list(actor=self.p.kepala_bidang, data_list=data_list)
        self.assertTrue(approved.is_frozen)
        with self.assertRaises(DataListFrozen):
            import_data_list(actor=self.p.walidata, year=2026, preview=_preview(GOOD_ROWS))
        with self.assertRaises(DataListFrozen):
            approve_data_list(actor=self.p.kepala_bidang, data_list=data_list)

    def test_producers_do_not_import_the_list(self) -> None:
        with self.assertRaises(PermissionDenied):
            import_data_list(actor=self.p.producer, year=2026, preview=_preview(GOOD_ROWS))
