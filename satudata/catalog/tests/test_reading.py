from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase

from satudata.catalog.reading.delimited import UnreadableFile, read_delimited
from satudata.catalog.reading.delimiter import detect_delimiter
from satudata.catalog.reading.layout import detect_layout
from satudata.catalog.reading.text import decode
from satudata.catalog.reading.values import (
    MISSING,
    infer_decimal_mark,
    parse_date,
    parse_number,
)


class EncodingTests(SimpleTestCase):
    text = "Kecamatan;Jumlah\nPagelaran;1.234\nGading Rejo;2.000\n"

    def test_it_reads_utf8_with_and_without_bom(self) -> None:
        self.assertEqual(decode(self.text.encode()).encoding, "utf-8")
        with_bom = decode(b"\xef\xbb\xbf" + self.text.encode())
        self.assertEqual((with_bom.encoding, with_bom.text), ("utf-8-sig", self.text))

    def test_it_reads_utf16_with_and_without_bom(self) -> None:
        self.assertEqual(decode(self.text.encode("utf-16")).text, self.text)
        without = decode(self.text.encode("utf-16-le"))
        self.assertEqual((without.encoding, without.text), ("utf-16-le", self.text))

    def test_it_falls_back_to_windows_1252(self) -> None:
        decoded = decode("Désa;Jumlah\nPardasuka;12\n".encode("cp1252"))
        self.assertEqual(decoded.encoding, "cp1252")
        self.assertTrue(decoded.text.startswith("Désa"))

    def test_a_file_mixing_encodings_is_read_line_by_line_and_reported(self) -> None:
        data = "Nama;Catatan\nA;café\n".encode() + "B;résumé\n".encode("cp1252")
        decoded = decode(data)
        self.assertIn("résumé", decoded.text)
        self.assertIn("café", decoded.text)
        self.assertEqual(decoded.notices[0].row, 3)


class DelimiterTests(SimpleTestCase):
    def test_it_finds_each_separator(self) -> None:
        for sep in (",", ";", "\t", "|"):
            text = sep.join(["kode", "nama", "jumlah"]) + "\n" + sep.join(["18.10", "A", "3"])
            self.assertEqual(detect_delimiter(text), sep, repr(sep))

    def test_commas_inside_numbers_do_not_fool_it(self) -> None:
        text = "wilayah;nilai;persen\nPringsewu;1,5;12,3\nAmbarawa;2,25;7,0\nPagelaran;3,1;8,9\n"
        self.assertEqual(detect_delimiter(text), ";")

    def test_quoted_separators_are_respected(self) -> None:
        text = 'nama,alamat\n"Dinas A","Jl. Merdeka, No. 1"\n"Dinas B","Jl. Ahmad Yani, 2"\n'
        self.assertEqual(detect_delimiter(text), ",")


class NumberTests(SimpleTestCase):
    def test_indonesian_and_english_formats(self) -> None:
        self.assertEqual(parse_number("1.234,56", decimal=","), Decimal("1234.56"))
        self.assertEqual(parse_number("1,234.56", decimal="."), Decimal("1234.56"))
        self.assertEqual(parse_number("1 234", decimal=","), Decimal("1234"))
        self.assertEqual(parse_number("-12,5", decimal=","), Decimal("-12.5"))

    def test_percent_signs_become_fractions(self) -> None:
        self.assertEqual(parse_number("12,5%", decimal=","), Decimal("0.125"))

    def test_missing_markers_are_missing_not_errors(self) -> None:
        for marker in ("-", "…", "NA", "#DIV/0!", "#REF!", "", " n.a. "):
            self.assertIs(parse_number(marker), MISSING, marker)

    def test_text_is_not_a_number(self) -> None:
        self.assertIsNone(parse_number("dua belas"))
        self.assertIsNone(parse_number("1.2.3,4,5"))

    def test_the_decimal_mark_is_inferred_per_column(self) -> None:
        self.assertEqual(infer_decimal_mark(["1.234", "12,5", "7"]), ",")
        self.assertEqual(infer_decimal_mark(["1,234.50", "3.75"]), ".")
        self.assertEqual(infer_decimal_mark(["1.234.567", "2.000"]), ",")
        self.assertEqual(infer_decimal_mark(["128,637.72", "21,752.76"]), ".")


class DateTests(SimpleTestCase):
    def test_indonesian_month_names_and_day_first_dates(self) -> None:
        self.assertEqual(parse_date("17 Agustus 2025"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("1 Pebruari 2024"), dt.date(2024, 2, 1))
        self.assertEqual(parse_date("17/08/2025"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("2025-08-17"), dt.date(2025, 8, 17))
        self.assertEqual(parse_date("Mei 2025"), dt.date(2025, 5, 1))
        self.assertIs(parse_date("-"), MISSING)
        self.assertIsNone(parse_date("31 Februari 2025"))
        self.assertIsNone(parse_date("besok"))


class LayoutTests(SimpleTestCase):
    def test_titles_merged_headers_totals_and_footnotes(self) -> None:
        rows = [
            ["Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin", "", "", ""],
            ["Kabupaten Pringsewu, 2025", "", "", ""],
            ["", "", "", ""],
            ["Kecamatan", "Jumlah Penduduk", "", ""],
            ["", "Laki-laki", "Perempuan", "Total"],
            ["Pardasuka", "18.512", "17.804", "36.316"],
            ["Ambarawa", "17.230", "16.901", "34.131"],
            ["", "", "", ""],
            ["Jumlah", "35.742", "34.705", "70.447"],
            ["Sumber: Dinas Kependudukan dan Pencatatan Sipil (data contoh)", "", "", ""],
            ["Catatan: angka sementara", "", "", ""],
        ]
        layout = detect_layout(rows)
        self.assertEqual(
            layout.columns,
            [
                "Kecamatan",
                "Jumlah Penduduk - Laki-laki",
                "Jumlah Penduduk - Perempuan",
                "Jumlah Penduduk - Total",
            ],
        )
        self.assertEqual(layout.header_rows, [3, 4])
        self.assertEqual(layout.data_rows, [5, 6])
        self.assertEqual(layout.total_rows, [8])
        self.assertEqual(layout.footnote_rows, [9, 10])
        codes = [n.code for n in layout.notices]
        for code in ("title_row", "total_row", "footnote", "blank_rows", "merged_header"):
            self.assertIn(code, codes)
        total = next(n for n in layout.notices if n.code == "total_row")
        self.assertEqual(total.row, 9)

    def test_year_columns_stay_in_the_header(self) -> None:
        rows = [["Kecamatan", "2023", "2024"], ["Pringsewu", "12,5", "13,1"]]
        layout = detect_layout(rows)
        self.assertEqual(layout.columns, ["Kecamatan", "2023", "2024"])
        self.assertEqual(layout.data_rows, [1])

    def test_a_text_only_table_has_a_one_row_header(self) -> None:
        rows = [
            ["PRODUSEN DATA", "NAMA DATA", "JADWAL RILIS"],
            ["Dinas Kesehatan", "Jumlah Puskesmas", "Maret n+1"],
            ["Dinas Sosial", "Jumlah PKH", "April n+1"],
        ]
        layout = detect_layout(rows)
        self.assertEqual(layout.header_rows, [0])
        self.assertEqual(layout.data_rows, [1, 2])

    def test_empty_and_duplicate_header_names_get_unique_names(self) -> None:
        layout = detect_layout([["nama", "", "nama"], ["a", "1", "2"]])
        self.assertEqual(layout.columns, ["nama", "kolom_2", "nama (2)"])


class DelimitedFileTests(SimpleTestCase):
    def test_a_messy_agency_csv_is_understood(self) -> None:
        text = (
            "Produksi Padi Kabupaten Pringsewu (data contoh);;;\n"
            "kecamatan;tahun;produksi;produktivitas;\n"
            "Gadingrejo;2023;12.637,72;#DIV/0!;\n"
            "Pagelaran;2023;9.001,10;5,61;\n"
            "Jumlah;;21.638,82;;\n"
            "Sumber: Dinas Pertanian;;;\n"
        )
        table = read_delimited(b"\xef\xbb\xbf" + text.encode())
        self.assertEqual(table.delimiter, ";")
        self.assertEqual(table.columns[:4], ["kecamatan", "tahun", "produksi", "produktivitas"])
        self.assertEqual([r[0] for r in table.rows], ["Gadingrejo", "Pagelaran"])
        self.assertEqual(table.row_numbers, [3, 4])
        self.assertEqual(parse_number(table.rows[0][2]), Decimal("12637.72"))

    def test_ragged_rows_are_reported(self) -> None:
        table = read_delimited(b"a,b\n1,2\n3,4,5\n")
        ragged = next(n for n in table.notices if n.code == "ragged_rows")
        self.assertEqual(ragged.row, 3)
        self.assertEqual(table.rows[1], ["3", "4"])

    def test_an_empty_file_or_an_image_is_refused_with_a_clear_message(self) -> None:
        with self.assertRaisesMessage(UnreadableFile, "kosong"):
            read_delimited(b"  \n")
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10"
        with self.assertRaisesMessage(UnreadableFile, "bukan tabel teks"):
            read_delimited(png)
