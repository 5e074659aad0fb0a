from __future__ import annotations

import datetime as dt
import io

import xlsxwriter  # type: ignore[import-untyped]
from django.test import SimpleTestCase

from satudata.catalog.sinkronisasi.reading.shape import split_header, unpivot, year_columns
from satudata.catalog.sinkronisasi.reading.types import DATE, DECIMAL, INTEGER, TEXT, profile_column
from satudata.catalog.sinkronisasi.reading.upload import UnreadableUpload, read_upload


class UnpivotTests(SimpleTestCase):
    def test_year_columns_become_rows_that_remember_their_excel_row(self) -> None:
        columns = ["Kecamatan", "2023", "Tahun 2024"]
        self.assertEqual(year_columns(columns), [1, 2])
        long = unpivot(
            columns,
            [["Pringsewu", "12,5", "13,1"], ["Ambarawa", "9", "-"]],
            [5, 6],
            value_columns=[1, 2],
        )
        self.assertEqual(long.columns, ["Kecamatan", "tahun", "nilai"])
        self.assertEqual(
            long.rows,
            [
                ["Pringsewu", "2023", "12,5"],
                ["Pringsewu", "2024", "13,1"],
                ["Ambarawa", "2023", "9"],
                ["Ambarawa", "2024", "-"],
            ],
        )
        self.assertEqual(long.row_numbers, [5, 5, 6, 6])


class ColumnProfileTests(SimpleTestCase):
    def test_integers_with_indonesian_thousands_and_missing_markers(self) -> None:
        profile = profile_column(
            "jumlah", ["1.234", "2.000", "-", "#DIV/0!", "15"], [2, 3, 4, 5, 6]
        )
        self.assertEqual((profile.kind, profile.filled, profile.missing), (INTEGER, 3, 2))
        self.assertEqual(profile.odd_rows, [])

    def test_decimals_and_the_cells_that_do_not_fit(self) -> None:
        profile = profile_column(
            "persen", ["12,5", "7,25", "3,0", "8,1", "tidak tahu"], [2, 3, 4, 5, 6]
        )
        self.assertEqual(profile.kind, DECIMAL)
        self.assertEqual(profile.decimal_mark, ",")
        self.assertEqual((profile.odd_rows, profile.odd_values), ([6], ["tidak tahu"]))

    def test_typed_spreadsheet_numbers_keep_their_value(self) -> None:
        profile = profile_column("produksi", [128637.72, 21752.76, 1.234], [2, 3, 4])
        self.assertEqual(profile.kind, DECIMAL)

    def test_dates_and_text(self) -> None:
        dates = profile_column(
            "tanggal", ["17 Agustus 2025", dt.date(2025, 1, 2), "2025-03-01"], [2, 3, 4]
        )
        self.assertEqual(dates.kind, DATE)
        names = profile_column("desa", ["Wates", "Kediri", "12"], [2, 3, 4])
        self.assertEqual(names.kind, TEXT)


class UploadTests(SimpleTestCase):
    def test_the_content_decides_not_the_name(self) -> None:
        (table,) = read_upload(b"kode;nama\n18.10.01;Pringsewu\n", "data.xlsx")
        self.assertEqual(table.columns, ["kode", "nama"])
        self.assertEqual(table.notices[0].code, "renamed_text")
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        book.add_worksheet("A").write_row(0, 0, ["kode", "nilai"])
        book.close()
        (sheet,) = read_upload(buffer.getvalue(), "data.csv")
        self.assertEqual(sheet.sheet, "A")

    def test_unreadable_uploads_raise_one_error_kind(self) -> None:
        for data in (b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"PK\x03\x04broken"):
            with self.assertRaises(UnreadableUpload):
                read_upload(data, "berkas.xlsx")


class WideHeaderTests(SimpleTestCase):
    def test_a_header_with_a_level_and_a_year_keeps_both_as_columns(self) -> None:
        columns = ["Kecamatan", "SD_2017", "SMP 2017", "PT_2019"]
        long = unpivot(columns, [["Pringsewu", "10", "4", "1"]], [3], value_columns=[1, 2, 3])
        self.assertEqual(long.columns, ["Kecamatan", "kategori", "tahun", "nilai"])
        self.assertEqual(
            long.rows,
            [
                ["Pringsewu", "SD", "2017", "10"],
                ["Pringsewu", "SMP", "2017", "4"],
                ["Pringsewu", "PT", "2019", "1"],
            ],
        )

    def test_sex_and_year_headers_and_school_years_are_split(self) -> None:
        self.assertEqual(split_header("L 2020"), ("L", "2020"))
        self.assertEqual(split_header("Tahun 2024"), ("", "2024"))
        self.assertEqual(split_header("PT 2017/2018"), ("PT", "2017/2018"))
        self.assertEqual(split_header("Jumlah Siswa (2021)"), ("Jumlah Siswa", "2021"))

    def test_a_header_without_a_year_stays_a_column_and_names_never_collide(self) -> None:
        columns = ["tahun", "L 2020", "P 2020"]
        long = unpivot(columns, [["x", "1", "2"]], [2], value_columns=year_columns(columns))
        self.assertEqual(long.columns, ["tahun", "kategori", "tahun_", "nilai"])
        self.assertEqual(long.rows, [["x", "L", "2020", "1"], ["x", "P", "2020", "2"]])
